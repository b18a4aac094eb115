"""Reads of folders: the distribution list with its filters, and a worker's own folders."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from merito.applications.models import InscriptionState
from merito.evaluation.models import FOLDER_ROLE_FIELDS, FOLDER_ROLES, Folder, Test
from merito.organizations.models import Role

FOLDER_ORDER = {
    "carpeta": ("pk",),
    "-carpeta": ("-pk",),
    "nivel": ("level", "pk"),
    "-nivel": ("-level", "-pk"),
    "opec": ("inscription__position__job__opec_number", "pk"),
    "-opec": ("-inscription__position__job__opec_number", "-pk"),
    "inscripcion": ("inscription__registry_number", "pk"),
    "-inscripcion": ("-inscription__registry_number", "-pk"),
    "documento": ("inscription__user__document_number", "pk"),
    "-documento": ("-inscription__user__document_number", "-pk"),
    "estado": ("state", "pk"),
    "-estado": ("-state", "-pk"),
}
_RELATED = (
    "inscription__user",
    "inscription__position__job",
    "supervisor",
    "analyst",
    "auditor",
)


def folder_list(*, test: Test, filters: dict[str, Any], order: str = "") -> QuerySet[Folder]:
    """Folders of the test still in the contest, filtered as in seed 004 §3.2.6.1."""
    folders = Folder.objects.filter(
        test=test, inscription__state=InscriptionState.ACTIVE
    ).select_related(*_RELATED)
    if filters.get("nivel"):
        folders = folders.filter(level=filters["nivel"])
    if filters.get("estado"):
        folders = folders.filter(state=filters["estado"])
    if filters.get("codigo"):
        folders = folders.filter(inscription__position__code__iexact=filters["codigo"])
    if filters.get("opec"):
        folders = folders.filter(inscription__position__job__opec_number=filters["opec"])
    if filters.get("documento"):
        folders = folders.filter(inscription__user__document_number=filters["documento"])
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


def my_folders(user: Any, *, state: str = "") -> QuerySet[Folder]:
    """Folders ``user`` holds now, in any role, on any test."""
    condition = Q()
    for role in FOLDER_ROLES:
        condition |= Q(**{FOLDER_ROLE_FIELDS[role]: user})
    folders = (
        Folder.objects.filter(condition)
        .select_related(*_RELATED, "test__process__call")
        .order_by("test_id", "pk")
    )
    return folders.filter(state=state) if state else folders


def my_folder(user: Any, pk: int) -> Folder | None:
    return my_folders(user).filter(pk=pk).first()


def folder_of_test(test: Test, pk: int) -> Folder | None:
    return Folder.objects.select_related(*_RELATED).filter(test=test, pk=pk).first()
