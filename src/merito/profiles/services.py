"""Writes to the profile. Every write is atomic, owner-checked and audited.

Other contexts may freeze a profile (a case under Verificación, a submitted inscription):
they register a lock checker at app ready, so this app never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from merito.audit.services import audit_record
from merito.documents.models import Document, DocumentKind
from merito.documents.services import document_upload
from merito.errors import DomainError
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
from merito.profiles.selectors import entry_data
from merito.profiles.validators import normalize_phone

# Which kind of document each upload slot stores (the kind sets its size limit).
DOCUMENT_KINDS: dict[type[models.Model], dict[str, str]] = {
    Profile: {
        "disability_document": DocumentKind.DISABILITY,
        "rut_document": DocumentKind.RUT,
        "professional_card_document": DocumentKind.PROFESSIONAL_CARD,
        "disciplinary_record_document": DocumentKind.DISCIPLINARY_RECORD,
        "arl_document": DocumentKind.ARL,
    },
    Education: {
        "document": DocumentKind.DIPLOMA,
        "convalidation_document": DocumentKind.CONVALIDATION,
    },
    InformalEducation: {"document": DocumentKind.DIPLOMA},
    Experience: {"document": DocumentKind.WORK_CERTIFICATE},
    Membership: {"document": DocumentKind.OTHER},
    Product: {"document": DocumentKind.OTHER},
    QualityProcess: {"document": DocumentKind.WORK_CERTIFICATE},
    OtherDocument: {"document": DocumentKind.OTHER},
}

_OTHER_DOCUMENT_KINDS = {
    OtherDocumentKind.IDENTITY: DocumentKind.IDENTITY,
    OtherDocumentKind.MILITARY_CARD: DocumentKind.MILITARY_CARD,
    OtherDocumentKind.PROFESSIONAL_CARD: DocumentKind.PROFESSIONAL_CARD,
    OtherDocumentKind.COMMITMENT_LETTER: DocumentKind.COMMITMENT_LETTER,
}

LockChecker = Callable[[Any], "str | None"]
_lock_checkers: list[LockChecker] = []


NotesProvider = Callable[[Any], dict[tuple[str, int | None], list[str]]]
_notes_providers: list[NotesProvider] = []


def register_entry_notes(provider: NotesProvider) -> None:
    """Let another context show notes beside entries (a verifier's observations):
    ``provider(user)`` maps ``(section key, entry id)`` to Spanish sentences."""
    if provider not in _notes_providers:
        _notes_providers.append(provider)


def entry_notes(user: Any) -> dict[tuple[str, int | None], list[str]]:
    notes: dict[tuple[str, int | None], list[str]] = {}
    for provider in _notes_providers:
        for key, lines in provider(user).items():
            notes.setdefault(key, []).extend(lines)
    return notes


def register_profile_lock(checker: LockChecker) -> None:
    """Let another context freeze profiles: ``checker(user)`` returns a Spanish reason or None."""
    if checker not in _lock_checkers:
        _lock_checkers.append(checker)


def unregister_profile_lock(checker: LockChecker) -> None:
    if checker in _lock_checkers:
        _lock_checkers.remove(checker)


def profile_is_locked(user: Any) -> str | None:
    """The reason the person may not edit the profile now, or ``None`` when they may."""
    for checker in _lock_checkers:
        reason = checker(user)
        if reason:
            return str(reason)
    return None


def _check_unlocked(user: Any) -> None:
    reason = profile_is_locked(user)
    if reason:
        raise DomainError(reason, code="locked")


def profile_get_or_create(*, user: Any) -> Profile:
    """The person's profile, created empty on first use."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def _owner_id(obj: models.Model) -> int:
    if isinstance(obj, Profile):
        return int(obj.user_id)
    return int(obj.profile.user_id)  # type: ignore[attr-defined]


def _check_documents_owned(user: Any, obj: models.Model) -> None:
    for field in DOCUMENT_KINDS[type(obj)]:
        document_id = getattr(obj, f"{field}_id")
        if document_id and not Document.objects.filter(pk=document_id, owner=user).exists():
            raise DomainError(
                _("Soporte en PDF: solo puede adjuntar sus propios documentos."),
                field=field,
                code="foreign_document",
            )


def _upload_kind(obj: models.Model, field: str) -> str:
    if isinstance(obj, OtherDocument):
        return _OTHER_DOCUMENT_KINDS.get(obj.kind, DocumentKind.OTHER)  # type: ignore[call-overload]
    return DOCUMENT_KINDS[type(obj)][field]


def _save(*, user: Any, obj: models.Model, uploads: Mapping[str, Any] | None) -> None:
    _check_unlocked(user)
    with transaction.atomic():
        if not isinstance(obj, Profile) and obj.profile_id is None:  # type: ignore[attr-defined]
            obj.profile = profile_get_or_create(user=user)  # type: ignore[attr-defined]
        if _owner_id(obj) != user.pk:
            raise DomainError(_("Solo puede modificar su propia hoja de vida."), code="not_owner")
        before = None
        if obj.pk:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = entry_data(stored) if stored is not None else None
        for field, uploaded in (uploads or {}).items():
            if uploaded is None:
                continue
            if field not in DOCUMENT_KINDS[type(obj)]:
                raise ValueError(f"{type(obj).__name__} has no document slot {field!r}")
            try:
                document = document_upload(
                    owner=user, kind=_upload_kind(obj, field), uploaded_file=uploaded, by=user
                )
            except DomainError as exc:
                exc.field = f"{field}_file"
                raise
            setattr(obj, field, document)
        _check_documents_owned(user, obj)
        obj.full_clean(exclude=["profile", "user"])
        created = obj.pk is None
        obj.save()
        label = obj._meta.model_name
        audit_record(
            action=f"profiles.{label}.{'created' if created else 'updated'}",
            actor=user,
            obj=obj,
            before=before,
            after=entry_data(obj),
        )


def profile_update(
    *,
    user: Any,
    profile: Profile,
    uploads: Mapping[str, Any] | None = None,
    phone: str | None = None,
) -> Profile:
    """Save personal data and profile-wide documents; ``uploads`` maps slots to new PDFs.

    ``phone`` (when given) updates the account's main phone in the same transaction.
    All or nothing: a refused upload or a failed rule leaves the stored profile untouched.
    """
    with transaction.atomic():
        if phone is not None and phone != user.phone:
            _check_unlocked(user)
            try:
                label = _("Teléfono celular")
                user.phone = normalize_phone(phone, profile.country, label=label) if phone else ""
            except ValidationError as exc:
                raise ValidationError({"phone": exc.messages}) from exc
            user.save(update_fields=["phone"])
        _save(user=user, obj=profile, uploads=uploads)
    return profile


def profile_entry_save(
    *, user: Any, entry: models.Model, uploads: Mapping[str, Any] | None = None
) -> models.Model:
    """Create or update one entry (a title, an experience line…) with its supporting PDF.

    An entry without a profile goes to ``user``'s profile, created on first use.

    ``uploads`` maps a document slot (``"document"``, ``"convalidation_document"``) to an
    uploaded file, stored through ``documents.document_upload`` in the same transaction.
    Raises ``ValidationError`` (field rules) or ``DomainError`` (upload, lock, ownership).
    """
    _save(user=user, obj=entry, uploads=uploads)
    return entry


def education_save(
    *,
    user: Any,
    entry: Education,
    uploads: Mapping[str, Any] | None = None,
    other_institution: Mapping[str, str] | None = None,
    other_program: str = "",
) -> Education:
    """Save a title; "Otro" proposes an institution and/or program for staff review."""
    with transaction.atomic():
        if other_institution:
            entry.institution = institution_propose(user=user, **other_institution)
        if other_program:
            if entry.institution_id is None:
                raise ValidationError(
                    {"institution": _("Institución: elija o proponga la institución del programa.")}
                )
            entry.program = program_propose(
                user=user, institution=entry.institution, name=other_program, level=entry.level
            )
        _save(user=user, obj=entry, uploads=uploads)
    return entry


def profile_entry_delete(*, user: Any, entry: models.Model) -> None:
    """Remove an entry; its documents stay in the person's documents (never deleted)."""
    if _owner_id(entry) != user.pk:
        raise DomainError(_("Solo puede modificar su propia hoja de vida."), code="not_owner")
    _check_unlocked(user)
    with transaction.atomic():
        before = entry_data(entry)
        audit_record(
            action=f"profiles.{entry._meta.model_name}.deleted",
            actor=user,
            obj=entry,
            before=before,
        )
        entry.delete()


def institution_propose(
    *, user: Any, name: str, country: str, city: str = "", original_name: str = ""
) -> Institution:
    """An institution missing from the catalogue, held as "propuesta" until staff review it."""
    name = " ".join((name or "").split())
    country = (country or "").strip().upper()
    errors = {}
    if not name:
        errors["other_institution_name"] = _("Nombre de la institución: es obligatorio con «Otro».")
    if len(country) != 2 or not country.isalpha():
        errors["other_institution_country"] = _(
            "País de la institución: escriba el código ISO de dos letras (CO, PE, ES…)."
        )
    if errors:
        raise ValidationError(errors)
    institution = Institution.objects.create(
        name=name,
        original_name=original_name or "",
        country=country,
        city=city or "",
        is_foreign=country not in {"CO"},
        state=CatalogueState.PROPOSED,
        proposed_by=user,
    )
    audit_record(action="profiles.institution.proposed", actor=user, obj=institution)
    return institution


def program_propose(*, user: Any, institution: Institution, name: str, level: str = "") -> Program:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(
            {"other_program": _("Nombre del programa: es obligatorio con «Otro».")}
        )
    program = Program.objects.create(
        institution=institution,
        name=name,
        level=level or "",
        state=CatalogueState.PROPOSED,
        proposed_by=user,
    )
    audit_record(action="profiles.program.proposed", actor=user, obj=program)
    return program
