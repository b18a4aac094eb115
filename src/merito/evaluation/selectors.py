"""Reads of the SIMO back office, scoped to what the viewer may see.

Gerencia del proceso sees the processes of the organizations where it holds the role (and
those below them); an operator's administrator sees the processes with a test awarded to
its operator. Anything else answers ``None`` or an empty list, which views turn into 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from merito.accounts.models import User
from merito.calls.models import Position
from merito.evaluation.models import Job, SelectionProcess, Test, TestUser
from merito.organizations.models import (
    OPERATOR_ROLES,
    Organization,
    OrganizationKind,
    Role,
    RoleAssignment,
)
from merito.organizations.rules import role_assignments
from merito.search import each_word


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


_MANAGED_ATTR = "_merito_managed_organizations"


def managed_organization_ids(user: Any) -> set[int] | None:
    """Organizations where ``user`` is Gerencia del proceso; ``None`` means all of them.

    Read once per request, like the role assignments it derives from.
    """
    if hasattr(user, _MANAGED_ATTR):
        return getattr(user, _MANAGED_ATTR)
    ids: set[int] | None = set()
    for role, org_id, call_id in role_assignments(user):
        if role != Role.PROCESS_MANAGEMENT:
            continue
        if org_id is None and call_id is None:
            ids = None
            break
        if org_id is not None and ids is not None:
            ids.add(org_id)
    managed = None if ids is None else _with_descendants(ids)
    if getattr(user, "is_authenticated", False):
        setattr(user, _MANAGED_ATTR, managed)
    return managed


def administered_operator_ids(user: Any) -> set[int]:
    """Operators whose administrator ``user`` is."""
    return {
        org_id
        for role, org_id, _call in role_assignments(user)
        if role == Role.OPERATOR_ADMIN and org_id is not None
    }


def is_manager(user: Any) -> bool:
    return any(role == Role.PROCESS_MANAGEMENT for role, _o, _c in role_assignments(user))


def processes_for(user: Any) -> QuerySet[SelectionProcess]:
    """Processes the viewer may open: managed ones, or those awarded to its operator."""
    processes = SelectionProcess.objects.select_related("call", "entity", "parent__call")
    condition = Q(pk__in=[])
    managed = managed_organization_ids(user)
    if managed is None:
        return processes
    if managed:
        condition |= Q(call__organization_id__in=managed)
    operators = administered_operator_ids(user)
    if operators:
        awarded = Test.objects.filter(operator_id__in=operators).values("process_id")
        condition |= Q(pk__in=awarded)
    return processes.filter(condition)


def process_for(user: Any, pk: int) -> SelectionProcess | None:
    return processes_for(user).filter(pk=pk).first()


def can_manage(user: Any, process: SelectionProcess) -> bool:
    managed = managed_organization_ids(user)
    return managed is None or process.call.organization_id in managed


_HUNDRED = RawSQL("100.0", (), output_field=DecimalField())


def process_list(
    *, user: Any, query: str = "", year: str = "", state: str = "", order: str = ""
) -> QuerySet[SelectionProcess]:
    """The list of seed 004 §3 with its counters, computed by the database in one query."""
    positions = Position.objects.filter(call_id=OuterRef("call_id")).order_by()

    def total(expression: Any) -> Coalesce:
        return Coalesce(
            Subquery(positions.values("call_id").annotate(total=expression).values("total")),
            0,
        )

    processes = processes_for(user).annotate(
        total_jobs=total(Count("pk")),
        ascenso_jobs=total(Count("pk", filter=Q(job__ascenso_vacancies__gt=0))),
        total_vacancies=total(Sum("vacancies")),
        ascenso_vacancies=total(Sum("job__ascenso_vacancies")),
    )
    processes = processes.annotate(
        ascenso_percent=Case(
            When(total_vacancies=0, then=Value(0)),
            default=ExpressionWrapper(
                # 100.0 written in the SQL, not a parameter: PostgreSQL reads the literal as
                # numeric (a float parameter bound by the server made it divide in floating
                # point and round some percentages up), SQLite as a real (not integers).
                F("ascenso_vacancies") * _HUNDRED / F("total_vacancies"),
                output_field=DecimalField(max_digits=7, decimal_places=2),
            ),
            output_field=DecimalField(max_digits=7, decimal_places=2),
        )
    )
    processes = each_word(processes, query, "call__code", "call__name", "entity__name")
    if year.isdigit():
        processes = processes.filter(call__year=int(year))
    if state:
        processes = processes.filter(call__state=state)
    return processes.order_by(*PROCESS_ORDER.get(order, ("-call__year", "call__code")))


PROCESS_ORDER = {
    "codigo": ("call__code",),
    "-codigo": ("-call__code",),
    "anio": ("call__year", "call__code"),
    "-anio": ("-call__year", "call__code"),
    "id": ("pk",),
    "-id": ("-pk",),
    "nombre": ("call__name",),
    "-nombre": ("-call__name",),
    "entidad": ("entity__name", "call__code"),
    "-entidad": ("-entity__name", "call__code"),
}


def tests_for(user: Any, process: SelectionProcess) -> QuerySet[Test]:
    """Tests of the process the viewer may see: all for Gerencia, its own for an operator."""
    tests = process.tests.select_related("operator").order_by("pk")
    if can_manage(user, process):
        return tests
    return tests.filter(operator_id__in=administered_operator_ids(user))


def test_list(*, user: Any, process: SelectionProcess, query: str = "") -> QuerySet[Test]:
    """Search by keyword over the type (its Spanish name) or the description."""
    from merito.evaluation.models import TestType

    tests = tests_for(user, process)
    for word in query.split():
        types = [value for value, label in TestType.choices if word.lower() in str(label).lower()]
        tests = tests.filter(Q(description__icontains=word) | Q(test_type__in=types))
    return tests


def test_for(user: Any, process: SelectionProcess, pk: int) -> Test | None:
    return tests_for(user, process).filter(pk=pk).first()


def jobs_of(process: SelectionProcess, *, query: str = "", level: str = "") -> QuerySet[Position]:
    positions = (
        Position.objects.filter(call_id=process.call_id)
        .select_related("job", "job__entity")
        .order_by("code")
    )
    positions = each_word(positions, query, "code", "name", "job__opec_number")
    if level:
        positions = positions.filter(level__istartswith=level)
    return positions


def job_for(process: SelectionProcess, pk: int) -> Job | None:
    return (
        Job.objects.select_related("position", "entity", "manual")
        .filter(pk=pk, position__call_id=process.call_id)
        .first()
    )


def operators_for(user: Any) -> QuerySet[Organization]:
    """Operators the viewer may open: its own for an administrator; for Gerencia del
    proceso, those awarded a test of a process it manages (their users' documents and
    e-mails are not another commission's to read)."""
    operators = Organization.objects.filter(kind=OrganizationKind.OPERATOR).select_related(
        "operator_profile"
    )
    condition = Q(pk__in=administered_operator_ids(user))
    if is_manager(user):
        managed = managed_organization_ids(user)
        if managed is None:
            return operators
        awarded = Test.objects.filter(process__call__organization_id__in=managed)
        condition |= Q(pk__in=awarded.values("operator_id"))
    return operators.filter(condition)


def operator_users(
    *, operator: Organization, name: str = "", username: str = "", state: str = "", role: str = ""
) -> QuerySet[User]:
    """Users of the operator, filtered as in seed 004 §4.2.1."""
    users = User.objects.filter(
        pk__in=RoleAssignment.objects.filter(organization=operator, role__in=OPERATOR_ROLES).values(
            "user_id"
        )
    )
    users = each_word(users, name, "given_names", "first_surname", "second_surname")
    if username:
        users = users.filter(username__icontains=username)
    if state == "activo":
        users = users.filter(is_active=True)
    elif state == "inactivo":
        users = users.filter(is_active=False)
    if role:
        users = users.filter(role_assignments__organization=operator, role_assignments__role=role)
    return users.distinct()


USER_ORDER = {
    "usuario": ("username",),
    "-usuario": ("-username",),
    "identificacion": ("document_number",),
    "-identificacion": ("-document_number",),
    "correo": ("email",),
    "-correo": ("-email",),
    "nombre": ("given_names", "first_surname"),
    "-nombre": ("-given_names", "-first_surname"),
}


def roles_by_user(operator: Organization, user_ids: list[int]) -> dict[int, list[str]]:
    """Role labels of each user in the operator, in one query."""
    labels: dict[int, list[str]] = {}
    for user_id, role in RoleAssignment.objects.filter(
        organization=operator, user_id__in=user_ids, role__in=OPERATOR_ROLES
    ).values_list("user_id", "role"):
        labels.setdefault(user_id, []).append(str(Role(role).label))
    return labels


def linkable_users(test: Test, role: str) -> QuerySet[User]:
    """Active users of the test's operator with ``role``, not yet linked in it."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__organization=test.operator,
            role_assignments__role=role,
        )
        .exclude(evaluation_tests__test=test, evaluation_tests__role=role)
        .order_by("username")
        .distinct()
    )


def linked_users(test: Test, role: str) -> QuerySet[TestUser]:
    return test.linked_users.filter(role=role).select_related("user").order_by("user__username")
