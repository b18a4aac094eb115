"""Reads of folders: the distribution list with its filters, and a worker's own folders."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from merito.calls.models import Test
from merito.evaluation.distribution import tally_count
from merito.evaluation.models import FOLDER_ROLE_FIELDS, FOLDER_ROLES, Folder, FolderTally
from merito.evaluation.scope import held_by, visible_folders
from merito.organizations.models import Role

FOLDER_ORDER = {
    "carpeta": ("pk",),
    "-carpeta": ("-pk",),
    "nivel": ("level", "pk"),
    "-nivel": ("-level", "-pk"),
    "opec": ("opec_number", "pk"),
    "-opec": ("-opec_number", "-pk"),
    # Inscription numbers are "<call>-<inscription id>": one call per test, so their order
    # is the inscriptions' (served by the one-folder-per-inscription constraint).
    "inscripcion": ("inscription_id",),
    "-inscripcion": ("-inscription_id",),
    "documento": ("document_number", "pk"),
    "-documento": ("-document_number", "-pk"),
    "estado": ("state", "pk"),
    "-estado": ("-state", "-pk"),
}
HOLDERS = ("supervisor", "analyst", "auditor")
_RELATED = ("inscription__user", "inscription__position__job", *HOLDERS)


def folder_list(*, test: Test, filters: dict[str, Any], order: str = "") -> QuerySet[Folder]:
    """Folders of the test still in the contest, filtered as in seed 004 §3.2.6.1."""
    # The page shows the folder's own copies of the inscription: only the holders are joined.
    folders = Folder.objects.filter(test=test, active=True).select_related(*HOLDERS)
    if filters.get("nivel"):
        folders = folders.filter(level=filters["nivel"])
    if filters.get("estado"):
        folders = folders.filter(state=filters["estado"])
    if filters.get("codigo"):
        folders = folders.filter(inscription__position__code__iexact=filters["codigo"])
    if filters.get("opec"):
        folders = folders.filter(opec_number=filters["opec"])
    if filters.get("documento"):
        folders = folders.filter(document_number=filters["documento"])
    if filters.get("inscripcion"):
        value = filters["inscripcion"]
        condition = Q(inscription__registry_number=value)
        if value.isdigit():
            condition |= Q(inscription_id=int(value))
        folders = folders.filter(condition)
    role, user = filters.get("rol"), filters.get("usuario")
    fields = [FOLDER_ROLE_FIELDS[Role(role)]] if role else list(FOLDER_ROLE_FIELDS.values())
    if user is not None:
        condition = Q()
        for field in fields:
            condition |= Q(**{field: user})
        folders = folders.filter(condition)
    elif role:
        folders = folders.filter(**{f"{fields[0]}__isnull": False})
    return folders.order_by(*FOLDER_ORDER.get(order, ("pk",)))


TALLIED = frozenset({"nivel", "estado", "rol", "usuario", "por_pagina"})


def folder_count(*, test: Test, filters: dict[str, Any], state: str = "") -> int | None:
    """How many folders ``folder_list`` gives (in ``state``, when given), from the tally —
    or ``None`` when a filter is not one the tally keeps (the caller counts the rows)."""
    used = {key for key, value in filters.items() if value not in (None, "")}
    if used - TALLIED:
        return None
    wanted = filters.get("estado") or ""
    if state and wanted and state != wanted:
        return 0
    user = filters.get("usuario")
    level, state = filters.get("nivel") or "", state or wanted
    if user is not None and not filters.get("rol"):
        # A person in any role: the tally knows each role apart, so it answers only when
        # they hold this test's folders in one role at most (a folder they hold in two
        # roles would count twice); otherwise the rows are counted.
        rows = list(
            FolderTally.objects.filter(
                test=test, role__in=FOLDER_ROLES, user_id=user.pk, n__gt=0
            ).values_list("role", "level", "state", "n")
        )
        if len({role for role, *_rest in rows}) > 1:
            return None
        return sum(
            n
            for _role, lv, st, n in rows
            if (not level or lv == level) and (not state or st == state)
        )
    return tally_count(
        test,
        level=level,
        state=state,
        role=filters.get("rol") or "",
        user_id=user.pk if user is not None else None,
    )


def my_folders(user: Any, *, state: str = "") -> QuerySet[Folder]:
    """Folders ``user`` holds now, in any role, on any test (a part of ``visible_folders``)."""
    folders = (
        Folder.objects.filter(held_by(user))
        .select_related(*_RELATED, "test__process__call")
        .order_by("test_id", "pk")
    )
    return folders.filter(state=state) if state else folders


def my_folder(user: Any, pk: int) -> Folder | None:
    return my_folders(user).filter(pk=pk).first()


def folder_of_test(user: Any, test: Test, pk: int) -> Folder | None:
    """A folder of ``test`` that ``user`` reaches (``scope.visible_folders``)."""
    return visible_folders(user).select_related(*_RELATED).filter(test=test, pk=pk).first()
