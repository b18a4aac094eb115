"""The analyst's review of a folder, folio by folio (seed 004 §3.2.7).

A folio is one entry of the inscription's frozen hoja de vida (``Inscription.snapshot``):
its data is always read from the snapshot, and only the analyst's review is stored on
``Folio`` — Folio válido SI/NO, the observation (required when not valid) and, in a VA
test, the Sección (evaluation factor) the analyst classifies it in.

Scoring goes through ``folder_transition(action="score")``, the one way a folder changes
state; what the review adds (the VRM decision and its criterion, the VA total and the
engine's explanation) is written on the version that transition creates, in the same
transaction. Every edit names the folder version the analyst saw: saving a folio raises
it, so a page left open in another tab (or by a previous analyst) is told to reload.

Dates: an open period (current job) counts up to the inscription date — the day the
hoja de vida was frozen — and so does the VA evidence (``as_of``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from merito.audit.services import audit_record
from merito.calls.models import JobRequirement, RequirementKind, TestState, TestType
from merito.errors import DomainError
from merito.evaluation.distribution import folder_transition
from merito.evaluation.models import (
    SNAPSHOT_SECTIONS,
    Folder,
    FolderEvaluation,
    FolderState,
    Folio,
    FolioSection,
    FolioSource,
    VaSection,
    VrmDecision,
)
from merito.profiles.evidence import SIMO_LEVELS
from merito.profiles.models import (
    Dedication,
    EducationLevel,
    ExperienceKind,
    OtherDocumentKind,
    Periodicity,
    ProductKind,
    QualityProcessKind,
)
from merito.rubrics import Rubric, ScoreResult, load_rubric, score
from merito.rubrics.periods import completed_months, merge, total_months

DEFAULT_RUBRIC = "cnsc-bateria-2026"
VA_GROUP = "va"
VRM_REQUIREMENT = "vrm"
STALE = "Otra persona modificó esta carpeta; recargue"
EDITABLE_STATES = (FolderState.ASSIGNED, FolderState.RETURNED)

# The VRM decision and the kind of job requirement (criterion) it must mark.
DECISION_REQUIREMENT = {
    VrmDecision.MINIMUM: RequirementKind.MINIMUM,
    VrmDecision.ALTERNATIVE: RequirementKind.ALTERNATIVE,
    VrmDecision.EQUIVALENCE: RequirementKind.EQUIVALENCE,
}

# VA Sección of an experience folio → the ``type`` of the rubric's "experiencia" item.
EXPERIENCE_TYPES = {
    VaSection.LABOR: "laboral",
    VaSection.PROFESSIONAL: "profesional",
    VaSection.RELATED: "profesional_relacionada",
    # What the minimum of a job asks for: the engine's VRM consumes it, so the VA does
    # not score it again (the rubric's reading).
    VaSection.MINIMUM: "profesional_relacionada",
}


# --- reading the snapshot -----------------------------------------------------------------


def _yes(value: Any) -> str:
    return _("SI") if value else _("NO")


def _day(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _date_text(value: Any) -> str:
    return value or "—"


def _choice(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "—")


def _name(ref: Any) -> str:
    return str(ref.get("name") or "") if isinstance(ref, dict) else ""


def as_of(folder: Folder) -> datetime.date:
    """The day the hoja de vida was frozen: open periods count up to it."""
    return timezone.localdate(folder.inscription.submitted_at)


def entry_months(entry: dict[str, Any], cut: datetime.date) -> int:
    """Completed months of an experience entry by the period rule (both days count)."""
    start = _day(entry.get("start_date"))
    if start is None or start > cut:
        return 0
    end = _day(entry.get("end_date")) or cut
    return completed_months(start, min(end, cut))


def snapshot_entries(snapshot: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    entries: dict[tuple[str, int], dict[str, Any]] = {}
    for source in SNAPSHOT_SECTIONS:
        for entry in snapshot.get(source) or []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), int):
                entries[(source, entry["id"])] = entry
    return entries


def entry_label(source: str, entry: dict[str, Any]) -> str:
    """The seed's "Item": institution and program, company and post, or the document."""
    if source == FolioSource.EDUCATION:
        program = _name(entry.get("program")) or entry.get("title_obtained") or ""
        return f"{_name(entry.get('institution'))} — {program}".strip(" —")
    if source == FolioSource.INFORMAL_EDUCATION:
        return f"{entry.get('institution_name', '')} — {entry.get('name', '')}"
    if source == FolioSource.EXPERIENCE:
        return f"{entry.get('institution_name', '')} — {entry.get('role', '')}"
    if source == FolioSource.PRODUCTS:
        return f"{_choice(ProductKind, entry.get('kind'))}: {entry.get('title', '')}"
    if source == FolioSource.MEMBERSHIPS:
        return _("Membresía: %(s)s") % {"s": entry.get("society", "")}
    if source == FolioSource.QUALITY_PROCESSES:
        return f"{_choice(QualityProcessKind, entry.get('kind'))}: {entry.get('institution_name')}"
    number = entry.get("number") or ""
    return f"{_choice(OtherDocumentKind, entry.get('kind'))} {number}".strip()


def _other_program(entry: dict[str, Any]) -> bool:
    """ "Otro (programa e institución)": not (both) from the SNIES catalogue."""
    institution, program = entry.get("institution"), entry.get("program")
    if not isinstance(institution, dict) or not isinstance(program, dict):
        return True
    return institution.get("state") != "active" or program.get("state") != "active"


def entry_fields(source: str, entry: dict[str, Any], cut: datetime.date) -> list[tuple[str, str]]:
    """The seed's fields of a folio (§3.2.7.4–3.2.7.7), read from the snapshot."""
    if source == FolioSource.EDUCATION:
        fields = [
            (_("Nivel educación"), _choice(EducationLevel, entry.get("level"))),
            (_("Título extranjero"), _yes(entry.get("is_foreign"))),
        ]
        if entry.get("is_foreign"):
            fields.append((_("País de expedición"), entry.get("issuing_country") or "—"))
        fields += [
            (_("Graduado"), _yes(entry.get("graduated"))),
            (_("Institución"), _name(entry.get("institution")) or "—"),
            (_("Programa"), _name(entry.get("program")) or entry.get("title_obtained") or "—"),
            (_("Otro (programa e institución)"), _yes(_other_program(entry))),
        ]
        if entry.get("graduated"):
            fields.append((_("Fecha graduación"), _date_text(entry.get("graduation_date"))))
        else:
            fields += [
                (_("Periodicidad"), _choice(Periodicity, entry.get("periodicity"))),
                (_("Nivel alcanzado"), str(entry.get("level_reached") or "—")),
            ]
        if entry.get("convalidated"):
            fields.append(
                (_("Resolución de convalidación"), entry.get("convalidation_resolution") or "—")
            )
        return fields
    if source == FolioSource.INFORMAL_EDUCATION:
        return [
            (_("Nivel educación"), _("Educación informal")),
            (_("Institución"), entry.get("institution_name") or "—"),
            (_("Programa"), entry.get("name") or "—"),
            (_("Fecha de inicio"), _date_text(entry.get("start_date"))),
            (_("Fecha de terminación"), _date_text(entry.get("end_date"))),
            (_("Intensidad horaria"), _("%(h)s horas") % {"h": entry.get("hours", 0)}),
        ]
    if source == FolioSource.EXPERIENCE:
        hourly = entry.get("dedication") == Dedication.HOURLY
        fields = [
            (_("Experiencia docente (Cátedra)"), _yes(hourly)),
            (_("Empresa"), entry.get("institution_name") or "—"),
            (_("Cargo"), entry.get("role") or "—"),
            (_("Empleo actual"), _yes(not entry.get("end_date"))),
            (_("Jornada completa"), _yes(entry.get("dedication") == Dedication.FULL_TIME)),
            (_("Fecha ingreso"), _date_text(entry.get("start_date"))),
            (_("Fecha salida"), _date_text(entry.get("end_date"))),
        ]
        if hourly:
            fields.append(
                (_("Tiempo laborado (total de horas)"), str(entry.get("total_hours") or "—"))
            )
        fields += [
            (
                _("Fecha expedición de la certificación"),
                _date_text(entry.get("certificate_issued_on")),
            ),
            (_("Tipo de experiencia"), _choice(ExperienceKind, entry.get("kind"))),
            (_("Tiempo laborado (meses)"), str(entry_months(entry, cut))),
        ]
        return fields
    if source == FolioSource.PRODUCTS:
        return [
            (_("Tipo de producción"), _choice(ProductKind, entry.get("kind"))),
            (_("Título"), entry.get("title") or "—"),
            (_("Año"), str(entry.get("year") or "—")),
            (_("No. de Identificador"), entry.get("identifier") or "—"),
            (_("Cita bibliográfica"), entry.get("citation") or "—"),
        ]
    if source == FolioSource.MEMBERSHIPS:
        return [
            (_("Tipo de documento"), _("Membresía en sociedad académica o científica")),
            (_("Sociedad"), entry.get("society") or "—"),
            (_("Desde"), _date_text(entry.get("start_date"))),
            (_("Hasta"), _date_text(entry.get("end_date"))),
        ]
    if source == FolioSource.QUALITY_PROCESSES:
        return [
            (_("Tipo de documento"), _choice(QualityProcessKind, entry.get("kind"))),
            (_("Año"), str(entry.get("year") or "—")),
            (_("Institución"), entry.get("institution_name") or "—"),
        ]
    return [
        (_("Tipo de documento"), _choice(OtherDocumentKind, entry.get("kind"))),
        (_("Número"), entry.get("number") or "—"),
        (_("Fecha de expedición"), _date_text(entry.get("issued_on"))),
    ]


# --- folios ---------------------------------------------------------------------------------


def folios_ensure(folder: Folder) -> int:
    """Create the folios of the folder's snapshot that do not exist yet; how many were new."""
    existing = set(Folio.objects.filter(folder=folder).values_list("source", "entry_id"))
    new: list[Folio] = []
    for order, ((source, entry_id), entry) in enumerate(
        snapshot_entries(folder.inscription.snapshot or {}).items()
    ):
        if (source, entry_id) in existing:
            continue
        document = entry.get("document") if isinstance(entry.get("document"), dict) else None
        new.append(
            Folio(
                folder=folder,
                source=source,
                section=SNAPSHOT_SECTIONS[source],
                entry_id=entry_id,
                label=entry_label(source, entry)[:300],
                document_id=document.get("id") if document else None,
                document_sha256=(document.get("sha256") or "") if document else "",
                order=order,
            )
        )
    Folio.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@dataclass
class FolioView:
    """A folio with its snapshot entry, its seed fields and, for experience, its months."""

    folio: Folio
    entry: dict[str, Any]
    fields: list[tuple[str, str]]
    months: int | None = None
    form: Any = None
    pdf_url: str = ""


@dataclass
class SectionView:
    key: str
    label: str
    folios: list[FolioView] = field(default_factory=list)
    valid_months: int | None = None


def review_sections(folder: Folder, folios: Iterable[Folio] | None = None) -> list[SectionView]:
    """The folder's folios in the seed's four sections, each with its snapshot data."""
    entries = snapshot_entries(folder.inscription.snapshot or {})
    cut = as_of(folder)
    sections = {key: SectionView(key, str(label)) for key, label in FolioSection.choices}
    for folio in folios if folios is not None else folder.folios.all():
        entry = entries.get((folio.source, folio.entry_id), {})
        months = entry_months(entry, cut) if folio.source == FolioSource.EXPERIENCE else None
        view = FolioView(folio, entry, entry_fields(folio.source, entry, cut), months)
        sections[folio.section].folios.append(view)
    experience = sections[FolioSection.EXPERIENCE]
    experience.valid_months = valid_experience_months(experience.folios)
    return list(sections.values())


def valid_experience_months(folios: Iterable[FolioView]) -> int:
    """ "Total experiencia válida (meses)": the months of the valid folios, added up."""
    return sum(view.months or 0 for view in folios if view.folio.valid)


def _check_editable(folder: Folder, user: Any, expected_version: int) -> None:
    if folder.analyst_id is None or folder.analyst_id != getattr(user, "pk", None):
        raise PermissionDenied(
            _("La revisión de los folios corresponde al analista de la carpeta.")
        )
    if expected_version != folder.version:
        raise DomainError(_(STALE))
    test = folder.test
    if test.state != TestState.OPEN or test.published_at is not None:
        raise DomainError(_("La prueba está cerrada o publicada: sus carpetas no se modifican."))
    if folder.state not in EDITABLE_STATES:
        raise DomainError(
            _("Una carpeta en estado %(state)s no admite cambios en sus folios.")
            % {"state": folder.get_state_display()}
        )


def folio_save(
    *,
    folder: Folder,
    folio: Folio,
    user: Any,
    expected_version: int,
    valid: bool | None,
    observation: str,
    va_section: str = "",
) -> Folio:
    """Record the analyst's review of one folio; raises the folder's version.

    Folio válido SI/NO is required; the observation is required when the folio is not
    valid; in a VA test a valid folio needs its Sección. Nothing changes on refusal.
    """
    if folio.folder_id != folder.pk:
        raise DomainError(_("El folio no pertenece a esta carpeta."))
    _check_editable(folder, user, expected_version)
    observation = observation.strip()
    if valid is None:
        raise DomainError(_("Folio válido: elija SI o NO."), field="valid")
    if not valid and not observation:
        raise DomainError(
            _("Observaciones: es obligatoria si el folio no es válido."), field="observation"
        )
    if folder.test.test_type == TestType.VA:
        if va_section and va_section not in VaSection.values:
            raise DomainError(_("Sección: elija un valor de la lista."), field="va_section")
        if valid and not va_section:
            raise DomainError(_("Sección: elija la sección del folio válido."), field="va_section")
    else:
        va_section = ""
    now = timezone.now()
    before = {"valid": folio.valid, "observation": folio.observation, "va": folio.va_section}
    with transaction.atomic():
        updated = Folder.objects.filter(
            pk=folder.pk, version=expected_version, state=folder.state
        ).update(version=F("version") + 1, updated_at=now)
        if not updated:
            raise DomainError(_(STALE))
        Folio.objects.filter(pk=folio.pk).update(
            valid=valid,
            observation=observation,
            va_section=va_section,
            reviewed_by=user,
            reviewed_at=now,
        )
        audit_record(
            action="evaluation.folio.review",
            actor=user,
            obj=folio,
            before=before,
            after={"valid": valid, "observation": observation, "va": va_section},
        )
    folder.refresh_from_db()
    folio.refresh_from_db()
    return folio


def _require_reviewed(folder: Folder) -> list[Folio]:
    folios_ensure(folder)
    folios = list(folder.folios.all())
    pending = [f for f in folios if f.valid is None]
    if pending:
        raise DomainError(
            _("Revise todos los folios antes de calificar: faltan %(n)s.") % {"n": len(pending)}
        )
    return folios


def _folios_detail(folios: Iterable[Folio]) -> list[dict[str, Any]]:
    return [
        {
            "id": f.pk,
            "source": f.source,
            "entry_id": f.entry_id,
            "valid": f.valid,
            "observation": f.observation,
            "va_section": f.va_section,
        }
        for f in folios
    ]


# --- VRM ---------------------------------------------------------------------------------------


def job_requirements(folder: Folder) -> list[JobRequirement]:
    """The requirements of the inscription's job: minimum, alternatives, equivalences."""
    return list(JobRequirement.objects.filter(job__position_id=folder.inscription.position_id))


def folder_score_vrm(
    *,
    folder: Folder,
    user: Any,
    expected_version: int,
    decision: str,
    requirement_id: int | None,
    observation: str = "",
) -> Folder:
    """ "Calificar" a VRM folder: the decision, the criterion met, Aprobó = not "No cumple".

    Cumple por requisito mínimo / por alternativa / aplicando equivalencia must mark one
    requirement of the job of that kind (the seed's red star: only one criterion).
    """
    if folder.test.test_type != TestType.VRM:
        raise DomainError(_("La decisión de requisitos mínimos es de una prueba VRM."))
    if decision not in VrmDecision.values:
        raise DomainError(_("Decisión: elija una opción."), field="decision")
    requirement: JobRequirement | None = None
    if decision != VrmDecision.NOT_MET:
        kind = DECISION_REQUIREMENT[VrmDecision(decision)]
        candidates = [r for r in job_requirements(folder) if r.kind == kind]
        if not candidates:
            raise DomainError(
                _("El empleo no tiene registrado ningún criterio de tipo %(k)s.")
                % {"k": kind.label},
                field="requirement",
            )
        requirement = next((r for r in candidates if r.pk == requirement_id), None)
        if requirement is None:
            raise DomainError(
                _("Criterio cumplido: marque el criterio de tipo %(k)s que cumple el aspirante.")
                % {"k": kind.label},
                field="requirement",
            )
    with transaction.atomic():
        locked = Folder.objects.select_for_update().select_related("test").get(pk=folder.pk)
        _check_editable(locked, user, expected_version)
        folios = _require_reviewed(locked)
        months = valid_experience_months(
            view for section in review_sections(locked, folios) for view in section.folios
        )
        scored = folder_transition(
            folder=locked,
            action="score",
            user=user,
            expected_version=expected_version,
            reason=observation,
            passed=decision != VrmDecision.NOT_MET,
        )
        FolderEvaluation.objects.filter(folder=scored, is_current=True).update(
            decision=str(VrmDecision(decision).label),
            requirement=requirement,
            detail={
                "vrm": {
                    "decision": decision,
                    "requirement": requirement.pk if requirement else None,
                    "valid_experience_months": months,
                },
                "folios": _folios_detail(folios),
            },
        )
    return scored


# --- VA ---------------------------------------------------------------------------------------


@dataclass
class FactorRow:
    """One line of "Revisión VA": a factor with its figures from the engine."""

    id: str
    label: str
    rating: Decimal | None
    percent: Decimal | None
    quantity: str
    result: Decimal | None
    raw: Decimal | None = None
    notes: tuple[str, ...] = ()


@dataclass
class FolioRow:
    """A folio under a factor: ID, Item, Estado, Puntaje."""

    factor: str
    folio_id: int
    item: str
    state: str
    points: Decimal | None


@dataclass
class VaReview:
    rubric_id: str
    evidence: dict[str, Any]
    result: ScoreResult
    total: Decimal
    factors: list[FactorRow]
    rows: list[FolioRow]


def rubric_for(folder: Folder) -> Rubric:
    rubric_id = folder.test.process.call.rubric_id or DEFAULT_RUBRIC
    return load_rubric(rubric_id)


def _item_id(folio: Folio) -> str:
    return f"folio-{folio.pk}"


def va_evidence(
    folder: Folder, folios: Iterable[Folio], rubric: Rubric
) -> tuple[dict[str, Any], dict[str, Folio], list[tuple[Folio, str]]]:
    """The valid folios as the rubric's evidence; with the folios left out and why.

    Educación Formal → ``educacion_formal`` by level; Educación Informal → hours;
    Experiencia Laboral / Profesional / Profesional Relacionada → ``experiencia`` of that
    type with the snapshot's dates; Requisito Mínimo → what the job's minimum asks for, so
    the engine's VRM consumes it and the VA does not score it twice. No Aplica, invalid
    folios and Secciones the rubric has no kind for are left out.
    """
    entries = snapshot_entries(folder.inscription.snapshot or {})
    kinds = set(rubric.kinds)
    items: list[dict[str, Any]] = []
    by_item: dict[str, Folio] = {}
    left_out: list[tuple[Folio, str]] = []
    for folio in folios:
        if not folio.valid:
            continue
        section, entry = folio.va_section, entries.get((folio.source, folio.entry_id), {})
        item: dict[str, Any] | None = None
        reason = _("La sección %(s)s no corresponde a este tipo de folio.") % {
            "s": VaSection(section).label if section else "—"
        }
        if section in (VaSection.NOT_APPLICABLE, ""):
            reason = _("Sección No Aplica: no puntúa.")
        elif folio.source == FolioSource.EDUCATION and section in (
            VaSection.FORMAL,
            VaSection.MINIMUM,
        ):
            level = SIMO_LEVELS.get(entry.get("level") or "")  # type: ignore[arg-type]
            if level is None:
                reason = _("El nivel de educación no tiene puntaje en la rúbrica.")
            else:
                item = {
                    "kind": "educacion_formal",
                    "level": level,
                    "graduated": bool(entry.get("graduated")),
                }
        elif folio.source == FolioSource.INFORMAL_EDUCATION and section == VaSection.INFORMAL:
            item = {"kind": "educacion_informal", "hours": int(entry.get("hours") or 0)}
            if entry.get("end_date"):
                item["date"] = entry["end_date"]
        elif folio.source == FolioSource.EXPERIENCE and section in EXPERIENCE_TYPES:
            if not entry.get("start_date"):
                reason = _("El folio no tiene fecha de ingreso.")
            else:
                item = {
                    "kind": "experiencia",
                    "type": EXPERIENCE_TYPES[VaSection(section)],
                    "start": entry["start_date"],
                    "end": entry.get("end_date") or None,
                }
        elif section == VaSection.ETDH:
            reason = _(
                "La rúbrica no tiene factor de Educación para el Trabajo y Desarrollo Humano."
            )
        if item is not None and item["kind"] not in kinds:
            reason, item = _("La rúbrica no tiene factor para este folio."), None
        if item is None:
            left_out.append((folio, reason))
            continue
        item_id = _item_id(folio)
        items.append({"id": item_id, **item})
        by_item[item_id] = folio
    evidence = {
        "applicant_id": str(folder.inscription_id),
        "as_of": as_of(folder).isoformat(),
        "items": items,
    }
    return evidence, by_item, left_out


def _quantity(criterion: Any, evidence: dict[str, Any], cut: datetime.date) -> str:
    used = {use.item for use in criterion.used}
    items = [item for item in evidence["items"] if item["id"] in used]
    if items and all("start" in item for item in items):
        periods = [
            (
                datetime.date.fromisoformat(i["start"]),
                min(datetime.date.fromisoformat(i["end"]) if i["end"] else cut, cut),
            )
            for i in items
        ]
        return _("%(n)s meses") % {"n": total_months(merge(periods))}
    if items and all("hours" in item for item in items):
        hours = sum(int(i["hours"]) for i in items)
        return _("%(n)s curso(s) (%(h)s horas)") % {"n": len(items), "h": hours}
    return _("%(n)s folio(s)") % {"n": len(items)}


def va_review(folder: Folder, folios: Iterable[Folio] | None = None) -> VaReview:
    """Score the valid folios with the rubric and lay out "Revisión VA" from its result.

    Nothing here is typed by hand: Calificación is the engine's capped points of each
    factor, Porcentaje its weight, Resultado the engine's result, Total the VA group's
    points (the sum of the results, capped).
    """
    folio_list = list(folios if folios is not None else folder.folios.all())
    rubric = rubric_for(folder)
    evidence, by_item, left_out = va_evidence(folder, folio_list, rubric)
    result = score(rubric, evidence)
    group = next((g for g in result.groups if g.id == VA_GROUP), None)
    if group is None:
        raise DomainError(
            _("La rúbrica %(r)s no tiene el grupo de Valoración de Antecedentes (va).")
            % {"r": rubric.id}
        )
    cut = as_of(folder)
    factors: list[FactorRow] = []
    rows: list[FolioRow] = []

    def folio_of(item: str) -> Folio | None:
        return by_item.get(item)

    requirement = next((r for r in result.requirements if r.id == VRM_REQUIREMENT), None)
    if requirement is not None:
        factors.append(
            FactorRow(
                VRM_REQUIREMENT,
                str(VaSection.MINIMUM.label),
                None,
                None,
                _("%(n)s folio(s)") % {"n": len(requirement.used)},
                None,
                notes=(requirement.reason,) if requirement.failed else (),
            )
        )
        for use in requirement.used:
            if (f := folio_of(use.item)) is not None:
                rows.append(FolioRow(VRM_REQUIREMENT, f.pk, f.label, use.note, None))
    for criterion in group.criteria:
        factors.append(
            FactorRow(
                criterion.id,
                criterion.label,
                criterion.points,
                criterion.weight,
                _quantity(criterion, evidence, cut),
                criterion.result,
                raw=criterion.raw,
                notes=criterion.notes,
            )
        )
        for use in criterion.used:
            if (f := folio_of(use.item)) is not None:
                state = use.note or _("Válido: puntúa")
                rows.append(FolioRow(criterion.id, f.pk, f.label, state, use.points))
        for rejection in criterion.rejected:
            if (f := folio_of(rejection.item)) is not None:
                rows.append(FolioRow(criterion.id, f.pk, f.label, rejection.reason, Decimal("0")))
    for folio, reason in left_out:
        rows.append(FolioRow("", folio.pk, folio.label, reason, None))
    return VaReview(rubric.id, evidence, result, group.points, factors, rows)


def folder_score_va(
    *, folder: Folder, user: Any, expected_version: int, observation: str = ""
) -> Folder:
    """ "Calificar" a VA folder: the engine scores the valid folios; the total is stored.

    Aprobó is always SI for a VA: the Valoración de Antecedentes is clasificatoria — it
    orders applicants and never eliminates one — so ``passed=True`` is what the
    transition records; the score (the VA total) is what the version carries.
    """
    if folder.test.test_type != TestType.VA:
        raise DomainError(_("La Revisión VA es de una prueba de Valoración de Antecedentes."))
    with transaction.atomic():
        locked = Folder.objects.select_for_update().select_related("test").get(pk=folder.pk)
        _check_editable(locked, user, expected_version)
        folios = _require_reviewed(locked)
        review = va_review(locked, folios)
        scored = folder_transition(
            folder=locked,
            action="score",
            user=user,
            expected_version=expected_version,
            reason=observation,
            passed=True,
        )
        FolderEvaluation.objects.filter(folder=scored, is_current=True).update(
            score=review.total,
            decision=_("Valoración de Antecedentes"),
            detail={
                "va": {
                    "rubric": review.rubric_id,
                    "evidence": review.evidence,
                    "result": review.result.to_dict(),
                    "total": str(review.total),
                },
                "folios": _folios_detail(folios),
            },
        )
    return scored
