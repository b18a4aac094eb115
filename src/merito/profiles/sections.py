"""The list sections of a profile (hoja de vida), in the order they are shown and
snapshotted: each one's key, URL slug, model and title. The portal pairs each with its form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from merito.profiles.models import (
    Education,
    Experience,
    InformalEducation,
    Membership,
    OtherDocument,
    Product,
    QualityProcess,
)


@dataclass(frozen=True)
class Section:
    """A list section of the profile: its key (in snapshots), URL slug, model and title."""

    key: str
    slug: str
    model: type[models.Model]
    title: Any
    intro: Any = ""


SECTIONS: list[Section] = [
    Section(
        "education",
        "formacion",
        Education,
        _("Formación académica"),
        _(
            "Un registro por título, cada uno con su diploma o acta de grado (el diploma puede "
            "reemplazar al acta). Los títulos del extranjero se declaran convalidados o no; si "
            "están convalidados, cargue la resolución."
        ),
    ),
    Section(
        "informal_education",
        "educacion-informal",
        InformalEducation,
        _("Educación informal"),
        _("Cursos, diplomados y talleres sin título, con sus fechas e intensidad horaria."),
    ),
    Section(
        "experience",
        "experiencia",
        Experience,
        _("Experiencia"),
        _(
            "Una línea por cada periodo y tipo de vinculación. Las certificaciones deben "
            "identificar la institución, a usted con su documento, los periodos y las "
            "actividades. La constancia de par del CNA o del MEN va aquí como experiencia "
            "profesional."
        ),
    ),
    Section(
        "memberships",
        "sociedades",
        Membership,
        _("Sociedades académicas o científicas"),
    ),
    Section(
        "products",
        "produccion",
        Product,
        _("Producción intelectual e investigación"),
        _(
            "Productos MINCIENCIAS (con el enlace a su CvLAC) y los tipos de producción de "
            "SIMO, con identificador y cita bibliográfica."
        ),
    ),
    Section(
        "quality_processes",
        "procesos-calidad",
        QualityProcess,
        _("Procesos de acreditación y evaluación de calidad"),
    ),
    Section(
        "other_documents",
        "otros-documentos",
        OtherDocument,
        _("Otros documentos"),
        _(
            "Documento de identificación, libreta militar y los demás documentos que pida la "
            "convocatoria. Si un documento está en trámite, cargue una carta de compromiso "
            "firmada."
        ),
    ),
]

SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
