"""The inscriptions search (seed 004 §5): every inscription of the processes the viewer
sees, filtered and paged by keys, with each folder's assignment history.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from merito.accounts.models import SpacedName
from merito.applications.models import Inscription
from merito.calls.models import Position
from merito.evaluation.models import FOLDER_ROLE_FIELDS, FolderAssignment
from merito.evaluation.results import admitted_condition, vrm_verified_condition
from merito.pagination import Keyed
from merito.reports.scope import visible_processes

INSCRIPTION_ORDER = {
    "opec": ("position__job__opec_number", "pk"),
    "-opec": ("-position__job__opec_number", "-pk"),
    "inscripcion": ("registry_number", "pk"),
    "-inscripcion": ("-registry_number", "-pk"),
}


class SearchedCall(NamedTuple):
    """A process whose inscriptions the viewer may search, and its call."""

    process: int
    code: str
    call: int
    # Every position of the call has its OPEC job (``Job``): sorting by OPEC loses no one
    # to an inner join.
    opec_complete: bool


def inscription_scope(user: Any) -> list[SearchedCall]:
    """The processes of ``visible_processes`` with their calls, in one query."""
    jobless = Position.objects.filter(call=OuterRef("call_id"), job__isnull=True)
    rows = (
        visible_processes(user)
        .annotate(jobless=Exists(jobless))
        .values_list("pk", "call__code", "call_id", "jobless")
    )
    return [SearchedCall(pk, code, call, not jobless) for pk, code, call, jobless in rows]


def _searched(scope: list[SearchedCall], filters: dict[str, Any]) -> list[SearchedCall]:
    process = str(filters.get("proceso") or "")
    return [c for c in scope if not process or str(c.process) == process]


def inscription_search(
    *,
    user: Any,
    filters: dict[str, Any],
    order: str = "",
    scope: list[SearchedCall] | None = None,
) -> QuerySet:
    """Inscriptions of the visible processes, with Admitido, filtered as in seed 004 §5.

    ``scope`` is ``inscription_scope(user)`` when the caller already has it. The calls go
    into the query as values, so that counting them is a scan of one index.
    """
    scope = inscription_scope(user) if scope is None else scope
    inscriptions = (
        Inscription.objects.filter(call_id__in=[c.call for c in _searched(scope, filters)])
        .select_related("call__selection_process", "position__job", "user")
        .annotate(admitted=admitted_condition(), verified=vrm_verified_condition())
    )
    if filters.get("empleo"):
        value = str(filters["empleo"]).strip()
        condition = Q(position__code__iexact=value)
        if value.isdigit():
            condition |= Q(position__job__opec_number=int(value))
        inscriptions = inscriptions.filter(condition)
    if filters.get("nivel"):
        inscriptions = inscriptions.filter(position__level=filters["nivel"])
    if filters.get("documento"):
        inscriptions = inscriptions.filter(user__document_number=filters["documento"].strip())
    words = str(filters.get("nombre") or "").split()
    if words:
        inscriptions = inscriptions.alias(name=SpacedName("user__"))
        for word in words:
            inscriptions = inscriptions.filter(name__icontains=word)
    if filters.get("inscripcion"):
        inscriptions = inscriptions.filter(registry_number=filters["inscripcion"].strip())
    if filters.get("estado"):
        inscriptions = inscriptions.filter(state=filters["estado"])
    admitted = filters.get("admitido")
    if admitted == "si":
        inscriptions = inscriptions.filter(admitted=True)
    elif admitted == "no":
        inscriptions = inscriptions.filter(verified=True, admitted=False)
    elif admitted == "pendiente":
        inscriptions = inscriptions.filter(verified=False)
    return inscriptions.order_by(*INSCRIPTION_ORDER.get(order, ("registry_number", "pk")))


def _unverified_count(inscriptions: QuerySet) -> int:
    """How many of ``inscriptions`` are "Sin verificar": all of them minus the verified, two
    counts that indexes drive, rather than checking each one against the verified."""
    return inscriptions.count() - inscriptions.filter(verified=True).count()


def inscription_pages(
    *,
    user: Any,
    filters: dict[str, Any],
    order: str = "",
    per_page: int,
    scope: list[SearchedCall] | None = None,
) -> Keyed:
    """``inscription_search`` page by page, as cheap at page 5,000 as at page 1 (``Keyed``)."""
    scope = inscription_scope(user) if scope is None else scope
    inscriptions = inscription_search(user=user, filters=filters, order=order, scope=scope)
    count: Callable[[], int | None] | None = inscriptions.count
    if filters.get("nombre"):
        # Every trigram match is rechecked against its user's row: counted up to the cap
        # (the page then says "más de 10.000"), not through all of them.
        count = None
    elif filters.get("admitido") == "pendiente":
        every = inscription_search(user=user, filters={**filters, "admitido": ""}, scope=scope)
        count = partial(_unverified_count, every)
    pages = inscriptions
    if order in {"opec", "-opec"} and all(c.opec_complete for c in _searched(scope, filters)):
        # An inner join to the jobs then drops no inscription, and lets PostgreSQL walk the
        # jobs in OPEC order and each position's inscriptions in id order (an index), instead
        # of sorting every inscription by a column two joins away.
        pages = inscriptions.filter(position__job__isnull=False)
    return Keyed(pages, per_page, count=count)


def admitted_label(inscription: Any) -> str:
    if getattr(inscription, "admitted", False):
        return _("SI")
    return _("NO") if getattr(inscription, "verified", False) else _("Sin verificar")


def assignment_history(inscription_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Who has held or holds each inscription's folders, by role, in one query."""
    history: dict[int, dict[str, list[str]]] = {
        pk: {role: [] for role in FOLDER_ROLE_FIELDS} for pk in inscription_ids
    }
    rows = (
        FolderAssignment.objects.filter(folder__inscription_id__in=inscription_ids)
        .order_by("started_at", "pk")
        .values_list("folder__inscription_id", "role", "user__username", "ended_at")
    )
    for inscription_id, role, name, ended_at in rows:
        username = name or ""
        label = (
            username
            if ended_at is None
            else _("%(u)s (hasta %(d)s)")
            % {
                "u": username,
                "d": timezone.localtime(ended_at).strftime("%Y-%m-%d"),
            }
        )
        names = history[inscription_id][role]
        if label not in names:
            names.append(label)
    return history
