"""The hoja de vida as evidence for the scoring engine (``merito.rubrics``).

Each supported rubric has a mapper from the person's profile entries to the evidence
document that rubric declares (``docs/rubrics.md``). The result feeds the points preview
a peer sees before applying; the official score comes after a verifier checks the PDFs.
Item ids are ``<section>-<pk>``; :class:`ProfileEvidence` keeps a readable description of
each so the preview never shows a bare id.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from merito.profiles.models import (
    Dedication,
    Education,
    EducationLevel,
    Experience,
    ExperienceKind,
    InformalEducation,
    KnowledgeArea,
    Membership,
    Product,
    QualityProcess,
    QualityProcessKind,
)

# The names seed 002 uses for SNIES areas (never translated: the rubric compares them).
AREA_NAMES = {
    KnowledgeArea.AGRONOMY: "Agronomía, Veterinaria y Afines",
    KnowledgeArea.FINE_ARTS: "Bellas Artes",
    KnowledgeArea.EDUCATION: "Ciencias de la Educación",
    KnowledgeArea.HEALTH: "Ciencias de la Salud",
    KnowledgeArea.SOCIAL: "Ciencias Sociales y Humanas",
    KnowledgeArea.ECONOMICS: "Economía, Administración, Contaduría y Afines",
    KnowledgeArea.ENGINEERING: "Ingeniería, Arquitectura, Urbanismo y Afines",
    KnowledgeArea.SCIENCES: "Matemáticas y Ciencias Naturales",
}

DEDICATIONS = {
    Dedication.FULL_TIME: "tiempo_completo",
    Dedication.HALF_TIME: "medio_tiempo",
    Dedication.HOURLY: "catedra",
}


@dataclass
class ProfileEvidence:
    """An evidence document and, per item id, what the person would recognise."""

    document: dict[str, Any]
    descriptions: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    """Entries the rubric has no place for, described for the person."""

    def add(self, item_id: str, description: str, **fields: Any) -> None:
        self.document["items"].append({"id": item_id, **fields})
        self.descriptions[item_id] = description


def _education(user: Any) -> list[Education]:
    return list(
        Education.objects.filter(profile__user=user).select_related("institution", "program")
    )


def _describe_education(entry: Education) -> str:
    name = entry.program.name if entry.program else entry.title_obtained
    return f"{entry.get_level_display()}: {name} — {entry.institution.name}"


def _describe_experience(entry: Experience) -> str:
    end = entry.end_date.isoformat() if entry.end_date else "actual"
    return f"{entry.role} — {entry.institution_name} ({entry.start_date.isoformat()} a {end})"


def _period(entry: Experience) -> dict[str, Any]:
    return {
        "start": entry.start_date.isoformat(),
        "end": entry.end_date.isoformat() if entry.end_date else None,
    }


CONACES_LEVELS = {
    EducationLevel.DOCTORATE: "doctorado",
    EducationLevel.MASTERS: "maestria",
    EducationLevel.SPECIALIZATION: "especializacion",
    EducationLevel.UNDERGRADUATE: "pregrado",
}
CONACES_EXPERIENCE = {
    ExperienceKind.HIGHER_EDUCATION_TEACHING: ("docencia_superior", None),
    ExperienceKind.ACADEMIC_DIRECTION: ("direccion_academica", None),
    ExperienceKind.PUBLIC_DIRECTIVE_NATIONAL: ("directivo_publico", "nacional"),
    ExperienceKind.PUBLIC_DIRECTIVE_TERRITORIAL: ("directivo_publico", "territorial"),
    ExperienceKind.PROFESSIONAL: ("profesional", None),
    ExperienceKind.RELATED_PROFESSIONAL: ("profesional", None),
    ExperienceKind.OTHER: ("otra", None),
}
CONACES_PRODUCTS = {
    "mc_book": "libro",
    "mc_chapter": "capitulo",
    "mc_article": "articulo",
    "mc_article_d": "articulo_d",
    "mc_note": "nota",
    "mc_patent": "patente",
    "mc_art": "obra_arte",
    "mc_design": "diseno_industrial",
    "mc_thesis": "tesis_doctoral",
    "mc_rd_project": "proyecto_id",
    "mc_creation_project": "proyecto_creacion",
}
CONACES_ACCREDITATION = {
    QualityProcessKind.PROGRAM_ACCREDITATION: "programa_nacional",
    QualityProcessKind.INSTITUTIONAL_ACCREDITATION: "institucional_nacional",
    QualityProcessKind.INTERNATIONAL_ACCREDITATION: "internacional",
}
CONACES_EVALUATION = {
    QualityProcessKind.QUALIFIED_REGISTRY_VISIT: "registro_calificado",
    QualityProcessKind.PROGRAM_ACCREDITATION_VISIT: "acreditacion_programa",
    QualityProcessKind.INSTITUTIONAL_ACCREDITATION_VISIT: "acreditacion_institucional",
    QualityProcessKind.CONACES_ROOM: "sala_conaces",
}


def conaces_evidence(user: Any, as_of: datetime.date) -> ProfileEvidence:
    """Seed 002 annex: titles, experience, societies, products, quality processes."""
    out = ProfileEvidence({"applicant_id": str(user.pk), "as_of": as_of.isoformat(), "items": []})
    for entry in _education(user):
        level = CONACES_LEVELS.get(entry.level)  # type: ignore[call-overload]
        if level is None or not entry.graduated:
            out.skipped.append(_describe_education(entry))
            continue
        fields: dict[str, Any] = {
            "kind": "titulo",
            "level": level,
            "foreign": entry.is_foreign,
            "convalidated": bool(entry.convalidated),
        }
        if entry.knowledge_area:
            fields["area"] = AREA_NAMES[KnowledgeArea(entry.knowledge_area)]
        if entry.graduation_date:
            fields["date"] = entry.graduation_date.isoformat()
        out.add(f"formacion-{entry.pk}", _describe_education(entry), **fields)
    for exp in Experience.objects.filter(profile__user=user):
        category, level = CONACES_EXPERIENCE[ExperienceKind(exp.kind)]
        fields = {
            "kind": "experiencia",
            "category": category,
            "dedication": DEDICATIONS[Dedication(exp.dedication)],
            "learning_outcomes": exp.learning_outcomes_system,
            "higher_education_public_post": exp.higher_education_public_post,
            "public_hei_director": exp.public_hei_director,
            **_period(exp),
        }
        if level:
            fields["level"] = level
        out.add(f"experiencia-{exp.pk}", _describe_experience(exp), **fields)
    for membership in Membership.objects.filter(profile__user=user):
        out.add(f"sociedad-{membership.pk}", membership.society, kind="sociedad")
    for product in Product.objects.filter(profile__user=user):
        kind = CONACES_PRODUCTS.get(product.kind, "otro")
        description = f"{product.get_kind_display()}: {product.title} ({product.year})"
        out.add(
            f"produccion-{product.pk}",
            description,
            kind="producto",
            type=kind,
            cvlac=bool(product.cvlac_url),
        )
    for process in QualityProcess.objects.filter(profile__user=user):
        description = f"{process.get_kind_display()}: {process.institution_name} ({process.year})"
        accreditation = CONACES_ACCREDITATION.get(process.kind)  # type: ignore[call-overload]
        if accreditation:
            # The profile records the year only: the process counts at the end of that year
            # (or the cut date, if earlier) — the most recent reading of the year.
            when = min(datetime.date(process.year, 12, 31), as_of)
            out.add(
                f"procesos-calidad-{process.pk}",
                description,
                kind="proceso_acreditacion",
                type=accreditation,
                date=when.isoformat(),
            )
        else:
            out.add(
                f"procesos-calidad-{process.pk}",
                description,
                kind="evaluacion_calidad",
                type=CONACES_EVALUATION[QualityProcessKind(process.kind)],
                year=process.year,
            )
    return out


SIMO_LEVELS = {
    EducationLevel.SECONDARY: "bachiller",
    EducationLevel.TECHNICAL: "tecnico",
    EducationLevel.TECHNOLOGICAL: "tecnologo",
    EducationLevel.UNDERGRADUATE: "profesional",
    EducationLevel.SPECIALIZATION: "especializacion",
    EducationLevel.MASTERS: "maestria",
    EducationLevel.DOCTORATE: "doctorado",
}
SIMO_EXPERIENCE = {
    ExperienceKind.RELATED_PROFESSIONAL: "profesional_relacionada",
    ExperienceKind.OTHER: "laboral",
}


def simo_evidence(user: Any, as_of: datetime.date) -> ProfileEvidence:
    """Seed 004 VRM/VA: formal and informal education, experience by kind."""
    out = ProfileEvidence({"applicant_id": str(user.pk), "as_of": as_of.isoformat(), "items": []})
    for entry in _education(user):
        level = SIMO_LEVELS.get(entry.level)  # type: ignore[call-overload]
        if level is None:
            out.skipped.append(_describe_education(entry))
            continue
        out.add(
            f"formacion-{entry.pk}",
            _describe_education(entry),
            kind="educacion_formal",
            level=level,
            graduated=entry.graduated,
        )
    for course in InformalEducation.objects.filter(profile__user=user):
        out.add(
            f"educacion-informal-{course.pk}",
            f"{course.name} — {course.institution_name} ({course.hours} h)",
            kind="educacion_informal",
            hours=course.hours,
            date=course.end_date.isoformat(),
        )
    for exp in Experience.objects.filter(profile__user=user):
        kind = SIMO_EXPERIENCE.get(exp.kind, "profesional")  # type: ignore[call-overload]
        out.add(
            f"experiencia-{exp.pk}",
            _describe_experience(exp),
            kind="experiencia",
            type=kind,
            **_period(exp),
        )
    return out


MAPPERS: dict[str, Callable[[Any, datetime.date], ProfileEvidence]] = {
    "conaces-pares-2021": conaces_evidence,
    "cnsc-bateria-2026": simo_evidence,
}


def profile_evidence(*, user: Any, rubric_id: str, as_of: datetime.date) -> ProfileEvidence | None:
    """The person's profile as evidence for ``rubric_id``; ``None`` when the rubric reads
    records the profile does not hold (e.g. the Peruvian Informe Escalafonario)."""
    mapper = MAPPERS.get(rubric_id)
    return mapper(user, as_of) if mapper else None
