"""One way to change state (``merito.states``): every machine declared as data, moves with a
compare-and-set on the version, the audit row and the messages in the same transaction,
and a guard that refuses a state write anywhere else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from merito import states
from merito.audit.models import AuditEvent
from merito.calls.models import Call, CallState
from merito.calls.states import CALL
from merito.cases.models import CaseState, UpdateCase
from merito.cases.states import CASE
from merito.errors import DomainError
from merito.notifications.models import OutboundEmail
from merito.organizations.models import Role
from merito.organizations.services import role_assign
from merito.states import StateQuerySet, StateWriteRefused
from tests.arrange import arranged
from tests.conftest import make_user
from tests.state_watch import state_write_outside_the_mechanism

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[1] / "src" / "merito"

# Every state machine of the product, by name; a new one is added here on purpose.
MACHINES = {
    "applications.inscription",
    "calls.call",
    "calls.test",
    "cases.updatecase",
    "evaluation.folder",
    "peers.emailchangerequest",
    "peers.recognitionrequest",
}


@pytest.fixture
def call(organization):
    return Call.objects.create(organization=organization, code="C-1", name="Convocatoria")


@pytest.fixture
def manager(organization):
    user = make_user(username="gerencia")
    role_assign(user=user, role=Role.PROCESS_MANAGEMENT, organization=organization, by=None)
    return user


@pytest.fixture
def case():
    return UpdateCase.objects.create(
        user=make_user(), number="GP-2026-000009", last_activity_at=timezone.now()
    )


def test_every_machine_is_declared_with_a_guarded_manager_and_a_version():
    assert {machine.name for machine in states.machines()} == MACHINES
    for machine in states.machines():
        assert isinstance(machine.model._default_manager.all(), StateQuerySet), machine.name
        assert machine.model._meta.get_field("version")
        for transition in machine.transitions.values():
            assert transition.source and transition.audit_action, transition.name


# --- the guard ----------------------------------------------------------------------------


def test_save_refuses_a_changed_state(call):
    call.state = CallState.OPEN
    with pytest.raises(StateWriteRefused):
        call.save()
    with pytest.raises(StateWriteRefused):
        call.save(update_fields=["state"])
    assert Call.objects.get(pk=call.pk).state == CallState.DRAFT
    call.name = "Otro nombre"
    call.save(update_fields=["name"])  # other fields save as always


def test_a_state_read_without_the_field_is_checked_against_the_database(call):
    loaded = Call.objects.only("pk", "name", "organization").get(pk=call.pk)
    loaded.state = CallState.CLOSED
    with pytest.raises(StateWriteRefused):
        loaded.save()


def test_an_object_is_created_only_in_an_initial_state(organization):
    with pytest.raises(StateWriteRefused):
        Call.objects.create(organization=organization, code="C-2", name="x", state="closed")
    with pytest.raises(StateWriteRefused):
        UpdateCase.objects.create(
            user=make_user(), state=CaseState.APPROVED, last_activity_at=timezone.now()
        )
    assert not Call.objects.filter(code="C-2").exists()


def test_queryset_update_and_bulk_update_refuse_the_state(call):
    with pytest.raises(StateWriteRefused):
        Call.objects.filter(pk=call.pk).update(state=CallState.OPEN)
    call.state = CallState.OPEN
    with pytest.raises(StateWriteRefused):
        Call.objects.bulk_update([call], ["state"])
    assert Call.objects.get(pk=call.pk).state == CallState.DRAFT
    assert Call.objects.filter(pk=call.pk).update(name="Sin cambio de estado") == 1


def test_the_sql_watch_catches_a_raw_state_update(call):
    table = connection.ops.quote_name(Call._meta.db_table)
    sql = f"UPDATE {table} SET {connection.ops.quote_name('state')} = %s WHERE id = %s"  # noqa: S608
    assert state_write_outside_the_mechanism(sql) == "calls.call"
    assert (
        state_write_outside_the_mechanism(
            'UPDATE "evaluation_folder" AS f SET "analyst_id" = 1, '
            "state = CASE WHEN f.state = 'unassigned' THEN 'assigned' ELSE f.state END"
        )
        == "evaluation.folder"
    )
    assert (
        state_write_outside_the_mechanism(
            'UPDATE "evaluation_folder" SET "analyst_id" = 1 WHERE "state" = \'assigned\''
        )
        is None
    )
    with pytest.raises(AssertionError, match=r"outside merito\.states"), connection.cursor() as c:
        c.execute(sql, ["open", call.pk])
    assert Call.objects.get(pk=call.pk).state == CallState.DRAFT


def _sql_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Each function's string literals (f-string parts too), joined: its SQL, if any."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            text = " ".join(
                part.value
                for part in ast.walk(node)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
            found.append((node.lineno, text))
    return found


def test_no_raw_sql_in_the_code_writes_a_state():
    """Raw SQL that sets a state column, anywhere but the mechanism, fails here."""
    columns = {machine.model._meta.get_field(machine.field).column for machine in states.machines()}
    setting = re.compile(
        r"\bUPDATE\b.*\bSET\b.*(?<![\w.])(?:" + "|".join(map(re.escape, columns)) + r")\s*=",
        re.IGNORECASE | re.DOTALL,
    )
    offenders = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path == SRC / "states.py":
            continue
        for line, text in _sql_strings(ast.parse(path.read_text())):
            if setting.search(text):
                offenders.append(f"{path.relative_to(SRC)}:{line}")
    assert offenders == []
    # The scan would have caught the distribution's former hand SQL.
    former = "UPDATE t AS f SET a = 1, state = CASE WHEN f.state = %s THEN %s END"
    assert setting.search(former)


# --- a move -------------------------------------------------------------------------------


def test_a_move_writes_state_version_audit_and_message_at_once(case, mailoutbox):
    with arranged():
        UpdateCase.objects.filter(pk=case.pk).update(state=CaseState.VERIFICATION)
    case.refresh_from_db()
    verifier = make_user(username="verificador", is_staff=True)

    move = CASE.move(case, "approve", by=verifier, changes={"verifier": verifier})

    stored = UpdateCase.objects.get(pk=case.pk)
    assert (stored.state, stored.version, stored.verifier) == (CaseState.APPROVED, 2, verifier)
    assert move.source == CaseState.VERIFICATION and case.version == 2
    event = AuditEvent.objects.get(action="cases.case.approved")
    assert event.before == {"state": "verification"} and event.after == {"state": "approved"}
    assert event.actor_id == verifier.pk
    message = OutboundEmail.objects.get(kind="cases.approved")
    assert message.to == case.user.email and "GP-2026-000009" in message.subject


def test_a_stale_version_changes_nothing(case):
    stale = UpdateCase.objects.get(pk=case.pk)
    fresh = UpdateCase.objects.get(pk=case.pk)
    CASE.move(fresh, "lapse", by=None)  # someone else moved it first

    with pytest.raises(DomainError) as refused:
        CASE.move(stale, "submit", by=case.user)
    assert refused.value.code == states.STALE or refused.value.code == "state"
    stale.state = CaseState.DRAFT  # even pretending the state is still the one read
    stale.version = 1
    with pytest.raises(DomainError) as refused:
        CASE.move(stale, "lapse", by=None)
    assert refused.value.code == states.STALE
    assert UpdateCase.objects.get(pk=case.pk).state == CaseState.LAPSED
    assert AuditEvent.objects.filter(action="cases.case.lapsed").count() == 1


def test_an_expected_version_from_a_form_is_checked(call, manager):
    with pytest.raises(DomainError) as refused:
        CALL.move(call, "open", by=manager, expected_version=call.version + 1)
    assert refused.value.code == states.STALE
    assert Call.objects.get(pk=call.pk).state == CallState.DRAFT


def test_who_may_move_is_declared(call, case):
    stranger = make_user(username="otra.persona")
    with pytest.raises(PermissionDenied):
        CALL.move(call, "open", by=stranger)
    with pytest.raises(PermissionDenied, match="Este caso no es suyo"):
        CASE.move(case, "submit", by=stranger)
    assert AuditEvent.objects.filter(action__startswith="cases.case").count() == 0


def test_a_move_not_allowed_from_the_state_is_refused_in_spanish(call, manager):
    with pytest.raises(DomainError, match="Borrador"):
        CALL.move(call, "close", by=manager)
    with pytest.raises(DomainError, match="Acción no válida"):
        CALL.move(call, "reopen", by=manager)


def test_a_failure_later_in_the_transaction_undoes_the_move_its_row_and_its_message(case):
    with pytest.raises(RuntimeError), transaction.atomic():
        CASE.move(case, "lapse", by=None)
        raise RuntimeError("después")
    assert UpdateCase.objects.get(pk=case.pk).state == CaseState.DRAFT
    assert not AuditEvent.objects.filter(action="cases.case.lapsed").exists()
    assert not OutboundEmail.objects.filter(kind="cases.lapsed").exists()


def test_available_lists_what_a_person_may_do_now(call, manager):
    assert [t.name for t in CALL.available(call, manager)] == ["open"]
    CALL.move(call, "open", by=manager)
    assert {t.name for t in CALL.available(call, manager)} == {"suspend", "close", "cancel"}
    assert CALL.available(call, make_user(username="nadie.nadie")) == []


def test_a_state_that_came_back_is_still_a_stale_read(call, manager):
    """Abierta → Suspendida → Abierta: a page read at the first Abierta cannot close it."""
    CALL.move(call, "open", by=manager)
    read_before = Call.objects.get(pk=call.pk)
    CALL.move(call, "suspend", by=manager)
    CALL.move(call, "resume", by=manager)
    assert read_before.state == Call.objects.get(pk=call.pk).state == CallState.OPEN

    with pytest.raises(DomainError) as refused:
        CALL.move(read_before, "close", by=manager)
    assert refused.value.code == states.STALE
    assert Call.objects.get(pk=call.pk).state == CallState.OPEN
