"""Who sees which processes and tests in the inscription search and the reports.

Gerencia del proceso sees the processes of its organizations (all of them with a
platform-wide role); the administrator and the supervisors of an operator see the processes
with a test awarded to their operator. Anyone else gets 403 in the views.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from merito.calls.models import SelectionProcess, Test
from merito.calls.selectors import managed_organization_ids
from merito.organizations.models import Role
from merito.organizations.rules import role_assignments

VIEW_PERMS = (
    "merito.access_process_management",
    "merito.access_operator",
    "merito.access_supervision",
)


# The operator's people who see its processes' data (seed 004 §5–6).
VIEWER_ROLES = (Role.OPERATOR_ADMIN, Role.SUPERVISOR)


def can_view(user: Any) -> bool:
    return any(user.has_perm(perm) for perm in VIEW_PERMS)


def viewer_operator_ids(user: Any) -> set[int]:
    """Operators whose administrator or supervisor ``user`` is."""
    return {
        org_id
        for role, org_id, _call in role_assignments(user)
        if role in VIEWER_ROLES and org_id is not None
    }


def visible_processes(user: Any) -> QuerySet[SelectionProcess]:
    """Processes whose inscriptions, results and reports ``user`` may see."""
    processes = SelectionProcess.objects.select_related("call", "parent__call")
    managed = managed_organization_ids(user)
    if managed is None:
        return processes.order_by("call__code")
    condition = Q(pk__in=[])
    if managed:
        condition |= Q(call__organization_id__in=managed)
    operators = viewer_operator_ids(user)
    if operators:
        condition |= Q(pk__in=Test.objects.filter(operator_id__in=operators).values("process_id"))
    return processes.filter(condition).order_by("call__code")


def visible_tests(user: Any, process: SelectionProcess) -> QuerySet[Test]:
    """Tests of a visible process: all for its Gerencia, its own operator's for the rest."""
    tests = process.tests.select_related("operator", "process__call").order_by("pk")
    managed = managed_organization_ids(user)
    if managed is None or process.call.organization_id in managed:
        return tests
    return tests.filter(operator_id__in=viewer_operator_ids(user))
