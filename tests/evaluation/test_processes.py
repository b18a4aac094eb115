"""Selection processes (seed 004 §3): creation, counters, scope, states with justification."""

from __future__ import annotations

import pytest
from django.urls import reverse

from merito.audit.models import AuditEvent
from merito.calls import services
from merito.calls.models import CallState, Job, Notice, Position, ProcessState, ProcessStateChange
from merito.errors import DomainError
from tests.arrange import arranged
from tests.conftest import sign_in
from tests.documents.conftest import PNG_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


def create_form(entity, **overrides):
    data = {
        "code": "CNSC-2026-07",
        "entity": entity.pk,
        "year": "2026",
        "name": "Entidades del Orden Territorial 2026",
        "description": "Proceso de prueba",
        "pse_payment_days": "2",
        "bank_payment_days": "3",
        "application_type": "municipal",
        "is_public": "on",
        "justification": pdf_upload(name="acuerdo.pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_process_management_creates_a_process_open_with_its_justification(client, carlos, entity):
    sign_in(client, carlos)
    response = client.post(reverse("backoffice:evaluation:process_create"), create_form(entity))
    assert response.status_code == 302
    process = services.SelectionProcess.objects.get(call__code="CNSC-2026-07")
    assert process.call.state == CallState.OPEN
    assert process.call.is_public
    assert process.application_type == "municipal"
    assert process.justification.original_name == "acuerdo.pdf"
    assert AuditEvent.objects.filter(action="evaluation.process.created").exists()


def test_creation_without_the_pdf_is_refused(client, carlos, entity):
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:process_create"), create_form(entity, justification=None)
    )
    assert response.status_code == 400
    assert not services.SelectionProcess.objects.exists()


def test_a_duplicate_code_is_refused(client, carlos, entity, process):
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:process_create"), create_form(entity, code=process.call.code)
    )
    assert response.status_code == 400
    assert "Ya existe un proceso de selección con el código" in response.content.decode()


def test_an_operator_admin_cannot_create_or_edit_processes(client, luz, entity, process, vrm):
    sign_in(client, luz)
    assert client.get(reverse("backoffice:evaluation:process_create")).status_code == 403
    assert (
        client.get(reverse("backoffice:evaluation:process_edit", args=[process.pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("backoffice:evaluation:job_list", args=[process.pk])).status_code == 403
    )


def test_the_operator_sees_processes_awarded_to_it_read_only(client, luz, process, vrm):
    sign_in(client, luz)
    page = client.get(reverse("backoffice:evaluation:process_detail", args=[process.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "no pueden ser modificados" in text
    assert "Cambiar estado" not in text


def test_another_operators_process_answers_404(client, pedro, process, vrm):
    sign_in(client, pedro)
    assert (
        client.get(reverse("backoffice:evaluation:process_detail", args=[process.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("backoffice:evaluation:test_detail", args=[process.pk, vrm.pk])
        ).status_code
        == 404
    )
    listing = client.get(reverse("backoffice:evaluation:process_list")).content.decode()
    assert process.call.code not in listing


def test_a_person_without_a_back_office_role_gets_403(client, alice, process):
    sign_in(client, alice)
    assert client.get(reverse("backoffice:evaluation:process_list")).status_code == 403
    assert (
        client.get(reverse("backoffice:evaluation:process_detail", args=[process.pk])).status_code
        == 403
    )


def test_the_list_counts_jobs_and_ascenso_vacancies(client, carlos, process, positions):
    Job.objects.create(position=positions[2], opec_number=1001, ascenso_vacancies=1)
    sign_in(client, carlos)
    listing = client.get(reverse("backoffice:evaluation:process_list"))
    row = listing.context["page"].object_list[0]
    assert (row.total_jobs, row.ascenso_jobs) == (3, 1)
    assert (row.total_vacancies, row.ascenso_vacancies) == (6, 1)
    assert f"{row.ascenso_percent:.2f}" == "16.67"
    csv = client.get(
        reverse("backoffice:evaluation:process_list") + "?formato=csv"
    ).content.decode()
    assert "CNSC-2026-01,2026" in csv and ",3,1,6,1,16.67,A" in csv


def test_the_ascenso_percentage_is_decimal_arithmetic(client, carlos, process, positions):
    # 1 of 4,000 vacancies is exactly 0.025 %, shown 0.02 (half to even). In floating point
    # (a float 100.0 bound as a parameter) it is 0.025000000000000001 and showed 0.03.
    Job.objects.create(position=positions[2], opec_number=1001, ascenso_vacancies=1)
    Position.objects.filter(pk=positions[2].pk).update(vacancies=3997)
    sign_in(client, carlos)
    csv = client.get(
        reverse("backoffice:evaluation:process_list") + "?formato=csv"
    ).content.decode()
    assert ",3,1,4000,1,0.02,A" in csv


def test_a_process_without_jobs_counts_zero(client, carlos, process):
    sign_in(client, carlos)
    row = client.get(reverse("backoffice:evaluation:process_list")).context["page"].object_list[0]
    assert (row.total_jobs, row.total_vacancies, row.ascenso_percent) == (0, 0, 0)


def test_the_list_filters_by_state_and_paginates(client, carlos, make_process):
    for n in range(25):
        make_process(f"P-{n:02d}")
    sign_in(client, carlos)
    first = client.get(reverse("backoffice:evaluation:process_list") + "?orden=codigo")
    assert first.context["page"].paginator.count == 25
    assert len(first.context["page"].object_list) == 20
    assert first.context["page"].object_list[0].call.code == "P-00"
    closed = client.get(reverse("backoffice:evaluation:process_list") + "?estado=closed")
    assert closed.context["page"].paginator.count == 0


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (ProcessState.OPEN, ProcessState.SUSPENDED, True),
        (ProcessState.OPEN, ProcessState.CLOSED, True),
        (ProcessState.OPEN, ProcessState.CANCELLED, True),
        (ProcessState.SUSPENDED, ProcessState.OPEN, True),
        (ProcessState.SUSPENDED, ProcessState.CANCELLED, True),
        (ProcessState.SUSPENDED, ProcessState.CLOSED, False),
        (ProcessState.CLOSED, ProcessState.OPEN, False),
        (ProcessState.CANCELLED, ProcessState.OPEN, False),
        (ProcessState.OPEN, ProcessState.OPEN, False),
    ],
)
def test_state_transitions(process, carlos, start, target, allowed):
    process.call.state = start
    with arranged():
        process.call.save()
    if allowed:
        services.process_set_state(
            process=process, state=target, justification_file=pdf_upload(), reason="", by=carlos
        )
        process.call.refresh_from_db()
        assert process.call.state == target
        assert ProcessStateChange.objects.get(process=process).from_state == start
    else:
        with pytest.raises(DomainError, match="no puede pasar a"):
            services.process_set_state(
                process=process, state=target, justification_file=pdf_upload(), reason="",
                by=carlos,
            )  # fmt: skip
        process.call.refresh_from_db()
        assert process.call.state == start


def test_a_state_change_requires_the_justification_pdf(client, carlos, process):
    sign_in(client, carlos)
    url = reverse("backoffice:evaluation:process_state", args=[process.pk])
    response = client.post(url, {"state": "suspended"}, follow=True)
    assert "Este campo es obligatorio" in response.content.decode() or (
        "This field is required" in response.content.decode()
    )
    process.call.refresh_from_db()
    assert process.call.state == CallState.OPEN
    with pytest.raises(DomainError, match="Adjunte el documento en PDF"):
        services.process_set_state(
            process=process, state="suspended", justification_file=None, reason="", by=carlos
        )


def test_a_fake_pdf_is_refused_and_the_state_stays(client, carlos, process):
    sign_in(client, carlos)
    fake = pdf_upload(PNG_BYTES, name="acta.pdf")
    client.post(
        reverse("backoffice:evaluation:process_state", args=[process.pk]),
        {"state": "suspended", "justification": fake},
    )
    process.call.refresh_from_db()
    assert process.call.state == CallState.OPEN
    assert not ProcessStateChange.objects.exists()


def test_the_state_changes_through_the_page_and_is_audited(client, carlos, process):
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:process_state", args=[process.pk]),
        {"state": "suspended", "justification": pdf_upload(), "reason": "Orden judicial"},
    )
    assert response.status_code == 302
    process.call.refresh_from_db()
    assert process.call.state == CallState.SUSPENDED
    assert AuditEvent.objects.filter(action="evaluation.process.state_changed").exists()


def test_a_state_form_read_before_another_change_is_refused(client, carlos, process):
    sign_in(client, carlos)
    page = client.get(reverse("backoffice:evaluation:process_detail", args=[process.pk]))
    version = process.call.version
    assert f'name="version" value="{version}"' in page.content.decode()
    url = reverse("backoffice:evaluation:process_state", args=[process.pk])
    client.post(url, {"state": "suspended", "justification": pdf_upload(), "version": version})
    client.post(url, {"state": "open", "justification": pdf_upload()})  # lifted meanwhile
    # The first page, still open in another tab, asks to close a process it saw Abierta.
    response = client.post(
        url, {"state": "closed", "justification": pdf_upload(), "version": version}, follow=True
    )
    assert "Otra persona cambió el estado hace un momento" in response.content.decode()
    process.call.refresh_from_db()
    assert process.call.state == CallState.OPEN
    assert ProcessStateChange.objects.count() == 2


def test_a_change_of_state_tells_the_users_linked_to_its_tests_once_each(
    carlos, luz, process, vrm, unal
):
    from merito.calls.models import TestUser
    from merito.notifications.models import Notice as InAppNotice
    from merito.notifications.models import OutboundEmail
    from merito.organizations.models import Role
    from tests.evaluation.conftest import exam_data, person

    second = services.test_save(
        process=process, test=None, data=exam_data(unal, description="Segunda"), by=carlos
    )
    analyst = person(Role.ANALYST, unal, "ana.dos.pruebas")
    for test in (vrm, second):
        services.test_user_link(test=test, user=analyst, role=Role.ANALYST, by=luz)
    assert TestUser.objects.filter(user=analyst).count() == 2

    services.process_set_state(
        process=process, state="suspended", justification_file=pdf_upload(), reason="", by=carlos
    )

    mails = OutboundEmail.objects.filter(kind="calls.process.state_changed")
    assert list(mails.values_list("to", flat=True)) == [analyst.email]
    assert "Suspendida" in mails.get().subject and process.call.code in mails.get().subject
    assert InAppNotice.objects.filter(user=analyst, title=mails.get().subject).exists()


def test_the_operator_cannot_change_the_state(client, luz, process, vrm):
    sign_in(client, luz)
    response = client.post(
        reverse("backoffice:evaluation:process_state", args=[process.pk]),
        {"state": "suspended", "justification": pdf_upload()},
    )
    assert response.status_code == 403


def test_a_process_cannot_be_its_own_ancestor(make_process, carlos, entity):
    parent = make_process("PADRE")
    child = make_process("HIJO")
    services.process_update(
        process=child, entity=entity, parent=parent, call_data={}, process_data={}, by=carlos
    )
    with pytest.raises(DomainError, match="no puede ser padre"):
        services.process_update(
            process=parent, entity=entity, parent=child, call_data={}, process_data={}, by=carlos
        )


def test_subprocesses_show_on_the_parent(client, carlos, make_process, entity):
    parent = make_process("PADRE")
    child = make_process("HIJO")
    services.process_update(
        process=child, entity=entity, parent=parent, call_data={}, process_data={}, by=carlos
    )
    sign_in(client, carlos)
    page = client.get(
        reverse("backoffice:evaluation:process_detail", args=[parent.pk])
    ).content.decode()
    assert "HIJO" in page


def test_jobs_detail_with_manual_opening_in_a_new_tab(client, carlos, luz, process, vrm):
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:job_create", args=[process.pk]),
        {
            "opec_number": "123456",
            "code": "219",
            "name": "Profesional universitario",
            "grade": "11",
            "level": "Profesional",
            "salary": "4500000",
            "purpose": "Apoyar",
            "functions": "Revisar",
            "vacancies": "2",
            "ascenso_vacancies": "1",
            "manual": pdf_upload(name="manual.pdf"),
        },
    )
    assert response.status_code == 302
    job = Job.objects.get(opec_number=123456)
    client.post(
        reverse("backoffice:evaluation:job_detail", args=[process.pk, job.pk]),
        {"kind": "alternative", "education": "Título profesional", "experience": "24 meses"},
    )
    assert job.requirements.count() == 1
    sign_in(client, luz)
    page = client.get(
        reverse("backoffice:evaluation:job_detail", args=[process.pk, job.pk])
    ).content.decode()
    assert 'target="_blank"' in page and "Alternativa" in page
    manual = client.get(
        reverse("backoffice:evaluation:process_document", args=[process.pk, job.manual_id])
    )
    assert manual.status_code == 200
    assert manual["Content-Type"] == "application/pdf"
    assert "inline" in manual["Content-Disposition"]


def test_ascenso_vacancies_cannot_exceed_the_vacancies(client, carlos, process):
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:job_create", args=[process.pk]),
        {"opec_number": "9", "code": "1", "name": "X", "level": "Asesor", "salary": "1",
         "vacancies": "1", "ascenso_vacancies": "2"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "no pueden superar el total de vacantes" in response.content.decode()
    assert not Position.objects.exists()


def test_a_document_of_another_process_answers_404(client, carlos, process, make_process):
    other = make_process("OTRO")
    sign_in(client, carlos)
    url = reverse(
        "backoffice:evaluation:process_document", args=[process.pk, other.justification_id]
    )
    assert client.get(url).status_code == 404


def test_notices_open_once_per_session_in_a_dialog(client, luz, process, vrm):
    from django.utils import timezone

    Notice.objects.create(
        call=process.call, title="Cambio de fecha", body="La prueba se aplaza.",
        published_at=timezone.now(),
    )  # fmt: skip
    sign_in(client, luz)
    first = client.get(reverse("backoffice:evaluation:home")).content.decode()
    assert '<dialog id="avisos-dialogo"' in first
    assert 'data-abrir-al-cargar="true"' in first
    assert "Cambio de fecha" in first and "evaluation/evaluation.js" in first
    second = client.get(reverse("backoffice:evaluation:home")).content.decode()
    assert 'data-abrir-al-cargar="false"' in second
    assert 'id="avisos-abrir"' in second


def test_process_management_edits_a_process(client, carlos, process, entity):
    sign_in(client, carlos)
    form = create_form(entity, code=process.call.code, name="Nombre corregido", justification=None)
    form["keep_in_opec_history"] = "on"
    response = client.post(reverse("backoffice:evaluation:process_edit", args=[process.pk]), form)
    assert response.status_code == 302
    process.refresh_from_db()
    process.call.refresh_from_db()
    assert process.call.name == "Nombre corregido"
    assert process.keep_in_opec_history
    assert process.call.state == CallState.OPEN
    assert AuditEvent.objects.filter(action="evaluation.process.updated").exists()


def test_the_missing_pdf_message_names_the_field(client, carlos, process):
    sign_in(client, carlos)
    response = client.post(
        reverse("backoffice:evaluation:process_state", args=[process.pk]),
        {"state": "suspended"},
        follow=True,
    )
    assert "Documento que justifica el cambio de estado (PDF):" in response.content.decode()
