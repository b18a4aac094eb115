"""Tests of a process (seed 004 §3.2): types, values, weights at 100 %, jobs, open/close."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from merito.calls import models as calls_models
from merito.calls import services
from merito.errors import DomainError
from tests.conftest import sign_in
from tests.evaluation.conftest import exam_data

pytestmark = pytest.mark.django_db


def test_there_are_the_nineteen_types_of_the_seed():
    assert len(calls_models.TestType.choices) == 19
    labels = {str(label) for _value, label in calls_models.TestType.choices}
    assert "Prueba Tipo SCD = SELECCIONABLE" in labels
    assert "Verificación Requisito Mínimos" in labels
    assert "Prueba De Aptitudes Y Competencias Básicas Y Psicotécnica" in labels


def form(unal, **overrides):
    data = {k: v for k, v in exam_data(unal).items() if k != "operator_id"}
    data.update(operator=unal.pk, quantitative="on", date="2026-09-13")
    data.update(overrides)
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_process_management_creates_a_test(client, carlos, process, unal):
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:test_create", args=[process.pk]), form(unal)
    )
    assert response.status_code == 302
    test = calls_models.Test.objects.get()
    assert test.operator == unal and test.pass_value == Decimal("60")


def test_weights_over_100_are_refused_naming_the_sum(client, carlos, process, unal):
    services.test_save(process=process, test=None, data=exam_data(unal, weight=70), by=carlos)
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:test_create", args=[process.pk]), form(unal, weight="40")
    )
    assert response.status_code == 400
    assert "sumarían 110 %; no pueden superar 100 %" in response.content.decode()
    assert calls_models.Test.objects.count() == 1


def test_editing_a_test_does_not_count_its_own_old_weight(process, unal, carlos):
    test = services.test_save(
        process=process, test=None, data=exam_data(unal, weight=60), by=carlos
    )
    services.test_save(process=process, test=test, data={"weight": Decimal("100")}, by=carlos)
    test.refresh_from_db()
    assert test.weight == 100


def test_a_pass_value_above_the_max_is_refused(process, unal, carlos):
    with pytest.raises(DomainError, match="no puede ser mayor que el valor máximo"):
        services.test_save(
            process=process, test=None, data=exam_data(unal, pass_value=101), by=carlos
        )


def test_the_pass_value_is_only_for_quantitative_tests(process, unal, carlos):
    with pytest.raises(DomainError, match="obligatorio en las pruebas cuantitativas"):
        services.test_save(
            process=process, test=None, data=exam_data(unal, pass_value=None), by=carlos
        )
    with pytest.raises(DomainError, match="únicamente a las pruebas cuantitativas"):
        services.test_save(
            process=process, test=None, data=exam_data(unal, quantitative=False), by=carlos
        )


def test_percentages_outside_0_100_are_refused_by_the_form(client, carlos, process, unal):
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:test_create", args=[process.pk]),
        form(unal, audit_percent_approved="120"),
    )
    assert response.status_code == 400
    assert not calls_models.Test.objects.exists()


def test_opening_needs_the_weights_at_100(process, unal, carlos):
    vrm = services.test_save(process=process, test=None, data=exam_data(unal, weight=30), by=carlos)
    with pytest.raises(DomainError, match="suman 30 %; deben sumar 100 %"):
        services.test_set_state(test=vrm, state=calls_models.TestState.OPEN, by=carlos)
    services.test_save(process=process, test=None, data=exam_data(unal, weight=70), by=carlos)
    services.test_set_state(test=vrm, state=calls_models.TestState.OPEN, by=carlos)
    vrm.refresh_from_db()
    assert vrm.state == calls_models.TestState.OPEN
    services.test_set_state(test=vrm, state=calls_models.TestState.CLOSED, by=carlos)
    vrm.refresh_from_db()
    assert vrm.state == calls_models.TestState.CLOSED


def test_opening_and_closing_a_test_tells_its_linked_users_and_a_stale_page_loses(
    process, unal, carlos, luz
):
    from merito.notifications.models import OutboundEmail
    from merito.organizations.models import Role
    from tests.evaluation.conftest import person

    vrm = services.test_save(
        process=process, test=None, data=exam_data(unal, weight=100), by=carlos
    )
    other = services.test_save(
        process=process, test=None, data=exam_data(unal, weight=0, description="Otra"), by=carlos
    )
    linked = person(Role.ANALYST, unal, "ana.vinculada")
    services.test_user_link(test=vrm, user=linked, role=Role.ANALYST, by=luz)
    services.test_user_link(
        test=other, user=person(Role.ANALYST, unal, "otro.analista"), role=Role.ANALYST, by=luz
    )
    seen = vrm.version

    services.test_set_state(test=vrm, state=calls_models.TestState.OPEN, by=carlos)
    mails = OutboundEmail.objects.filter(kind="calls.test.state_changed")
    assert list(mails.values_list("to", flat=True)) == [linked.email]
    assert "Abierta" in mails.get().subject
    # A close button on a page read before the opening changes nothing.
    with pytest.raises(DomainError, match="Otra persona modificó"):
        services.test_set_state(
            test=vrm, state=calls_models.TestState.CLOSED, by=carlos, expected_version=seen
        )
    vrm.refresh_from_db()
    assert vrm.state == calls_models.TestState.OPEN


def test_opening_through_the_page_shows_the_sum(client, carlos, process, vrm):
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:test_state", args=[process.pk, vrm.pk]),
        {"estado": "open"},
        follow=True,
    )
    assert "suman 0 %; deben sumar 100 %" in response.content.decode()


def test_the_operator_admin_cannot_edit_or_open_a_test(client, luz, process, vrm):
    sign_in(client, luz)
    assert (
        client.get(
            reverse("backoffice:evaluation:test_edit", args=[process.pk, vrm.pk])
        ).status_code
        == 403
    )
    response = client.post(
        reverse("backoffice:evaluation:test_state", args=[process.pk, vrm.pk]), {"estado": "open"}
    )
    assert response.status_code == 403
    page = client.get(reverse("backoffice:evaluation:test_detail", args=[process.pk, vrm.pk]))
    assert page.status_code == 200
    assert "Abrir prueba" not in page.content.decode()


def test_search_tests_by_type_or_description(client, luz, process, unal, carlos, vrm):
    services.test_save(
        process=process,
        test=None,
        data=exam_data(unal, test_type=calls_models.TestType.VA, description="Antecedentes"),
        by=carlos,
    )
    sign_in(client, luz)
    url = reverse("backoffice:evaluation:process_detail", args=[process.pk])
    by_type = client.get(url + "?prueba=valoración").context["page"].object_list
    assert [t.test_type for t in by_type] == [calls_models.TestType.VA]
    by_text = client.get(url + "?prueba=requisitos").context["page"].object_list
    assert [t.pk for t in by_text] == [vrm.pk]


def test_an_operator_sees_only_its_own_tests(client, pedro, process, andes, carlos, vrm):
    services.test_save(process=process, test=None, data=exam_data(andes), by=carlos)
    sign_in(client, pedro)
    tests = client.get(reverse("backoffice:evaluation:process_detail", args=[process.pk])).context[
        "page"
    ]
    assert [t.operator_id for t in tests.object_list] == [andes.pk]


def test_assigned_and_not_assigned_jobs(client, carlos, luz, process, vrm, positions):
    sign_in(client, carlos)
    url = reverse("backoffice:evaluation:test_positions", args=[process.pk, vrm.pk])
    assert "se aplica a todos los empleos" in client.get(url).content.decode()
    client.post(url + "?vista=no_asignados", {"accion": "asignar", "empleo": [positions[0].pk]})
    assert list(vrm.positions.all()) == [positions[0]]
    not_assigned = client.get(url + "?vista=no_asignados&q=PE-2").context["page"].object_list
    assert [p.code for p in not_assigned] == ["PE-2"]
    csv = client.get(url + "?vista=asignados&formato=csv").content.decode()
    assert "PE-1" in csv and "PE-2" not in csv
    sign_in(client, luz)
    assert client.get(url).status_code == 200
    response = client.post(url, {"accion": "quitar", "empleo": [positions[0].pk]})
    assert response.status_code == 403


def test_a_job_of_another_process_cannot_be_assigned(process, vrm, make_process, carlos):
    from merito.calls.models import Position

    other = make_process("OTRO")
    foreign = Position.objects.create(call=other.call, code="X", name="X", vacancies=1)
    with pytest.raises(DomainError, match="no es de este proceso"):
        services.test_positions_set(test=vrm, add=[foreign.pk], remove=[], by=carlos)
    assert not vrm.positions.exists()
