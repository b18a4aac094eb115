"""Reads of update cases: the peer's own, the verifiers' queue, the submitted items."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from merito.cases.models import CaseState, Observation, UpdateCase
from merito.cases.scope import visible_cases
from merito.profiles.models import (
    EducationLevel,
    ExperienceKind,
    OtherDocumentKind,
    ProductKind,
    QualityProcessKind,
)
from merito.profiles.sections import SECTIONS_BY_KEY
from merito.search import each_word


def case_for_owner(*, user: Any, number: str) -> UpdateCase | None:
    """The person's own case; ``None`` for anybody else's (the view answers 404)."""
    return UpdateCase.objects.filter(user=user, number=number).first()


def case_get(*, viewer: Any, number: str) -> UpdateCase | None:
    """A case the viewer reaches (``scope.visible_cases``); ``None`` otherwise (404)."""
    return visible_cases(viewer).filter(number=number).first()


def cases_of(*, user: Any) -> QuerySet[UpdateCase]:
    return UpdateCase.objects.filter(user=user)


def case_queue(
    *, viewer: Any, state: str = "", assigned: str = "", query: str = ""
) -> QuerySet[UpdateCase]:
    """Cases for verifiers, oldest submission first; filters as on the queue page."""
    cases = visible_cases(viewer)
    if state:
        cases = cases.filter(state=state)
    if assigned == "mine":
        cases = cases.filter(verifier=viewer)
    elif assigned == "unassigned":
        cases = cases.filter(verifier__isnull=True)
    cases = each_word(
        cases,
        query,
        "number",
        "user__document_number",
        "user__given_names",
        "user__first_surname",
        "user__second_surname",
        "user__email",
    )
    return cases.order_by("submitted_at", "created_at", "pk")


def state_counts() -> dict[str, int]:
    counts = dict(
        UpdateCase.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in CaseState.values}


@dataclass
class SubmittedItem:
    section: str
    entry_id: int | None
    label: str
    document: dict[str, Any] | None
    documents: list[dict[str, Any]] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)


@dataclass
class SubmittedSection:
    key: str
    title: str
    items: list[SubmittedItem]


def _choice(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value or "")


def _period(entry: dict[str, Any]) -> str:
    end = entry.get("end_date") or _("actual")
    return f"{entry.get('start_date')} – {end}"


def _label(section: str, entry: dict[str, Any]) -> str:
    institution = (entry.get("institution") or {}).get("name", "")
    if section == "education":
        program = (entry.get("program") or {}).get("name") or entry.get("title_obtained", "")
        return f"{_choice(EducationLevel, entry.get('level'))}: {program} — {institution}"
    if section == "informal_education":
        return f"{entry.get('name')} — {entry.get('institution_name')} ({entry.get('hours')} h)"
    if section == "experience":
        kind = _choice(ExperienceKind, entry.get("kind"))
        return f"{entry.get('role')} — {entry.get('institution_name')}, {_period(entry)} ({kind})"
    if section == "memberships":
        return str(entry.get("society", ""))
    if section == "products":
        kind = _choice(ProductKind, entry.get("kind"))
        return f"{kind}: {entry.get('title')} ({entry.get('year')})"
    if section == "quality_processes":
        kind = _choice(QualityProcessKind, entry.get("kind"))
        return f"{kind}: {entry.get('institution_name')} ({entry.get('year')})"
    if section == "other_documents":
        number = entry.get("number")
        kind = _choice(OtherDocumentKind, entry.get("kind"))
        return f"{kind} {number}" if number else kind
    return str(entry.get("id"))


def _documents(entry: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": name, **value}
        for name, value in entry.items()
        if isinstance(value, dict) and "sha256" in value
    ]


def submitted_sections(case: UpdateCase) -> list[SubmittedSection]:
    """The submitted snapshot, item by item, with this review's observations attached."""
    snapshot = case.snapshot or {}
    observations: dict[tuple[str, int | None], list[Observation]] = {}
    for observation in case.observations.filter(round=case.round):
        observations.setdefault((observation.section, observation.entry_id), []).append(observation)
    person = snapshot.get("person") or {}
    profile = snapshot.get("profile") or {}
    personal = SubmittedItem(
        "profile",
        None,
        _("Datos personales y documentos de identificación: %(name)s, %(doc)s %(number)s")
        % {
            "name": " ".join(
                filter(
                    None,
                    [
                        person.get("given_names"),
                        person.get("first_surname"),
                        person.get("second_surname"),
                    ],
                )
            ),
            "doc": person.get("document_type", ""),
            "number": person.get("document_number", ""),
        },
        None,
        _documents(profile),
        observations.get(("profile", None), []),
    )
    sections = [SubmittedSection("profile", _("Datos personales"), [personal])]
    for key, section in SECTIONS_BY_KEY.items():
        items = [
            SubmittedItem(
                key,
                entry.get("id"),
                _label(key, entry),
                entry.get("document"),
                _documents(entry),
                observations.get((key, entry.get("id")), []),
            )
            for entry in snapshot.get(key, [])
        ]
        sections.append(SubmittedSection(key, str(section.title), items))
    return sections


def snapshot_document_ids(case: UpdateCase) -> set[int]:
    """Every document id the submitted snapshot refers to (the verifier may open these)."""
    ids: set[int] = set()
    for section in submitted_sections(case):
        for item in section.items:
            ids.update(int(document["id"]) for document in item.documents)
    return ids
