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
from merito.calls import scope
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
    Role,
    RoleAssignment,
)
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
# Every read starts from the viewer's scope (``merito.calls.scope``).


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

    processes = scope.visible_processes(user).annotate(
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


def test_list(*, user: Any, process: SelectionProcess, query: str = "") -> QuerySet[Test]:
    """Search by keyword over the type (its Spanish name) or the description."""
    from merito.calls.models import TestType

    tests = scope.visible_tests(user).filter(process=process).order_by("pk")
    for word in query.split():
        types = [value for value, label in TestType.choices if word.lower() in str(label).lower()]
        tests = tests.filter(Q(description__icontains=word) | Q(test_type__in=types))
    return tests


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
