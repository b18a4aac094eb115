"""Bulk import of existing hojas de vida: titles and experience lines from CSV or Excel.

The companion of the bank import (``services.peers_import``): the people must already have
an account (matched by identity document). Each row becomes one profile entry through the
profile's own services (``education_save`` / ``profile_entry_save``), so every rule of the
hoja de vida applies, the entry is audited and a profile in Verificación is refused. Rows
carry no PDFs: the profile's checklist then asks the person for each missing support.
A dry run reports every broken rule as (row, column, message); a confirmed run saves the
good rows, each in its own transaction, and skips rows already present (idempotent).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from merito.accounts.models import User
from merito.errors import DomainError
from merito.peers.services import RowError, _cell, _fold, _header, read_table
from merito.profiles.models import (
    Dedication,
    Education,
    EducationLevel,
    Experience,
    ExperienceKind,
    Institution,
    KnowledgeArea,
    Program,
)
from merito.profiles.services import education_save, profile_entry_save

PERSON_COLUMNS = ("tipo_documento", "numero_documento", "pais_documento")
SECTIONS: dict[str, dict[str, bool]] = {
    # column → required
    "formacion": {
        "tipo_documento": True, "numero_documento": True, "pais_documento": False,
        "nivel": True, "institucion": True, "programa": False, "titulo": False, "area": False,
        "graduado": False, "fecha_grado": False, "extranjero": False, "pais_titulo": False,
        "convalidado": False, "resolucion": False, "fecha_resolucion": False,
    },
    "experiencia": {
        "tipo_documento": True, "numero_documento": True, "pais_documento": False,
        "institucion": True, "cargo": True, "fecha_ingreso": True, "fecha_salida": False,
        "dedicacion": True, "horas": False, "tipo": True, "resultados_aprendizaje": False,
        "pais": False,
    },
}  # fmt: skip
# Model field → the column it comes from, to name the place of a rule of the hoja de vida.
FIELD_COLUMNS = {
    "level": "nivel", "institution": "institucion", "program": "programa",
    "title_obtained": "titulo", "knowledge_area": "area", "graduated": "graduado",
    "graduation_date": "fecha_grado", "is_foreign": "extranjero",
    "issuing_country": "pais_titulo", "convalidated": "convalidado",
    "convalidation_resolution": "resolucion", "convalidation_date": "fecha_resolucion",
    "institution_name": "institucion", "role": "cargo", "start_date": "fecha_ingreso",
    "end_date": "fecha_salida", "dedication": "dedicacion", "total_hours": "horas",
    "kind": "tipo", "learning_outcomes_system": "resultados_aprendizaje", "country": "pais",
}  # fmt: skip
YES = {"si", "s", "x", "1", "true", "verdadero", "yes"}
NO = {"no", "n", "0", "false", "falso", ""}


@dataclass
class ProfileImportReport:
    section: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    confirmed: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> int:
        return len({error.row for error in self.errors if error.row > 1})


def _choice(enum: Any, text: str) -> Any:
    """A choice by its code or its Spanish label, accents and case ignored."""
    folded = _fold(text).replace("_", " ")
    for value, label in enum.choices:
        if folded in (_fold(value).replace("_", " "), _fold(label)):
            return value
    for value, label in enum.choices:  # "tiempo completo" for "Tiempo completo (40 horas…)"
        if _fold(label).startswith(folded) and folded:
            return value
    return None


def _yes_no(text: str) -> bool | None:
    folded = _fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def _date(text: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Row:
    def __init__(self, number: int, values: dict[str, str], errors: list[RowError]) -> None:
        self.number = number
        self.values = values
        self.errors = errors
        self.ok = True

    def refuse(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))
        self.ok = False

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def date(self, column: str) -> datetime.date | None:
        try:
            return _date(self.get(column))
        except ValueError:
            self.refuse(column, _("Fecha inválida: use AAAA-MM-DD o DD/MM/AAAA."))
            return None

    def flag(self, column: str, default: bool) -> bool:
        if not self.get(column):
            return default
        value = _yes_no(self.get(column))
        if value is None:
            self.refuse(column, _("Escriba sí o no."))
            return default
        return value

    def choice(self, column: str, enum: Any) -> Any:
        if not self.get(column):
            return ""
        value = _choice(enum, self.get(column))
        if value is None:
            allowed = "; ".join(str(label) for _value, label in enum.choices)
            self.refuse(
                column, _("Valor no admitido; use uno de: %(allowed)s.") % {"allowed": allowed}
            )
        return value or ""


def _person(row: _Row) -> User | None:
    country = (row.get("pais_documento") or "CO").upper()
    user = User.objects.filter(
        document_country=country,
        document_type=row.get("tipo_documento").upper(),
        document_number=row.get("numero_documento"),
    ).first()
    if user is None:
        row.refuse(
            "numero_documento",
            _("No existe una cuenta con ese documento: importe primero el banco de pares."),
        )
    return user


def _institution(row: _Row) -> Institution | None:
    text = row.get("institucion")
    institution = Institution.objects.filter(snies_code=text).first() if text.isdigit() else None
    institution = institution or Institution.objects.filter(name__iexact=text).first()
    institution = institution or Institution.objects.filter(original_name__iexact=text).first()
    if institution is None:
        row.refuse(
            "institucion",
            _(
                "Institución no encontrada en el catálogo (use el código SNIES o el nombre "
                "exacto; las extranjeras, en su idioma original)."
            ),
        )
    return institution


def _education(row: _Row, user: User) -> Education | None:
    institution = _institution(row)
    level = row.choice("nivel", EducationLevel)
    program = None
    if institution is not None and row.get("programa"):
        program = Program.objects.filter(
            institution=institution, name__iexact=row.get("programa")
        ).first()
        if program is None:
            row.refuse("programa", _("Programa no encontrado en esa institución."))
    foreign = row.flag("extranjero", False)
    convalidated = row.flag("convalidado", False) if foreign else None
    entry = Education(
        level=level,
        institution=institution,
        program=program,
        title_obtained=row.get("titulo"),
        knowledge_area=row.choice("area", KnowledgeArea),
        graduated=row.flag("graduado", True),
        graduation_date=row.date("fecha_grado"),
        is_foreign=foreign,
        issuing_country=row.get("pais_titulo").upper(),
        convalidated=convalidated,
        convalidation_resolution=row.get("resolucion"),
        convalidation_date=row.date("fecha_resolucion"),
    )
    if not row.ok:
        return None
    same = Education.objects.filter(
        profile__user=user,
        level=entry.level,
        institution=institution,
        program=program,
        title_obtained=entry.title_obtained,
        graduation_date=entry.graduation_date,
    )
    return None if same.exists() else entry


def _experience(row: _Row, user: User) -> Experience | None:
    hours_text = row.get("horas")
    hours = None
    if hours_text:
        if not hours_text.isdigit():
            row.refuse("horas", _("Escriba un número entero de horas."))
        else:
            hours = int(hours_text)
    start = row.date("fecha_ingreso")
    if start is None:
        return None
    entry = Experience(
        institution_name=row.get("institucion"),
        role=row.get("cargo"),
        start_date=start,
        end_date=row.date("fecha_salida"),
        dedication=row.choice("dedicacion", Dedication),
        total_hours=hours,
        kind=row.choice("tipo", ExperienceKind),
        learning_outcomes_system=row.flag("resultados_aprendizaje", False),
        country=(row.get("pais") or "CO").upper(),
    )
    if not row.ok:
        return None
    same = Experience.objects.filter(
        profile__user=user,
        institution_name=entry.institution_name,
        role=entry.role,
        start_date=entry.start_date,
        end_date=entry.end_date,
        dedication=entry.dedication,
    )
    return None if same.exists() else entry


BUILDERS: dict[str, Callable[[_Row, User], Model | None]] = {
    "formacion": _education,
    "experiencia": _experience,
}


def profiles_import(
    *, section: str, content: bytes, file_name: str, confirm: bool
) -> ProfileImportReport:
    """Check every row; with ``confirm``, save the good ones."""
    if section not in SECTIONS:
        raise DomainError(
            _("Sección desconocida; use: %(names)s.") % {"names": ", ".join(SECTIONS)},
            field="section",
        )
    columns = SECTIONS[section]
    table = read_table(content=content, file_name=file_name)
    headers = [_header(name) for name in (table.headers or [])]
    report = ProfileImportReport(section=section, confirmed=confirm)
    for column, required in columns.items():
        if required and column not in headers:
            report.errors.append(
                RowError(1, column, _("Falta la columna obligatoria «%(c)s».") % {"c": column})
            )
    for column in headers:
        if column not in columns:
            report.errors.append(
                RowError(
                    1,
                    column or _("(sin nombre)"),
                    _("Columna desconocida. Las columnas admitidas son: %(names)s.")
                    % {"names": ", ".join(columns)},
                )
            )
    if report.errors:
        return report
    for offset, raw in enumerate(table, start=2):
        values = {name: _cell(value) for name, value in zip(headers, raw, strict=False)}
        if not any(values.values()):
            continue
        report.rows += 1
        row = _Row(offset, values, report.errors)
        for column, required in columns.items():
            if required and not values.get(column):
                row.refuse(column, _("Campo obligatorio."))
        if not row.ok:
            continue
        user = _person(row)
        if user is None:
            continue
        entry = BUILDERS[section](row, user)
        if not row.ok:
            continue
        if entry is None:
            report.unchanged += 1
            continue
        try:
            with transaction.atomic():
                if isinstance(entry, Education):
                    education_save(user=user, entry=entry)
                else:
                    profile_entry_save(user=user, entry=entry)
                if not confirm:
                    transaction.set_rollback(True)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    row.refuse(FIELD_COLUMNS.get(name, name), message)
            continue
        except DomainError as error:
            row.refuse(error.field or "numero_documento", error.message)
            continue
        if confirm:
            report.created += 1
    return report
