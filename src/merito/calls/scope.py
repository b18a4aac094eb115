"""Who reaches which selection processes, tests and operators (seed 004 §3–6).

* Gerencia del proceso **manages** the processes of the organizations where it holds the
  role and of every organization below them, or of the one call its role is scoped to; a
  platform-wide role manages them all. It sees every test of a process it manages, and the
  operators awarded one of them.
* An operator's administrator and its supervisors **see** the processes where their
  operator was awarded a test, and only their operator's tests there; the administrator
  sees its own operator.

Each model has its selector (the queryset every list, detail, export and job starts from)
and its predicate (the same answer for one object), declared in ``merito.scope``; the
property test checks they agree. Role assignments are read once per request.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from merito.calls.models import SelectionProcess, Test
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.rules import administered_operator_ids, role_assignments
from merito.scope import declare_scope

# The operator's people who see its processes (the reports and results of seed 004 §5–6).
OPERATOR_VIEWER_ROLES = (Role.OPERATOR_ADMIN, Role.SUPERVISOR)


class Management:
    """Where ``user`` is Gerencia del proceso: everywhere, or some organizations (with
    everything below them) and some calls."""

    def __init__(self, user: Any) -> None:
        self.everywhere = False
        self.organization_ids: set[int] = set()
        self.call_ids: set[int] = set()
        self._with_descendants: set[int] | None = None
        for role, org_id, call_id in role_assignments(user):
            if role != Role.PROCESS_MANAGEMENT:
                continue
            if org_id is None and call_id is None:
                self.everywhere = True
            elif org_id is not None:
                self.organization_ids.add(org_id)
            elif call_id is not None:
                self.call_ids.add(call_id)

    def __bool__(self) -> bool:
        return self.everywhere or bool(self.organization_ids or self.call_ids)

    def organizations_below(self) -> set[int]:
        """The organizations, with every one below them; walked once per request."""
        if self._with_descendants is None:
            self._with_descendants = _with_descendants(self.organization_ids)
        return self._with_descendants

    def calls(self, prefix: str = "") -> Q:
        """The condition, on a model reaching ``Call`` through ``prefix``, of a managed call."""
        if self.everywhere:
            return Q()
        ids = self.organizations_below()
        return Q(**{f"{prefix}organization_id__in": ids}) | Q(**{f"{prefix}pk__in": self.call_ids})

    def covers(self, call: Any) -> bool:
        """The same, in Python, for one call: its organization or one above it, or itself."""
        if self.everywhere or call.pk in self.call_ids:
            return True
        return bool(self.organization_ids.intersection(call.organization.ancestor_ids()))


def _with_descendants(ids: set[int]) -> set[int]:
    found = set(ids)
    frontier = set(ids)
    while frontier:
        frontier = (
            set(
                Organization.objects.filter(parent_id__in=frontier)
                .order_by()
                .values_list("pk", flat=True)
            )
            - found
        )
        found |= frontier
    return found


_MANAGEMENT_ATTR = "_merito_management"


def management(user: Any) -> Management:
    """Read once per request, like the role assignments it derives from."""
    cached = getattr(user, _MANAGEMENT_ATTR, None)
    if cached is None:
        cached = Management(user)
        if getattr(user, "is_authenticated", False):
            setattr(user, _MANAGEMENT_ATTR, cached)
    return cached


def managed_organization_ids(user: Any) -> set[int] | None:
    """The organizations (with those below them) where ``user`` is Gerencia del proceso;
    ``None`` for a platform-wide role."""
    managed = management(user)
    return None if managed.everywhere else managed.organizations_below()


def operator_ids(user: Any, roles: tuple[str, ...] = OPERATOR_VIEWER_ROLES) -> set[int]:
    """Operators where ``user`` holds one of ``roles`` (by default: sees their processes)."""
    return {org_id for role, org_id, _call in role_assignments(user) if role in roles and org_id}


def is_manager(user: Any) -> bool:
    return bool(management(user))


# --- processes ---------------------------------------------------------------------------


def managed_processes(user: Any) -> QuerySet[SelectionProcess]:
    processes = SelectionProcess.objects.select_related("call", "entity", "parent__call")
    managed = management(user)
    return processes.filter(managed.calls("call__")) if managed else processes.none()


@rules.predicate
def can_manage_process(user: Any, process: SelectionProcess) -> bool:
    return management(user).covers(process.call)


def visible_processes(user: Any) -> QuerySet[SelectionProcess]:
    """Processes ``user`` may open: those it manages, and those where its operator has a
    test."""
    processes = SelectionProcess.objects.select_related("call", "entity", "parent__call")
    managed = management(user)
    condition = managed.calls("call__") if managed else Q(pk__in=[])
    operators = operator_ids(user)
    if operators:
        awarded = Test.objects.filter(operator_id__in=operators).values("process_id")
        condition |= Q(pk__in=awarded)
    return processes.filter(condition)


@rules.predicate
def can_view_process(user: Any, process: SelectionProcess) -> bool:
    if can_manage_process(user, process):
        return True
    operators = operator_ids(user)
    return bool(operators) and any(test.operator_id in operators for test in process.tests.all())


# --- tests -------------------------------------------------------------------------------


def visible_tests(user: Any) -> QuerySet[Test]:
    """Every test of a managed process; elsewhere, the tests of the person's operator."""
    tests = Test.objects.select_related("operator", "process__call")
    managed = management(user)
    condition = managed.calls("process__call__") if managed else Q(pk__in=[])
    operators = operator_ids(user)
    if operators:
        condition |= Q(operator_id__in=operators)
    return tests.filter(condition)


@rules.predicate
def can_view_test(user: Any, test: Test) -> bool:
    return management(user).covers(test.process.call) or test.operator_id in operator_ids(user)


# --- operators ---------------------------------------------------------------------------


def visible_operators(user: Any) -> QuerySet[Organization]:
    """Operators the viewer may open: its own for an administrator; for Gerencia del
    proceso, those awarded a test of a process it manages (their users' documents and
    e-mails are not another commission's to read)."""
    operators = Organization.objects.filter(kind=OrganizationKind.OPERATOR).select_related(
        "operator_profile"
    )
    condition = Q(pk__in=administered_operator_ids(user))
    managed = management(user)
    if managed.everywhere:
        return operators
    if managed:
        awarded = Test.objects.filter(managed.calls("process__call__"))
        condition |= Q(pk__in=awarded.values("operator_id"))
    return operators.filter(condition)


@rules.predicate
def can_view_operator(user: Any, operator: Organization) -> bool:
    if operator.kind != OrganizationKind.OPERATOR:
        return False
    if operator.pk in administered_operator_ids(user):
        return True
    managed = management(user)
    if managed.everywhere:
        return True
    return bool(managed) and any(
        managed.covers(test.process.call)
        for test in operator.evaluation_tests.select_related("process__call__organization")
    )


declare_scope(
    "calls.manage_selectionprocess",
    SelectionProcess,
    visible_to=managed_processes,
    allows=can_manage_process,
)
declare_scope(
    "calls.view_selectionprocess",
    SelectionProcess,
    visible_to=visible_processes,
    allows=can_view_process,
)
declare_scope("calls.view_test", Test, visible_to=visible_tests, allows=can_view_test)
declare_scope(
    "organizations.view_operator",
    Organization,
    visible_to=visible_operators,
    allows=can_view_operator,
)
