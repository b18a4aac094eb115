"""Reads of profiles. Every entry read is scoped to its owner."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from merito.documents.models import Document
from merito.profiles.models import (
    CatalogueState,
    Education,
    Experience,
    InformalEducation,
    Institution,
    Membership,
    OtherDocument,
    OtherDocumentKind,
    Product,
    Profile,
    Program,
    QualityProcess,
)
from merito.profiles.validators import search_key

SNAPSHOT_VERSION = 1

# Snapshot list name → model, in the order a reader meets them.
ENTRY_MODELS: dict[str, type[models.Model]] = {
    "education": Education,
    "informal_education": InformalEducation,
    "experience": Experience,
    "memberships": Membership,
    "products": Product,
    "quality_processes": QualityProcess,
    "other_documents": OtherDocument,
}

_SKIPPED_FIELDS = {"profile", "user", "created_at", "updated_at"}


def profile_get(*, user: Any) -> Profile | None:
    return Profile.objects.filter(user=user).first()


def entry_list(*, user: Any, model: type[models.Model]) -> QuerySet[Any]:
    """The person's entries of one section, in the model's order."""
    return model.objects.filter(profile__user=user).select_related(  # type: ignore[attr-defined]
        *[f.name for f in model._meta.concrete_fields if f.many_to_one and f.name != "profile"]
    )


def entry_get(*, user: Any, model: type[models.Model], pk: int) -> Any:
    """One of the person's entries; ``None`` for anybody else's (the view answers 404)."""
    return entry_list(user=user, model=model).filter(pk=pk).first()


def institution_search(*, query: str = "", limit: int = 30) -> QuerySet[Institution]:
    """Active institutions whose name (either language), city or SNIES code matches.

    Accent- and case-insensitive on every database: both sides are normalized.
    """
    institutions = Institution.objects.filter(state=CatalogueState.ACTIVE)
    for word in search_key(query).split():
        institutions = institutions.filter(search_key__contains=word)
    return institutions[:limit]


def program_search(
    *, institution: Institution | None = None, query: str = "", limit: int = 100
) -> QuerySet[Program]:
    programs = Program.objects.filter(state=CatalogueState.ACTIVE)
    if institution is not None:
        programs = programs.filter(institution=institution)
    for word in search_key(query).split():
        programs = programs.filter(search_key__contains=word)
    return programs.select_related("institution")[:limit]


def institution_choices(*, query: str = "", include: Any = None) -> QuerySet[Institution]:
    """Options for an institution field: the search results plus the current choice."""
    ids = list(institution_search(query=query, limit=50).values_list("pk", flat=True))
    if include:
        ids.append(include)
    return Institution.objects.filter(pk__in=ids)


def program_choices(*, institution_id: Any = None, include: Any = None) -> QuerySet[Program]:
    programs = Program.objects.filter(state=CatalogueState.ACTIVE)
    if institution_id:
        programs = programs.filter(institution_id=institution_id)
    if include:
        programs = programs | Program.objects.filter(pk=include)
    return programs.select_related("institution")


def user_documents(*, user: Any) -> QuerySet[Document]:
    """Current versions of the person's documents, to pick one for an entry."""
    return Document.objects.filter(owner=user, replaced_by__isnull=True)


# --- Snapshot ---------------------------------------------------------------------------


def _document_ref(document: Document | None) -> dict[str, Any] | None:
    if document is None:
        return None
    return {"id": document.pk, "kind": document.kind, "sha256": document.sha256}


def _value(obj: models.Model, field: models.Field[Any, Any]) -> Any:
    if field.many_to_one:
        related = getattr(obj, field.name)
        if related is None:
            return None
        if isinstance(related, Document):
            return _document_ref(related)
        if isinstance(related, Institution):
            return {
                "id": related.pk,
                "name": related.name,
                "original_name": related.original_name,
                "country": related.country,
                "city": related.city,
                "snies_code": related.snies_code,
                "state": related.state,
            }
        if isinstance(related, Program):
            return {
                "id": related.pk,
                "name": related.name,
                "snies_code": related.snies_code,
                "state": related.state,
            }
        return related.pk
    value = getattr(obj, field.attname)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def entry_data(obj: models.Model) -> dict[str, Any]:
    """One row as JSON-ready data: ISO dates, decimal strings, documents by id and SHA-256."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIPPED_FIELDS:
            continue
        data["id" if field.primary_key else field.name] = _value(obj, field)
    return data


ProfileState = tuple[Profile | None, dict[str, list[Any]]]


def _joined(model: type[models.Model]) -> tuple[str, ...]:
    """The relations a snapshot reads of a row (documents, institution, program): joined."""
    return tuple(
        f.name for f in model._meta.concrete_fields if f.many_to_one and f.name != "profile"
    )


def _profile_state(user: Any) -> ProfileState:
    """The profile and every entry, each section read once (in its model's order).

    One query brings the profile, its documents and which sections have entries; then one
    per section that has entries, with their documents, institution and program joined.
    """
    profile = (
        Profile.objects.select_related(*_joined(Profile))
        .annotate(
            **{
                f"has_{model._meta.model_name}": Exists(
                    model._default_manager.filter(profile=OuterRef("pk"))
                )
                for model in ENTRY_MODELS.values()
            }
        )
        .filter(user=user)
        .first()
    )
    entries: dict[str, list[Any]] = {name: [] for name in ENTRY_MODELS}
    if profile is None:
        return None, entries
    profile.user = user
    for name, model in ENTRY_MODELS.items():
        if getattr(profile, f"has_{model._meta.model_name}"):
            entries[name] = list(
                model._default_manager.filter(profile=profile).select_related(*_joined(model))
            )
            for entry in entries[name]:
                entry.profile = profile
    return profile, entries


def profile_snapshot_and_missing(*, user: Any) -> tuple[dict[str, Any], list[Missing]]:
    """Both at once from one read of the profile (what a submission needs)."""
    state = _profile_state(user)
    return profile_snapshot(user=user, state=state), profile_missing(user=user, state=state)


def snapshot_sha256(snapshot: dict[str, Any]) -> str:
    """The SHA-256 of a snapshot's canonical JSON (sorted keys, no spaces): what a receipt
    shows and what proves, years later, which evidence an inscription or case was judged on."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def profile_snapshot(*, user: Any, state: ProfileState | None = None) -> dict[str, Any]:
    """The whole profile as stable, JSON-serialisable data, to freeze as evidence.

    The same profile always gives the same dict (keys sorted on dump, lists by id), so a
    snapshot's hash identifies the evidence an inscription or a case was judged on.
    """
    profile, entries = state or _profile_state(user)
    person = {
        "id": user.pk,
        "document_country": user.document_country,
        "document_type": user.document_type,
        "document_number": user.document_number,
        "given_names": user.given_names,
        "first_surname": user.first_surname,
        "second_surname": user.second_surname,
        "sex": user.sex,
        "email": user.email,
        "phone": user.phone,
    }
    snapshot: dict[str, Any] = {
        "version": SNAPSHOT_VERSION,
        "person": person,
        "profile": None,
    }
    for name in ENTRY_MODELS:
        snapshot[name] = [entry_data(row) for row in sorted(entries[name], key=lambda r: r.pk)]
    if profile is not None:
        snapshot["profile"] = entry_data(profile)
    return snapshot


# --- Completeness -----------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """One thing to do before the profile is complete: which section and what is missing."""

    section: str
    message: str


def profile_missing(*, user: Any, state: ProfileState | None = None) -> list[Missing]:
    """The checklist of what is missing, in the order of the profile's sections."""
    profile, entries = state or _profile_state(user)
    missing: list[Missing] = []

    def need(section: str, message: str) -> None:
        missing.append(Missing(section, message))

    if profile is None:
        profile = Profile(user=user)
    if not user.phone:
        need("personal", _("Teléfono celular de su cuenta."))
    if not profile.birth_date:
        need("personal", _("Fecha de nacimiento."))
    if not profile.ethnic_group:
        need("personal", _("Autorreconocimiento étnico (puede elegir «Sin autorreconocimiento»)."))
    if not (profile.address and profile.city):
        need("personal", _("Dirección, departamento y ciudad de residencia."))
    if profile.has_disability and not profile.disability_document_id:
        need("personal", _("Certificado de discapacidad en PDF."))
    if not profile.nit or not profile.rut_document_id:
        need("documents", _("NIT y RUT en PDF."))
    if not profile.arl_document_id:
        need(
            "documents",
            _("Certificado de ARL o, si no tiene ARL (pensionado o inactivo), carta firmada."),
        )
    if profile.professional_card_number and not profile.disciplinary_record_document_id:
        need(
            "documents", _("Certificado de antecedentes disciplinarios de su tarjeta profesional.")
        )
    educations = entries["education"] if profile.pk else []
    if not educations:
        need("education", _("Al menos un título de formación académica."))
    for education in educations:
        if not education.document_id:
            need("education", _("Diploma o acta de grado de «%(entry)s».") % {"entry": education})
        if education.convalidated and not education.convalidation_document_id:
            need(
                "education",
                _("Resolución de convalidación de «%(entry)s».") % {"entry": education},
            )
    for section, message in (
        ("informal_education", _("Certificado del curso «%(entry)s».")),
        ("experience", _("Certificación laboral de «%(entry)s».")),
        ("memberships", _("Soporte de la membresía en «%(entry)s».")),
        ("products", _("Soporte del producto «%(entry)s».")),
        ("quality_processes", _("Constancia del proceso «%(entry)s».")),
    ):
        if profile.pk:
            for entry in entries[section]:
                if not entry.document_id:
                    need(section, message % {"entry": entry})
    has_identity = profile.pk is not None and any(
        entry.kind == OtherDocumentKind.IDENTITY and entry.document_id
        for entry in entries["other_documents"]
    )
    if not has_identity:
        need("other_documents", _("Documento de identificación en PDF."))
    return missing


def section_counts(*, user: Any) -> dict[str, int]:
    return {
        name: entry_list(user=user, model=model).count() for name, model in ENTRY_MODELS.items()
    }
