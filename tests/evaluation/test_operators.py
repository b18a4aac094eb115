"""Operator record (seed 004 §4.1): editable by its administrator only, NIT with check digit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from merito.audit.models import AuditEvent
from merito.organizations.models import OperatorProfile, Organization, OrganizationKind, Role
from tests.conftest import sign_in
from tests.evaluation.conftest import person

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Universidad Nacional de Colombia",
    "nit": "899999063",
    "nit_check_digit": "3",
    "phone": "6013165000",
    "address": "Carrera 45 # 26-85",
    "department": "Bogotá, D.C.",
    "municipality": "Bogotá",
    "legal_representative": "Dolly Montoya",
    "legal_representative_email": "rectoria@unal.edu.co",
    "contact_name": "Luz Castro",
    "contact_email": "contacto@unal.edu.co",
}


def test_the_administrator_saves_the_operator_data(client, luz, unal):
    sign_in(client, luz)
    response = client.post(reverse("backoffice:evaluation:operator_detail", args=[unal.pk]), VALID)
    assert response.status_code == 302
    profile = OperatorProfile.objects.get(organization=unal)
    unal.refresh_from_db()
    assert unal.name == "Universidad Nacional de Colombia"
    assert profile.nit_label == "899999063-3"
    assert profile.contact_email == "contacto@unal.edu.co"
    assert AuditEvent.objects.filter(action="evaluation.operator.updated").exists()


def test_a_wrong_check_digit_is_refused_and_nothing_changes(client, luz, unal):
    sign_in(client, luz)
    response = client.post(
        reverse("backoffice:evaluation:operator_detail", args=[unal.pk]),
        {**VALID, "nit_check_digit": "4"},
    )
    assert response.status_code == 400
    assert "el dígito de verificación no corresponde al número" in response.content.decode()
    unal.refresh_from_db()
    assert unal.name == "Universidad Nacional"


def test_a_phone_with_symbols_is_refused(client, luz, unal):
    sign_in(client, luz)
    response = client.post(
        reverse("backoffice:evaluation:operator_detail", args=[unal.pk]),
        {**VALID, "phone": "601-316"},
    )
    assert response.status_code == 400
    assert "sin caracteres especiales" in response.content.decode()


def test_another_operators_administrator_gets_404(client, pedro, unal):
    sign_in(client, pedro)
    assert (
        client.get(reverse("backoffice:evaluation:operator_detail", args=[unal.pk])).status_code
        == 404
    )
    response = client.post(reverse("backoffice:evaluation:operator_detail", args=[unal.pk]), VALID)
    assert response.status_code == 404


def test_process_management_reads_but_cannot_edit(client, carlos, unal, vrm):
    sign_in(client, carlos)
    page = client.get(reverse("backoffice:evaluation:operator_detail", args=[unal.pk]))
    assert page.status_code == 200
    assert "Solo el administrador del operador puede modificar" in page.content.decode()
    assert (
        client.post(
            reverse("backoffice:evaluation:operator_detail", args=[unal.pk]), VALID
        ).status_code
        == 403
    )


def test_an_analyst_gets_403(client, ana, unal):
    sign_in(client, ana)
    assert (
        client.get(reverse("backoffice:evaluation:operator_detail", args=[unal.pk])).status_code
        == 403
    )
    assert client.get(reverse("backoffice:evaluation:operator_list")).status_code == 403


def test_the_operator_list_shows_only_its_own_and_exports_csv(client, luz, unal, andes):
    sign_in(client, luz)
    page = client.get(reverse("backoffice:evaluation:operator_list")).content.decode()
    assert "Universidad Nacional" in page
    assert "Universidad de los Andes" not in page
    csv = client.get(reverse("backoffice:evaluation:operator_list") + "?formato=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Universidad Nacional" in csv.content.decode()


def test_process_management_sees_only_operators_of_the_processes_it_manages(
    client, carlos, luz, unal, andes, vrm
):
    """Gerencia of the MINEDU opened UNAL-OP and read its users' documents and e-mails;
    it is now scoped to the operators awarded a test of a process it manages."""
    minedu = Organization.objects.create(
        name="Ministerio de Educación del Perú",
        short_name="MINEDU",
        kind=OrganizationKind.MINISTRY,
        country="PE",
    )
    outsider = person(Role.PROCESS_MANAGEMENT, minedu, "gerencia.minedu")
    sign_in(client, outsider)
    detail = reverse("backoffice:evaluation:operator_detail", args=[unal.pk])
    assert client.get(detail).status_code == 404
    assert client.get(detail + "?formato=csv").status_code == 404
    listing = client.get(reverse("backoffice:evaluation:operator_list")).content.decode()
    assert "Universidad Nacional" not in listing
    exported = client.get(
        reverse("backoffice:evaluation:operator_list") + "?formato=csv"
    ).content.decode()
    assert "Universidad Nacional" not in exported

    # Carlos manages the process with a test awarded to UNAL, none to Andes.
    sign_in(client, carlos)
    assert client.get(detail).status_code == 200
    assert "luz.admin@example.org" in client.get(detail + "?formato=csv").content.decode()
    assert (
        client.get(reverse("backoffice:evaluation:operator_detail", args=[andes.pk])).status_code
        == 404
    )
