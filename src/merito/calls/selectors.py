"""Reads of calls: the public catalogue (lists and details with their stages, positions
and notices), and SIMO's back office, scoped to what the viewer may see.

Gerencia del proceso sees the processes of the organizations where it holds the role (and
those below them); an operator's administrator sees the processes with a test awarded to
its operator. Anything else answers ``None`` or an empty list, which views turn into 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from merito.accounts.models import User
from merito.calls.calendar import local_today
from merito.calls.models import (
    Call,
    CallDocument,
    CallState,
    Job,
    Notice,
    Position,
    SelectionProcess,
    Stage,
    StageKind,
    Test,
    TestUser,
    search_key,
)
from merito.organizations.models import (
    OPERATOR_ROLES,
    Organization,
    OrganizationKind,
    Role,
    RoleAssignment,
)
from merito.organizations.rules import role_assignments
from merito.search import each_word


@dataclass(frozen=True)
class CallFilters:
    q: str = ""
    organization_id: int | None = None
    country: str = ""
    state: str = ""
    year: int | None = None
    open_inscriptions: bool = False


@dataclass(frozen=True)
class PositionFilters:
    region: str = ""
    group: str = ""
    level: str = ""


def _total_vacancies() -> Coalesce:
    # A subquery, not Sum("positions__vacancies"): joining positions would multiply rows
    # once stages or other relations join too.
    total = (
        Position.objects.filter(call=OuterRef("pk"))
        .order_by()
        .values("call")
        .annotate(total=Sum("vacancies"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def _open_inscriptions(now: datetime) -> Q:
    """Calls whose inscription stage includes today's date in their own legal time zone."""
    zones = (
        Organization.objects.filter(calls__in=Call.objects.public())
        .values_list("time_zone", flat=True)
        .distinct()
    )
    condition = Q(pk__in=[])
    for zone in zones:
        today = local_today(now, zone or "UTC")
        stage_open = Stage.objects.filter(
            call=OuterRef("pk"),
            kind=StageKind.INSCRIPTIONS,
            start_date__lte=today,
            end_date__gte=today,
        )
        condition |= Q(organization__time_zone=zone) & Q(Exists(stage_open))
    return Q(state=CallState.OPEN) & condition


def call_list(*, filters: CallFilters | None = None, now: datetime | None = None) -> QuerySet[Call]:
    """Public calls matching ``filters``, with ``total_vacancies`` and prefetched stages."""
    filters = filters or CallFilters()
    now = now or timezone.now()
    calls = Call.objects.public()
    for word in search_key(filters.q).split():
        calls = calls.filter(search_text__contains=word)
    if filters.organization_id:
        calls = calls.filter(organization_id=filters.organization_id)
    if filters.country:
        calls = calls.filter(organization__country=filters.country)
    if filters.state:
        calls = calls.filter(state=filters.state)
    if filters.year:
        calls = calls.filter(year=filters.year)
    if filters.open_inscriptions:
        calls = calls.filter(_open_inscriptions(now))
    return (
        calls.select_related("organization")
        .annotate(total_vacancies=_total_vacancies())
        .prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("order", "start_date"))
        )
        .order_by(F("year").desc(nulls_last=True), "code")
    )


def call_detail(*, code: str, now: datetime | None = None) -> Call:
    """One public call with its schedule and published notices and documents.

    Raises ``Call.DoesNotExist`` for unknown codes and for drafts or calls not public.
    """
    now = now or timezone.now()
    return (
        Call.objects.public()
        .select_related("organization")
        .annotate(total_vacancies=_total_vacancies())
        .prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("order", "start_date")),
            Prefetch(
                "notices",
                queryset=Notice.objects.filter(published_at__lte=now),
                to_attr="published_notices",
            ),
            Prefetch(
                "documents",
                queryset=CallDocument.objects.filter(published_at__lte=now),
                to_attr="published_documents",
            ),
        )
        .get(code=code)
    )


def published_document(*, call: Call, pk: int, now: datetime | None = None) -> CallDocument:
    """A published document of ``call``; raises ``CallDocument.DoesNotExist`` otherwise."""
    now = now or timezone.now()
    return CallDocument.objects.get(call=call, pk=pk, published_at__lte=now)


def position_list(*, call: Call, filters: PositionFilters | None = None) -> QuerySet[Position]:
    filters = filters or PositionFilters()
    positions = Position.objects.filter(call=call)
    if filters.region:
        positions = positions.filter(region=filters.region)
    if filters.group:
        positions = positions.filter(group=filters.group)
    if filters.level:
        positions = positions.filter(level=filters.level)
    return positions.order_by("code")


def position_labels(*, call: Call) -> dict[str, list[str]]:
    """The distinct region, group and level labels of a call's positions, in one query."""
    labels: dict[str, set[str]] = {"region": set(), "group": set(), "level": set()}
    rows = Position.objects.filter(call=call).values_list("region", "group", "level").distinct()
    for region, group, level in rows:
        for key, value in (("region", region), ("group", group), ("level", level)):
            if value:
                labels[key].add(value)
    return {key: sorted(values) for key, values in labels.items()}


def current_or_next_stage(call: Call, now: datetime) -> Stage | None:
    """The stage open at ``now``, else the next one to open; uses the prefetched stages."""
    upcoming = None
    for stage in call.stages.all():
        opens, closes = stage.bounds()
        if opens <= now <= closes:
            return stage
        if opens > now and (upcoming is None or opens < upcoming.bounds()[0]):
            upcoming = stage
    return upcoming


# --- the back office: processes, tests, jobs and operators -------------------------------


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
    from merito.calls.models import TestType

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
