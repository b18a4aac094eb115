"""Folders of VRM and VA tests: distribution (manual, mass, automatic) and workflow."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merito.applications.models import Inscription
from merito.audit.models import AuditEvent
from merito.calls import models as calls_models
from merito.calls import services
from merito.calls.models import Position
from merito.errors import DomainError
from merito.evaluation import distribution, models
from merito.evaluation.models import Folder, FolderAssignment, FolderState
from merito.jobs import JobState
from merito.organizations.models import Role
from tests.arrange import arranged
from tests.conftest import make_user, sign_in
from tests.evaluation.conftest import exam_data, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(process):
    made = []
    for n, (code, level) in enumerate([("PRO-1", "Profesional"), ("TEC-1", "Técnico")], start=1):
        position = Position.objects.create(
            call=process.call, code=code, name=f"Empleo {code}", level=level, vacancies=2
        )
        calls_models.Job.objects.create(position=position, opec_number=1000 + n)
        made.append(position)
    return made


def inscribe(position, document_number=None):
    applicant = make_user(document_number=document_number)
    return Inscription.objects.create(
        registry_number=f"INS-{uuid.uuid4().hex[:10]}",
        call=position.call,
        position=position,
        user=applicant,
        request_key=uuid.uuid4(),
        snapshot={},
        snapshot_sha256="0" * 64,
        submitted_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


@pytest.fixture
def test(vrm, process):
    """The VRM test of UNAL, open, in a process whose test stage is open."""
    calls_models.SelectionProcess.objects.filter(pk=process.pk).update(test_stage_open=True)
    with arranged():
        calls_models.Test.objects.filter(pk=vrm.pk).update(state=calls_models.TestState.OPEN)
    return calls_models.Test.objects.select_related("process").get(pk=vrm.pk)


@pytest.fixture
def inscriptions(jobs):
    return [inscribe(jobs[0]) for _ in range(4)] + [inscribe(jobs[1]) for _ in range(2)]


@pytest.fixture
def folders(test, inscriptions):
    distribution.folders_sync(test=test)
    return list(Folder.objects.filter(test=test).order_by("pk"))


@pytest.fixture
def team(unal, luz, test):
    """Sofía supervises, Ana and Andrés analyse, Aurora audits; all linked to the test."""
    people = {
        "sofia": person(Role.SUPERVISOR, unal, "sofia.super"),
        "ana": person(Role.ANALYST, unal, "ana.analista"),
        "andres": person(Role.ANALYST, unal, "andres.analista"),
        "aurora": person(Role.AUDITOR, unal, "aurora.auditora"),
    }
    roles = {"sofia": Role.SUPERVISOR, "ana": Role.ANALYST, "andres": Role.ANALYST}
    roles["aurora"] = Role.AUDITOR
    for name, user in people.items():
        services.test_user_link(test=test, user=user, role=roles[name], by=luz)
    return people


def manual_url(test):
    return reverse("backoffice:evaluation:distribution_manual", args=[test.process_id, test.pk])


def counters(test):
    return distribution.level_counters(test)[-1]


# --- folders and scope -------------------------------------------------------------------


def test_one_folder_per_inscription_still_in_the_contest_and_sync_is_idempotent(test, inscriptions):
    inscriptions[0].state = "withdrawn"
    with arranged():
        inscriptions[0].save()
    assert distribution.folders_sync(test=test) == 5
    assert distribution.folders_sync(test=test) == 0
    total = counters(test)
    assert total["total"] == 5 and total["undistributed"] == 5 and total["distributed"] == 0
    levels = {row["level"]: row["total"] for row in distribution.level_counters(test)[:-1]}
    assert levels == {"Profesional": 3, "Técnico": 2}


def test_a_test_with_jobs_only_gets_folders_of_those_jobs(test, jobs, inscriptions):
    test.positions.add(jobs[1])
    assert distribution.folders_sync(test=test) == 2


def test_opening_a_vrm_test_creates_its_folders(process, unal, carlos, inscriptions):
    vrm = services.test_save(
        process=process, test=None, data=exam_data(unal, weight=Decimal("100")), by=carlos
    )
    services.test_set_state(test=vrm, state=calls_models.TestState.OPEN, by=carlos)
    assert Folder.objects.filter(test=vrm).count() == 6


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"state": calls_models.TestState.CLOSED},
            "solo se distribuyen carpetas de una prueba abierta",
        ),
        ({"published_at": datetime(2026, 5, 1, tzinfo=UTC)}, "ya tiene publicación"),
        ({"test_type": calls_models.TestType.ENTREVISTA}, "Valoración de Antecedentes"),
        ("stage", "La etapa de pruebas del proceso no está abierta"),
    ],
)
def test_distributing_a_closed_published_or_other_test_is_refused(
    client, luz, test, folders, team, change, message
):
    if change == "stage":
        calls_models.SelectionProcess.objects.filter(pk=test.process_id).update(
            test_stage_open=False
        )
    else:
        with arranged():
            calls_models.Test.objects.filter(pk=test.pk).update(**change)
    sign_in(client, luz)
    response = client.post(
        manual_url(test),
        {"accion": "seleccionados", "carpeta": [folders[0].pk], "analista": team["ana"].pk},
        follow=True,
    )
    assert message in response.content.decode()
    with pytest.raises(DomainError, match=message):
        distribution.distribution_schedule(test=test, kind="automatic", by=luz)
    assert not FolderAssignment.objects.exists()
    assert not models.DistributionJob.objects.exists()


# --- manual and mass ---------------------------------------------------------------------


def test_manual_assignment_without_a_role_user_is_refused(client, luz, test, folders, team):
    sign_in(client, luz)
    response = client.post(
        manual_url(test), {"accion": "seleccionados", "carpeta": [folders[0].pk]}, follow=True
    )
    assert "Seleccione al menos un usuario de un rol" in response.content.decode()
    assert not FolderAssignment.objects.exists()


def test_the_marked_folders_go_to_the_chosen_users_with_history_and_audit(
    client, luz, test, folders, team
):
    sign_in(client, luz)
    picked = [folders[0].pk, folders[1].pk]
    response = client.post(
        manual_url(test),
        {
            "accion": "seleccionados",
            "carpeta": picked,
            "supervisor": team["sofia"].pk,
            "analista": team["ana"].pk,
        },
        follow=True,
    )
    assert "La asignación fue exitosa: 2 carpeta(s)" in response.content.decode()
    for folder in Folder.objects.filter(pk__in=picked):
        assert folder.state == FolderState.ASSIGNED
        assert (folder.supervisor, folder.analyst, folder.auditor) == (
            team["sofia"],
            team["ana"],
            None,
        )
    assert FolderAssignment.objects.filter(ended_at__isnull=True).count() == 4
    assert AuditEvent.objects.filter(action="evaluation.folder.assigned").count() == 2
    total = counters(test)
    assert (total["distributed"], total["assigned"], total["undistributed"]) == (2, 2, 4)
    # Reassigning the analyst ends Ana's period and keeps it in the history.
    client.post(
        manual_url(test),
        {"accion": "seleccionados", "carpeta": picked[:1], "analista": team["andres"].pk},
    )
    history = FolderAssignment.objects.filter(folder_id=picked[0], role=Role.ANALYST)
    assert [(a.user, a.ended_at is None) for a in history] == [
        (team["ana"], False),
        (team["andres"], True),
    ]


def test_a_folder_never_has_two_open_holders_of_one_role(folders, team):
    now = timezone.now()
    FolderAssignment.objects.create(
        folder=folders[0], role=Role.ANALYST, user=team["ana"], started_at=now, source="manual"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        FolderAssignment.objects.create(
            folder=folders[0],
            role=Role.ANALYST,
            user=team["andres"],
            started_at=now,
            source="manual",
        )


def test_a_folder_of_another_test_cannot_be_marked(luz, test, folders, team, process, unal):
    other = services.test_save(
        process=process, test=None, data=exam_data(unal, test_type="va"), by=luz
    )
    with arranged():
        calls_models.Test.objects.filter(pk=other.pk).update(state="open")
    services.test_user_link(test=other, user=team["ana"], role=Role.ANALYST, by=luz)
    with pytest.raises(DomainError, match="no es de esta prueba"):
        distribution.folders_assign_selected(
            test=other, folder_ids=[folders[0].pk], users={Role.ANALYST: team["ana"]}, by=luz
        )


def test_mass_assignment_takes_only_unassigned_folders_up_to_the_quantity(
    client, luz, test, folders, team
):
    distribution.folders_assign_selected(
        test=test, folder_ids=[folders[0].pk], users={Role.ANALYST: team["andres"]}, by=luz
    )
    sign_in(client, luz)
    response = client.post(
        manual_url(test),
        {"accion": "masiva", "cantidad": "3", "supervisor": team["sofia"].pk},
        follow=True,
    )
    assert "3 carpeta(s)" in response.content.decode()
    assert Folder.objects.filter(supervisor=team["sofia"]).count() == 3
    assert Folder.objects.get(pk=folders[0].pk).supervisor is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cantidad": "501", "analista": "ana"}, "máximo podrá asignar 500 carpetas"),
        ({"cantidad": "0", "analista": "ana"}, "escriba un número entre 1 y 500"),
        ({"cantidad": "abc", "analista": "ana"}, "escriba un número entre 1 y 500"),
        ({"cantidad": "2", "auditor": "aurora"}, "Supervisor o Analista"),
        ({"cantidad": "7", "analista": "ana"}, "solo hay 6 carpetas Sin asignar"),
    ],
)
def test_bad_mass_assignments_are_refused(client, luz, test, folders, team, data, message):
    data = {k: (team[v].pk if k in ("analista", "auditor") else v) for k, v in data.items()}
    sign_in(client, luz)
    response = client.post(manual_url(test), {"accion": "masiva", **data}, follow=True)
    assert message in response.content.decode()
    assert not FolderAssignment.objects.exists()


def test_nobody_gets_their_own_folder_or_one_they_declared_a_conflict_with(luz, test, jobs, team):
    own = inscribe(jobs[0], document_number=team["ana"].document_number + "1")
    distribution.conflict_declare(
        user=team["ana"], document_number=own.user.document_number, reason="Prima", by=team["ana"]
    )
    distribution.folders_sync(test=test)
    folder = Folder.objects.get(inscription=own)
    with pytest.raises(DomainError, match="conflicto de interés"):
        distribution.folders_assign_selected(
            test=test, folder_ids=[folder.pk], users={Role.ANALYST: team["ana"]}, by=luz
        )
    assert Folder.objects.get(pk=folder.pk).analyst is None


# --- automatic ---------------------------------------------------------------------------


def test_automatic_distribution_runs_as_a_job_balanced_per_role_and_level(
    client, luz, test, jobs, team
):
    for _ in range(9):
        inscribe(jobs[0])
    for _ in range(4):
        inscribe(jobs[1])
    conflicted = inscribe(jobs[0])
    distribution.conflict_declare(
        user=team["ana"], document_number=conflicted.user.document_number, reason="", by=luz
    )
    sign_in(client, luz)
    url = reverse("backoffice:evaluation:distribution_automatic", args=[test.process_id, test.pk])
    response = client.post(url, {"tipo": "automatic"}, follow=True)
    page = response.content.decode()
    assert "quedó programado" in page and "Finalizado" in page
    job = models.DistributionJob.objects.get()
    assert job.state == JobState.DONE and job.done == job.total == 14 * 3
    assert job.started_at and job.finished_at and job.created_by == luz
    for level in ("Profesional", "Técnico"):
        loads = [
            Folder.objects.filter(test=test, level=level, analyst=team[name]).count()
            for name in ("ana", "andres")
        ]
        assert max(loads) - min(loads) <= 1 and sum(loads) == (10 if level == "Profesional" else 4)
    assert Folder.objects.get(inscription=conflicted).analyst == team["andres"]
    assert not Folder.objects.filter(test=test, state=FolderState.UNASSIGNED).exists()
    # Run again: nothing left to distribute, nothing changes.
    again = distribution.distribution_schedule(test=test, kind="automatic", by=luz)
    again.refresh_from_db()
    assert again.state == JobState.DONE and again.total == 0


def test_automatic_by_level_needs_the_level_and_touches_only_it(luz, test, folders, team):
    with pytest.raises(DomainError, match="Nivel: elija"):
        distribution.distribution_schedule(test=test, kind="level", by=luz)
    distribution.distribution_schedule(test=test, kind="level", level="Técnico", by=luz)
    assert set(
        Folder.objects.filter(test=test).exclude(state="unassigned").values_list("level", flat=True)
    ) == {"Técnico"}


def test_a_failing_job_records_its_error(luz, test, folders, team, monkeypatch):
    def boom(job, test):
        raise RuntimeError("sin conexión")

    monkeypatch.setattr(distribution, "_plan", boom)
    job = distribution.distribution_schedule(test=test, kind="automatic", by=luz)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "sin conexión" in job.error and job.finished_at


# --- workflow ----------------------------------------------------------------------------


def _assign_all(luz, test, folders, team):
    distribution.folders_assign_selected(
        test=test,
        folder_ids=[f.pk for f in folders],
        users={
            Role.SUPERVISOR: team["sofia"],
            Role.ANALYST: team["ana"],
            Role.AUDITOR: team["aurora"],
        },
        by=luz,
    )


def step(folder, action, user, **kwargs):
    folder = Folder.objects.get(pk=folder.pk)
    return distribution.folder_transition(
        folder=folder, action=action, user=user, expected_version=folder.version, **kwargs
    )


def test_a_folder_walks_from_assigned_to_audited_and_the_counters_follow(luz, test, folders, team):
    calls_models.Test.objects.filter(pk=test.pk).update(
        audit_percent_approved=Decimal("100"), audit_percent_not_approved=Decimal("100")
    )
    _assign_all(luz, test, folders, team)
    folder = folders[0]
    assert counters(test)["assigned"] == 6
    step(folder, "score", team["ana"], passed=True, reason="Cumple requisito mínimo")
    assert (counters(test)["assigned"], counters(test)["scored"]) == (5, 1)
    with pytest.raises(DomainError, match="motivo"):
        step(folder, "return", team["sofia"], reason="  ")
    step(folder, "return", team["sofia"], reason="Revise el folio 3")
    assert counters(test)["returned"] == 1
    step(folder, "score", team["ana"], passed=False, reason="No cumple experiencia")
    done = step(folder, "approve", team["sofia"])
    assert done.state == FolderState.TO_AUDIT and counters(test)["to_audit"] == 1
    step(folder, "audit_return", team["aurora"], reason="La experiencia sí cumple")
    assert Folder.objects.get(pk=folder.pk).last_reason == "La experiencia sí cumple"
    step(folder, "score", team["ana"], passed=True)
    assert step(folder, "approve", team["sofia"]).state == FolderState.TO_AUDIT
    assert step(folder, "audit", team["aurora"]).state == FolderState.AUDITED
    total = counters(test)
    assert (total["audited"], total["assigned"], total["distributed"]) == (1, 5, 6)
    parts = sum(total[k] for k in ("assigned", "returned", "scored", "approved", "to_audit"))
    assert parts + total["audited"] == total["distributed"]
    assert [e.action for e in folder.events.all()] == [
        "score", "return", "score", "approve", "audit_return", "score", "approve", "audit",
    ]  # fmt: skip


def test_approving_a_folder_nobody_scored_is_refused(luz, test, folders, team):
    _assign_all(luz, test, folders, team)
    with pytest.raises(DomainError, match="nadie ha calificado"):
        step(folders[0], "approve", team["sofia"])
    assert Folder.objects.get(pk=folders[0].pk).state == FolderState.ASSIGNED


def test_the_audit_sample_follows_the_percentages_and_the_stored_seed(luz, test, folders, team):
    calls_models.Test.objects.filter(pk=test.pk).update(
        audit_percent_approved=Decimal("0"), audit_percent_not_approved=Decimal("100")
    )
    _assign_all(luz, test, folders, team)
    step(folders[0], "score", team["ana"], passed=True)
    step(folders[1], "score", team["ana"], passed=False)
    assert step(folders[0], "approve", team["sofia"]).state == FolderState.APPROVED
    assert step(folders[1], "approve", team["sofia"]).state == FolderState.TO_AUDIT
    test.refresh_from_db()
    test.audit_percent_approved = Decimal("50")
    drawn = [distribution.audit_drawn(test, Folder(pk=pk, passed=True)) for pk in range(200)]
    assert drawn == [
        distribution.audit_drawn(test, Folder(pk=pk, passed=True)) for pk in range(200)
    ]
    assert 60 < sum(drawn) < 140


def test_two_people_saving_the_same_folder_the_second_is_told_to_reload(luz, test, folders, team):
    _assign_all(luz, test, folders, team)
    step(folders[0], "score", team["ana"], passed=True)
    first = Folder.objects.get(pk=folders[0].pk)
    second = Folder.objects.get(pk=folders[0].pk)
    distribution.folder_transition(
        folder=first, action="approve", user=team["sofia"], expected_version=first.version
    )
    with pytest.raises(DomainError, match="Otra persona modificó esta carpeta; recargue"):
        distribution.folder_transition(
            folder=second,
            action="return",
            user=team["sofia"],
            reason="x",
            expected_version=second.version,
        )
    assert Folder.objects.get(pk=folders[0].pk).state in (FolderState.APPROVED, "to_audit")


def test_the_folder_page_refuses_a_stale_form(client, luz, test, folders, team):
    _assign_all(luz, test, folders, team)
    sign_in(client, team["ana"])
    url = reverse("backoffice:evaluation:my_folder", args=[folders[0].pk])
    stale = Folder.objects.get(pk=folders[0].pk).version - 1
    response = client.post(
        url, {"accion": "score", "decision": "not_met", "version": stale, "observacion": ""}
    )
    assert "Otra persona modificó esta carpeta; recargue" in response.content.decode()
    assert Folder.objects.get(pk=folders[0].pk).state == FolderState.ASSIGNED


def test_the_analyst_scores_on_the_page_and_the_supervisor_approves(
    client, luz, test, folders, team
):
    _assign_all(luz, test, folders, team)
    folder = Folder.objects.get(pk=folders[0].pk)
    sign_in(client, team["ana"])
    url = reverse("backoffice:evaluation:my_folder", args=[folder.pk])
    assert "Criterios de selección" in client.get(url).content.decode()
    client.post(url, {"accion": "score", "decision": "not_met", "version": folder.version})
    folder.refresh_from_db()
    assert folder.state == FolderState.SCORED and folder.passed is False
    sign_in(client, team["sofia"])
    client.post(url, {"accion": "approve", "version": folder.version})
    folder.refresh_from_db()
    assert folder.state in (FolderState.APPROVED, FolderState.TO_AUDIT)


def test_an_action_of_another_role_is_403_and_a_folder_not_held_is_404(
    client, luz, test, folders, team, process
):
    _assign_all(luz, test, folders, team)
    folder = Folder.objects.get(pk=folders[0].pk)
    sign_in(client, team["ana"])
    url = reverse("backoffice:evaluation:my_folder", args=[folder.pk])
    response = client.post(url, {"accion": "approve", "version": folder.version})
    assert response.status_code == 403
    sign_in(client, team["andres"])
    assert client.get(url).status_code == 404
    # The administrator's view of a folder through another test of the process: 404.
    other = services.test_save(
        process=process, test=None, data=exam_data(test.operator, test_type="va"), by=luz
    )
    sign_in(client, luz)
    good = reverse("backoffice:evaluation:test_folder", args=[process.pk, test.pk, folder.pk])
    bad = reverse("backoffice:evaluation:test_folder", args=[process.pk, other.pk, folder.pk])
    assert client.get(good).status_code == 200
    assert client.get(bad).status_code == 404


def test_another_operator_cannot_open_the_distribution_and_workers_cannot_distribute(
    client, pedro, test, team, folders
):
    sign_in(client, pedro)
    assert client.get(manual_url(test)).status_code == 404
    sign_in(client, team["ana"])
    assert client.get(manual_url(test)).status_code == 403


def test_unlinking_a_user_with_pending_folders_is_refused(luz, test, folders, team):
    _assign_all(luz, test, folders, team)
    link = calls_models.TestUser.objects.get(test=test, user=team["ana"])
    assert distribution.pending_folders(team["ana"], test) == 6
    with pytest.raises(DomainError, match="tiene tareas pendientes, reasigne las tareas"):
        services.test_users_unlink(test=test, links=[link], by=luz)
    assert calls_models.TestUser.objects.filter(pk=link.pk).exists()
    # The auditor has nothing to do until a folder is drawn for audit.
    assert distribution.pending_folders(team["aurora"], test) == 0


# --- pages and their queries -------------------------------------------------------------


def test_list_pages_keep_their_query_count_bounded(
    client, luz, test, jobs, team, django_assert_max_num_queries
):
    for n in range(25):
        inscribe(jobs[n % 2])
    distribution.folders_sync(test=test)
    _assign_all(luz, test, list(Folder.objects.filter(test=test)), team)
    sign_in(client, luz)
    with django_assert_max_num_queries(25):
        response = client.get(manual_url(test) + "?por_pagina=20&orden=-documento&rol=analyst")
    assert response.status_code == 200 and response.content.decode().count('name="carpeta"') == 20
    detail = reverse("backoffice:evaluation:test_detail", args=[test.process_id, test.pk])
    with django_assert_max_num_queries(25):
        page = client.get(detail).content.decode()
    assert "Distribución de evaluaciones" in page and "Total inscripciones" in page
    auto = reverse("backoffice:evaluation:distribution_automatic", args=[test.process_id, test.pk])
    with django_assert_max_num_queries(25):
        assert client.get(auto).status_code == 200
    sign_in(client, team["ana"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("backoffice:evaluation:my_folders"))
    assert response.content.decode().count("/gestion/mis-carpetas/") >= 20


def test_manual_filters_and_page_sizes(client, luz, test, folders, team, jobs):
    sign_in(client, luz)
    opec = jobs[1].job.opec_number
    page = client.get(manual_url(test) + f"?opec={opec}&estado=unassigned").content.decode()
    assert page.count('name="carpeta"') == 2
    page = client.get(manual_url(test) + "?por_pagina=7").content.decode()
    assert "Seleccione una opción válida" in page or page.count('name="carpeta"') == 6
    doc = folders[0].inscription.user.document_number
    page = client.get(manual_url(test) + f"?documento={doc}").content.decode()
    assert page.count('name="carpeta"') == 1


def test_conflicts_page(client, team):
    sign_in(client, team["ana"])
    url = reverse("backoffice:evaluation:conflicts")
    response = client.post(url, {"document_number": "12a", "reason": ""})
    assert response.status_code == 400 and "solo dígitos" in response.content.decode()
    client.post(url, {"document_number": "80123456", "reason": "Hermano"})
    assert team["ana"].conflicts_of_interest.get().document_number == "80123456"


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    levels=st.lists(st.integers(0, 6), min_size=1, max_size=3),
    analysts=st.integers(1, 3),
    conflicted_level=st.integers(0, 2),
)
def test_automatic_distribution_is_balanced_per_level_and_respects_conflicts(
    luz, test, unal, levels, analysts, conflicted_level
):
    with transaction.atomic():
        people = [person(Role.ANALYST, unal, f"analista.h{n}") for n in range(analysts)]
        for user in people:
            services.test_user_link(test=test, user=user, role=Role.ANALYST, by=luz)
        conflicted = None
        for index, extra in enumerate(levels):
            position = Position.objects.create(
                call=test.process.call, code=f"H-{index}", name="Empleo", level=f"Nivel {index}"
            )
            made = [inscribe(position) for _ in range(2 * analysts + extra)]
            if index == conflicted_level % len(levels):
                conflicted = made[0]
        distribution.conflict_declare(
            user=people[0], document_number=conflicted.user.document_number, reason="", by=luz
        )
        distribution.distribution_schedule(test=test, kind="automatic", by=luz)
        for index in range(len(levels)):
            loads = [
                Folder.objects.filter(test=test, level=f"Nivel {index}", analyst=u).count()
                for u in people
            ]
            assert max(loads) - min(loads) <= 1
        assert Folder.objects.get(inscription=conflicted).analyst != people[0]
        # Only with a single analyst is there a folder nobody may take: the conflicted one.
        left = Folder.objects.filter(test=test, analyst__isnull=True)
        assert list(left) == ([] if analysts > 1 else [Folder.objects.get(inscription=conflicted)])
        transaction.set_rollback(True)


def test_gerencia_opens_the_test_stage_and_an_operator_admin_cannot(
    client, carlos, luz, process, vrm
):
    url = reverse("backoffice:evaluation:process_test_stage", args=[process.pk])
    sign_in(client, luz)
    assert client.post(url, {"abrir": "1"}).status_code == 403
    sign_in(client, carlos)
    client.post(url, {"abrir": "1"})
    process.refresh_from_db()
    assert process.test_stage_open
    response = client.post(url, {"abrir": "1"}, follow=True)
    assert "La etapa de pruebas ya está abierta." in response.content.decode()


def test_gerencia_sees_the_counters_but_does_not_distribute(client, carlos, test, folders):
    sign_in(client, carlos)
    detail = reverse("backoffice:evaluation:test_detail", args=[test.process_id, test.pk])
    page = client.get(detail).content.decode()
    assert "Sin distribuir" in page and "Distribución manual" not in page
    assert client.get(manual_url(test)).status_code == 403


def test_folders_per_user_paginate_filter_and_export(
    client, luz, test, folders, team, unal, monkeypatch
):
    for n in range(22):
        user = person(Role.ANALYST, unal, f"analista.p{n:02d}")
        services.test_user_link(test=test, user=user, role=Role.ANALYST, by=luz)
    _assign_all(luz, test, folders, team)
    sign_in(client, luz)
    detail = reverse("backoffice:evaluation:test_detail", args=[test.process_id, test.pk])
    first = client.get(detail).content.decode()
    # 26 users in folder roles, by role and username: ana.analista and 19 of the new
    # analysts on the first page; 3 more, andres, aurora and sofia on the second.
    assert "Página 1 de 2" in first and first.count("analista.p") == 19
    second = client.get(detail + "?pagina=2").content.decode()
    assert second.count("analista.p") == 3 and "sofia.super" in second
    only = client.get(detail + "?rol_carpetas=supervisor").content.decode()
    assert "sofia.super" in only and "analista.p" not in only and "Página 1 de 2" not in only
    found = client.get(detail + "?usuario_carpetas=ana.analista").content.decode()
    row = found[found.index('<th scope="row">ana.analista</th>') :].split("</tr>")[0]
    assert "<td>6</td>" in row
    none = client.get(detail + "?usuario_carpetas=nadie").content.decode()
    assert "No hay usuarios con esos filtros." in none
    # A role that is not a folder role is ignored, not an error.
    assert client.get(detail + "?rol_carpetas=juridico").status_code == 200
    export = client.get(detail + "?formato=csv&rol_carpetas=analista")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert export["Content-Type"].startswith("text/csv") and len(lines) == 1 + 24
    assert any(line.startswith("ana.analista,") and line.endswith(",6,6,0") for line in lines)
    # Past a page of users the export reads the whole test's tally: the same figures.
    monkeypatch.setattr(distribution, "PAGE_OF_USERS", 3)
    again = client.get(detail + "?formato=csv&rol_carpetas=analista")
    assert again.content.decode("utf-8-sig").splitlines() == lines
