"""Reads of the public catalogue: lists and details with their stages, positions and notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from merito.calls.calendar import local_today
from merito.calls.models import (
    Call,
    CallDocument,
    CallState,
    Notice,
    Position,
    Stage,
    StageKind,
    search_key,
)
from merito.organizations.models import Organization


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
