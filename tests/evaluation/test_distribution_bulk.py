"""Automatic distribution written in chunks: same plan, audited, versioned, chunk-atomic."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db.models import F

from merito.applications.models import Inscription
from merito.audit.models import AuditEvent
from merito.audit.services import object_history
from merito.calls import models as calls_models
from merito.calls import services
from merito.calls.models import Position
from merito.evaluation import distribution
from merito.evaluation.models import (
    FOLDER_ROLE_FIELDS,
    DistributionJob,
    Folder,
    FolderAssignment,
    FolderState,
)
from merito.jobs import JobState
from merito.organizations.models import Role, RoleAssignment
from merito.organizations.services import role_revoke
from tests.arrange import arranged
from tests.conftest import make_user
from tests.evaluation.conftest import person

pytestmark = pytest.mark.django_db

LEVELS = ("Profesional", "Técnico")


@pytest.fixture
def open_test(vrm, process):
    """The VRM test of UNAL, open, in a process whose test stage is open."""
    calls_models.SelectionProcess.objects.filter(pk=process.pk).update(test_stage_open=True)
    with arranged():
        calls_models.Test.objects.filter(pk=vrm.pk).update(state=calls_models.TestState.OPEN)
    return calls_models.Test.objects.select_related("process").get(pk=vrm.pk)


@pytest.fixture
def applicants(process):
    """23 inscriptions over two levels (15 + 8)."""
    made = []
    for n, level in enumerate(LEVELS):
        position = Position.objects.create(
            call=process.call, code=f"B-{n}", name=f"Empleo {n}", level=level, vacancies=1
        )
        for _ in range(15 if n == 0 else 8):
            made.append(
                Inscription.objects.create(
                    registry_number=f"INS-{uuid.uuid4().hex[:10]}",
                    call=process.call,
                    position=position,
                    user=make_user(),
                    request_key=uuid.uuid4(),
                    snapshot={},
                    snapshot_sha256="0" * 64,
                    submitted_at=datetime(2026, 3, 1, tzinfo=UTC),
                )
            )
    return made


@pytest.fixture
def staff(unal, luz, open_test):
    """Two supervisors and three analysts linked to the test (no auditor)."""
    people = {
        "sofia": (Role.SUPERVISOR, person(Role.SUPERVISOR, unal, "sofia.super")),
        "samuel": (Role.SUPERVISOR, person(Role.SUPERVISOR, unal, "samuel.super")),
        "ana": (Role.ANALYST, person(Role.ANALYST, unal, "ana.analista")),
        "andres": (Role.ANALYST, person(Role.ANALYST, unal, "andres.analista")),
        "alba": (Role.ANALYST, person(Role.ANALYST, unal, "alba.analista")),
    }
    for role, user in people.values():
        services.test_user_link(test=open_test, user=user, role=role, by=luz)
    return {name: user for name, (_role, user) in people.items()}


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 4 folders, so 23 folders take 6 transactions."""
    monkeypatch.setattr(distribution, "CHUNK", 4)


def planned(test) -> dict[int, dict[str, int]]:
    """What the balance gives each folder, per role, before anything is written."""
    job = DistributionJob(test=test, kind="automatic")
    wanted: dict[int, dict[str, int]] = {}
    for plan in distribution._plan(job, test):
        for user_id, ids in plan.assignments.items():
            for pk in ids:
                wanted.setdefault(pk, {})[plan.role] = user_id
    return wanted


def holders(test) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for folder in Folder.objects.filter(test=test):
        found[folder.pk] = {
            role: folder.holder_id(role)
            for role in (Role.SUPERVISOR, Role.ANALYST)
            if folder.holder_id(role) is not None
        }
    return found


def audited_folders(test, role) -> list[int]:
    listed: list[int] = []
    for after in AuditEvent.objects.filter(
        action="evaluation.folder.assigned", object_id=str(test.pk)
    ).values_list("after", flat=True):
        if after["role"] == role and after["source"] == "automatica":
            for entry in after["assignments"]:
                listed.extend(entry["folders"])
    return listed


def test_chunked_run_writes_exactly_the_balanced_plan(
    luz, open_test, applicants, staff, small_chunks
):
    distribution.folders_sync(test=open_test)
    conflicted = applicants[0]
    distribution.conflict_declare(
        user=staff["ana"], document_number=conflicted.user.document_number, reason="", by=luz
    )
    expected = planned(open_test)
    versions = dict(Folder.objects.filter(test=open_test).values_list("pk", "version"))

    job = distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)

    job.refresh_from_db()
    assert job.state == JobState.DONE and job.done == job.total == 23 * 2 and not job.error
    assert holders(open_test) == expected
    for folder in Folder.objects.filter(test=open_test):
        assert folder.state == FolderState.ASSIGNED
        assert folder.version == versions[folder.pk] + 1  # both roles in one write
    # Balance per role and level, and the conflict respected.
    teams = {Role.SUPERVISOR: ("sofia", "samuel"), Role.ANALYST: ("ana", "andres", "alba")}
    for role, names in teams.items():
        field = FOLDER_ROLE_FIELDS[role]
        for level in LEVELS:
            loads = [
                Folder.objects.filter(test=open_test, level=level, **{field: staff[n]}).count()
                for n in names
            ]
            assert max(loads) - min(loads) <= 1
    assert Folder.objects.get(inscription=conflicted).analyst != staff["ana"]
    # History: one open period per folder and role, from the job's user, "automatica".
    for role in (Role.SUPERVISOR, Role.ANALYST):
        rows = FolderAssignment.objects.filter(folder__test=open_test, role=role)
        assert rows.count() == rows.filter(ended_at__isnull=True).count() == 23
        assert set(rows.values_list("source", "assigned_by")) == {("automatica", luz.pk)}
        assert {(r.folder_id, r.user_id) for r in rows} == {
            (pk, want[role]) for pk, want in expected.items()
        }
        # Audit: one event per chunk and role (6 chunks), every folder listed exactly once.
        listed = audited_folders(open_test, role)
        assert sorted(listed) == sorted(expected)
    events = AuditEvent.objects.filter(action="evaluation.folder.assigned")
    assert events.count() == 6 * 2
    # Each folder's history finds the chunk events that assigned it: one per role.
    for folder in Folder.objects.filter(test=open_test):
        found = object_history(folder).filter(action="evaluation.folder.assigned")
        assert found.count() == 2
        for event in found:
            users = {a["user"] for a in event.after["assignments"] if folder.pk in a["folders"]}
            assert users == {expected[folder.pk][event.after["role"]]}


def test_progress_is_reported_once_per_chunk(
    luz, open_test, applicants, staff, small_chunks, monkeypatch
):
    seen: list[tuple[int, int]] = []
    write = distribution._write_chunk

    def spy(**kwargs):
        result = write(**kwargs)
        job = DistributionJob.objects.get()
        seen.append((job.done, job.total))
        return result

    distribution.folders_sync(test=open_test)
    monkeypatch.setattr(distribution, "_write_chunk", spy)
    distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)
    # The chunk's own progress is written after its folders (same transaction): the spy
    # sees the previous chunk's count, and the job ends at the total.
    assert [done for done, _total in seen] == [0, 8, 16, 24, 32, 40]
    assert DistributionJob.objects.get().done == 46


def test_a_failure_keeps_whole_chunks_and_leaves_nothing_half_assigned(
    luz, open_test, applicants, staff, small_chunks, monkeypatch
):
    distribution.folders_sync(test=open_test)
    calls = Counter[str]()
    write = distribution._write_history

    def fail_on_third_chunk(**kwargs):
        calls[kwargs["role"]] += 1
        write(**kwargs)
        if calls[Role.ANALYST] == 3:  # after this chunk's folders and first history rows
            raise RuntimeError("se cayó la conexión")

    monkeypatch.setattr(distribution, "_write_history", fail_on_third_chunk)
    job = distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)

    job.refresh_from_db()
    assert job.state == JobState.FAILED and "se cayó la conexión" in job.error
    assert job.done == 2 * 4 * 2  # two chunks of 4 folders, two roles each
    assigned = Folder.objects.filter(test=open_test).exclude(state=FolderState.UNASSIGNED)
    assert assigned.count() == 8
    # Every committed folder has both roles, its history and its audit; the rest nothing.
    assert not assigned.filter(supervisor__isnull=True).exists()
    assert not assigned.filter(analyst__isnull=True).exists()
    untouched = Folder.objects.filter(test=open_test, state=FolderState.UNASSIGNED)
    assert not untouched.filter(supervisor__isnull=False).exists()
    assert not untouched.filter(analyst__isnull=False).exists()
    assert not untouched.exclude(version=1).exists()
    ids = sorted(assigned.values_list("pk", flat=True))
    for role in (Role.SUPERVISOR, Role.ANALYST):
        rows = FolderAssignment.objects.filter(folder__test=open_test, role=role)
        assert sorted(rows.values_list("folder_id", flat=True)) == ids
        assert sorted(audited_folders(open_test, role)) == ids


def test_closing_the_test_mid_run_stops_at_a_chunk_boundary(
    luz, open_test, applicants, staff, small_chunks, monkeypatch
):
    distribution.folders_sync(test=open_test)
    write = distribution._write_chunk
    calls = []

    def close_after_first(**kwargs):
        result = write(**kwargs)
        calls.append(1)
        if len(calls) == 1:
            with arranged():  # closed by someone else meanwhile
                calls_models.Test.objects.filter(pk=open_test.pk).update(
                    state=calls_models.TestState.CLOSED
                )
        return result

    monkeypatch.setattr(distribution, "_write_chunk", close_after_first)
    job = distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)

    job.refresh_from_db()
    assert job.state == JobState.FAILED and "La prueba está cerrada" in job.error
    assert len(calls) == 1 and job.done == 8
    assert Folder.objects.filter(test=open_test).exclude(state=FolderState.UNASSIGNED).count() == 4


def test_folders_changed_after_planning_keep_what_others_wrote(
    luz, open_test, applicants, staff, small_chunks, monkeypatch
):
    """Compare-and-set on ``version``: a folder changed between plan and write is re-read
    under lock and only its still-empty roles are given; nothing anyone wrote is lost."""
    distribution.folders_sync(test=open_test)
    folders = list(Folder.objects.filter(test=open_test).order_by("pk"))
    by_hand, touched = folders[1], folders[6]
    plan = distribution._plan

    def plan_then_someone_edits(job, test):
        plans = plan(job, test)
        # Meanwhile: Luz gives one folder to Alba as analyst, and another folder changes
        # (its version grows) without changing its holders.
        distribution.folders_assign_selected(
            test=test, folder_ids=[by_hand.pk], users={Role.ANALYST: staff["alba"]}, by=luz
        )
        Folder.objects.filter(pk=touched.pk).update(version=F("version") + 5)
        return plans

    expected = planned(open_test)
    monkeypatch.setattr(distribution, "_plan", plan_then_someone_edits)
    job = distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)

    job.refresh_from_db()
    assert job.state == JobState.DONE
    mine = Folder.objects.get(pk=by_hand.pk)
    assert mine.analyst == staff["alba"]  # the manual assignment stays
    assert mine.supervisor_id == expected[by_hand.pk][Role.SUPERVISOR]
    assert mine.version == 1 + 1 + 1  # manual, then automatic
    other = Folder.objects.get(pk=touched.pk)
    assert (other.supervisor_id, other.analyst_id) == (
        expected[touched.pk][Role.SUPERVISOR],
        expected[touched.pk][Role.ANALYST],
    )
    assert other.version == 1 + 5 + 1
    # Alba's manual period is the only analyst period of that folder, still open.
    rows = FolderAssignment.objects.filter(folder=mine, role=Role.ANALYST)
    assert [(r.user_id, r.source, r.ended_at) for r in rows] == [(staff["alba"].pk, "manual", None)]
    assert by_hand.pk not in audited_folders(open_test, Role.ANALYST)
    assert by_hand.pk in audited_folders(open_test, Role.SUPERVISOR)
    # Every other folder got what the plan said.
    found = holders(open_test)
    for pk, want in expected.items():
        if pk != by_hand.pk:
            assert found[pk] == want


def test_existing_loads_count_and_a_second_run_writes_nothing(
    luz, open_test, applicants, staff, small_chunks
):
    distribution.folders_sync(test=open_test)
    first = list(Folder.objects.filter(test=open_test, level="Profesional").order_by("pk"))[:3]
    distribution.folders_assign_selected(
        test=open_test, folder_ids=[f.pk for f in first], users={Role.ANALYST: staff["ana"]}, by=luz
    )
    distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)
    for level in LEVELS:
        loads = [
            Folder.objects.filter(test=open_test, level=level, analyst=staff[n]).count()
            for n in ("ana", "andres", "alba")
        ]
        assert max(loads) - min(loads) <= 1
    before = AuditEvent.objects.count()
    again = distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)
    again.refresh_from_db()
    assert again.state == JobState.DONE and again.total == again.done == 0
    # Only the scheduling itself is audited the second time.
    assert AuditEvent.objects.count() == before + 1


def test_a_stale_open_period_is_closed_before_the_new_one_opens(
    luz, open_test, applicants, staff, small_chunks
):
    """History stays one open period per folder and role even if the data disagreed."""
    distribution.folders_sync(test=open_test)
    folder = Folder.objects.filter(test=open_test).order_by("pk")[5]
    stale = FolderAssignment.objects.create(
        folder=folder,
        role=Role.ANALYST,
        user=staff["alba"],
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        source="manual",
    )
    expected = planned(open_test)
    distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)
    stale.refresh_from_db()
    assert stale.ended_at is not None
    current = FolderAssignment.objects.get(folder=folder, role=Role.ANALYST, ended_at=None)
    assert current.user_id == expected[folder.pk][Role.ANALYST] and current.source == "automatica"
    assert Folder.objects.get(pk=folder.pk).analyst_id == current.user_id


def test_a_distribution_runs_with_its_requester_s_scope_of_when_it_runs(
    luz, open_test, applicants, staff, monkeypatch
):
    """Queued by the operator's administrator, who then stops administering the operator:
    the job assigns nothing and says why."""
    monkeypatch.setattr(distribution.run_distribution, "delay", lambda job_id: None)
    distribution.folders_sync(test=open_test)
    job = distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)
    for assignment in RoleAssignment.objects.filter(user=luz, role=Role.OPERATOR_ADMIN):
        role_revoke(assignment=assignment, by=None)

    job = distribution.distribution_run(job.pk)

    assert job.state == JobState.FAILED
    assert job.error == "Quien programó la distribución ya no administra el operador."
    assert not Folder.objects.filter(test=open_test, analyst__isnull=False).exists()


def test_a_distribution_tells_each_person_once_however_many_folders(
    mailoutbox, luz, open_test, applicants, staff, small_chunks
):
    from merito.notifications.models import Notice, OutboundEmail

    distribution.folders_sync(test=open_test)
    distribution.distribution_schedule(test=open_test, kind="automatic", by=luz)

    # 23 folders in 6 chunks, 2 roles: one message per person who received folders.
    messages = OutboundEmail.objects.filter(kind="evaluation.folders.assigned")
    assert sorted(messages.values_list("to", flat=True)) == sorted(
        user.email for user in staff.values()
    )
    for user in staff.values():
        given = (
            Folder.objects.filter(test=open_test)
            .filter(**{FOLDER_ROLE_FIELDS[Role.SUPERVISOR]: user})
            .count()
            + Folder.objects.filter(test=open_test)
            .filter(**{FOLDER_ROLE_FIELDS[Role.ANALYST]: user})
            .count()
        )
        message = messages.get(to=user.email)
        assert f"Le asignaron {given} carpetas" in message.subject
        assert "/mis-carpetas/" in message.body_text
        assert Notice.objects.filter(user=user, title=message.subject).count() == 1
    # The state change itself is one audit row per chunk, indexing its folders.
    moves = AuditEvent.objects.filter(action="evaluation.folder.state_assigned")
    assert moves.count() == 6
    assert sum(event.after["count"] for event in moves) == 23
