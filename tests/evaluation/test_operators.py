"""Operator record (seed 004 §4.1): editable by its administrator only, NIT with check digit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from merito.audit.models import AuditEvent
from merito.evaluation.models import OperatorProfile

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
    client.force_login(luz)
    response = client.post(reverse("evaluation:operator_detail", args=[unal.pk]), VALID)
    assert response.status_code == 302
    profile = OperatorProfile.objects.get(organization=unal)
    unal.refresh_from_db()
    assert unal.name == "Universidad Nacional de Colombia"
    assert profile.nit_label == "899999063-3"
    assert profile.contact_email == "contacto@unal.edu.co"
    assert AuditEvent.objects.filter(action="evaluation.operator.updated").exists()


def test_a_wrong_check_digit_is_refused_and_nothing_changes(client, luz, unal):
    client.force_login(luz)
    response = client.post(
        reverse("evaluation:operator_detail", args=[unal.pk]), {**VALID, "nit_check_digit": "4"}
    )
    assert response.status_code == 400
    assert "el dígito de verificación no corresponde al número" in response.content.decode()
    unal.refresh_from_db()
    assert unal.name == "Universidad Nacional"


def test_a_phone_with_symbols_is_refused(client, luz, unal):
    client.force_login(luz)
    response = client.post(
        reverse("evaluation:operator_detail", args=[unal.pk]), {**VALID, "phone": "601-316"}
    )
    assert response.status_code == 400
    assert "sin caracteres especiales" in response.content.decode()


def test_another_operators_administrator_gets_404(client, pedro, unal):
    client.force_login(pedro)
    assert client.get(reverse("evaluation:operator_detail", args=[unal.pk])).status_code == 404
    response = client.post(reverse("evaluation:operator_detail", args=[unal.pk]), VALID)
    assert response.status_code == 404


def test_process_management_reads_but_cannot_edit(client, carlos, unal):
    client.force_login(carlos)
    page = client.get(reverse("evaluation:operator_detail", args=[unal.pk]))
    assert page.status_code == 200
    assert "Solo el administrador del operador puede modificar" in page.content.decode()
    assert (
        client.post(reverse("evaluation:operator_detail", args=[unal.pk]), VALID).status_code == 403
    )


def test_an_analyst_gets_403(client, ana, unal):
    client.force_login(ana)
    assert client.get(reverse("evaluation:operator_detail", args=[unal.pk])).status_code == 403
    assert client.get(reverse("evaluation:operator_list")).status_code == 403


def test_the_operator_list_shows_only_its_own_and_exports_csv(client, luz, unal, andes):
    client.force_login(luz)
    page = client.get(reverse("evaluation:operator_list")).content.decode()
    assert "Universidad Nacional" in page
    assert "Universidad de los Andes" not in page
    csv = client.get(reverse("evaluation:operator_list") + "?formato=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Universidad Nacional" in csv.content.decode()
