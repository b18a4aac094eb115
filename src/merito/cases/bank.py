"""The peer bank read together with its members' update cases (seed 000): the staff
search with each member's latest case state, its CSV/Excel table and the follow-up report
(who has not started, who has not finished). It lives with the cases because it reads
them; the bank itself (``merito.peers``) knows nothing of cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import tablib
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merito.accounts.models import User
from merito.cases.models import CaseState, UpdateCase
from merito.exports import spreadsheet_cell
from merito.peers.models import (
    EmailBounce,
    PeerGroup,
)
from merito.peers.scope import visible_memberships
from merito.search import each_word

NO_CASE = "none"


UPDATE_STATES = [(NO_CASE, gettext_lazy("Sin caso")), *CaseState.choices]


# The report of seed 000's follow-up: who has not started, who has not finished.
NOT_STARTED = "not_started"


NOT_FINISHED = "not_finished"


PENDING_CHOICES = [
    (NOT_STARTED, gettext_lazy("No ha iniciado la actualización")),
    (NOT_FINISHED, gettext_lazy("No ha terminado la actualización")),
]


# In Verificación the peer has finished; the rest of the open states and a lapsed case
# still wait for the peer.
UNFINISHED_STATES = (CaseState.DRAFT, CaseState.CORRECTION, CaseState.LAPSED)


def _latest_case_state() -> Subquery:
    return Subquery(
        UpdateCase.objects.filter(user=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("state")[:1]
    )


def bank_search(
    *,
    viewer: Any,
    group: str = "",
    area: str = "",
    region: str = "",
    update_state: str = "",
    pending: str = "",
    query: str = "",
) -> QuerySet[User]:
    """Members of the bank with the state of their latest update case and whether their
    current e-mail bounced; every filter as on the staff search page."""
    memberships = visible_memberships(viewer).filter(user=OuterRef("pk"))
    if group:
        memberships = memberships.filter(group=group)
    if area:
        memberships = memberships.filter(knowledge_area__icontains=area)
    if region:
        memberships = memberships.filter(region__icontains=region)
    people = (
        User.objects.filter(Exists(memberships))
        .annotate(
            update_state=_latest_case_state(),
            bounced=Exists(
                EmailBounce.objects.filter(user=OuterRef("pk"), address=OuterRef("email"))
            ),
        )
        .prefetch_related("peer_memberships")
    )
    if update_state == NO_CASE:
        people = people.filter(update_state__isnull=True)
    elif update_state in CaseState.values:
        people = people.filter(update_state=update_state)
    if pending == NOT_STARTED:
        people = people.filter(update_state__isnull=True)
    elif pending == NOT_FINISHED:
        people = people.filter(update_state__in=UNFINISHED_STATES)
    people = each_word(
        people, query, "document_number", "given_names", "first_surname", "second_surname", "email"
    )
    return people.order_by("first_surname", "second_surname", "given_names", "pk")


def update_state_label(value: str | None) -> str:
    return str(dict(UPDATE_STATES).get(value or NO_CASE, value or ""))


@dataclass(frozen=True)
class ReportLine:
    group: str
    label: str
    members: int
    not_started: int
    not_finished: int


def update_report(*, viewer: Any) -> list[ReportLine]:
    """Per group and in total: members, who has not started, who has not finished."""
    lines = []
    for value, label in [("", _("Todo el banco")), *PeerGroup.choices]:
        members = bank_search(viewer=viewer, group=value)
        lines.append(
            ReportLine(
                group=value,
                label=str(label),
                members=members.count(),
                not_started=bank_search(viewer=viewer, group=value, pending=NOT_STARTED).count(),
                not_finished=bank_search(viewer=viewer, group=value, pending=NOT_FINISHED).count(),
            )
        )
    return lines


def bank_dataset(people: QuerySet[User]) -> tablib.Dataset:
    """The search result as a table for CSV or Excel."""
    dataset = tablib.Dataset(
        headers=[
            _("Tipo de documento"),
            _("Número de documento"),
            _("País"),
            _("Nombres"),
            _("Primer apellido"),
            _("Segundo apellido"),
            _("Correo"),
            _("Correo rebotado"),
            _("Grupos"),
            _("Áreas"),
            _("Regiones"),
            _("Estado de la actualización"),
        ]
    )
    for person in people.iterator(chunk_size=1000):
        memberships = list(cast(Any, person).peer_memberships.all())
        dataset.append(
            [
                person.document_type,
                spreadsheet_cell(person.document_number),
                person.document_country,
                spreadsheet_cell(person.given_names),
                spreadsheet_cell(person.first_surname),
                spreadsheet_cell(person.second_surname),
                spreadsheet_cell(person.email),
                _("Sí") if getattr(person, "bounced", False) else _("No"),
                "; ".join(str(m.get_group_display()) for m in memberships),
                spreadsheet_cell(
                    "; ".join(m.knowledge_area for m in memberships if m.knowledge_area)
                ),
                spreadsheet_cell("; ".join(m.region for m in memberships if m.region)),
                update_state_label(getattr(person, "update_state", None)),
            ]
        )
    return dataset


def person_for_staff(*, viewer: Any, pk: int) -> User | None:
    return bank_search(viewer=viewer).filter(pk=pk).first()
