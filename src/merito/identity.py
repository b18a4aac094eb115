"""Identity documents of Colombia and Peru, and their validation.

Rules: seed 004 §4.2.2 (CC: numeric, 6–10 digits, no leading zero); Peru DNI 8 digits
(python-stdnum knows DNI); the other types follow the issuing authorities' published
formats. Each error names the rule that failed, in Spanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pe import cui

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class Country(models.TextChoices):
    COLOMBIA = "CO", _("Colombia")
    PERU = "PE", _("Perú")


class DocumentType(models.TextChoices):
    CC = "CC", _("Cédula de ciudadanía")
    CE = "CE", _("Cédula de extranjería / Carné de extranjería")
    TI = "TI", _("Tarjeta de identidad")
    PA = "PA", _("Pasaporte")
    PPT = "PPT", _("Permiso por Protección Temporal")
    DNI = "DNI", _("Documento Nacional de Identidad")
    PTP = "PTP", _("Permiso Temporal de Permanencia")


# Which document types each issuing country has.
TYPES_BY_COUNTRY: dict[str, tuple[str, ...]] = {
    Country.COLOMBIA: ("CC", "CE", "TI", "PA", "PPT"),
    Country.PERU: ("DNI", "CE", "PTP", "PA"),
}


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    message: str | _StrPromise


_RULES: dict[tuple[str, str], _Rule] = {
    ("CO", "CC"): _Rule(
        re.compile(r"[1-9]\d{5,9}"),
        _(
            "La cédula de ciudadanía debe ser numérica, de 6 a 10 dígitos y no puede "
            "iniciar con cero (0)."
        ),
    ),
    ("CO", "TI"): _Rule(
        re.compile(r"[1-9]\d{5,10}"),
        _(
            "La tarjeta de identidad debe ser numérica, de 6 a 11 dígitos y no puede "
            "iniciar con cero (0)."
        ),
    ),
    ("CO", "CE"): _Rule(
        re.compile(r"\d{3,7}"),
        _("La cédula de extranjería debe ser numérica, de 3 a 7 dígitos."),
    ),
    ("CO", "PPT"): _Rule(
        re.compile(r"\d{6,8}"),
        _("El Permiso por Protección Temporal debe ser numérico, de 6 a 8 dígitos."),
    ),
    ("CO", "PA"): _Rule(
        re.compile(r"[A-Z0-9]{5,16}"),
        _("El pasaporte debe tener de 5 a 16 letras o dígitos, sin espacios ni símbolos."),
    ),
    ("PE", "DNI"): _Rule(re.compile(r"\d{8}"), _("El DNI debe tener exactamente 8 dígitos.")),
    ("PE", "CE"): _Rule(
        re.compile(r"\d{9}"), _("El carné de extranjería peruano debe tener 9 dígitos.")
    ),
    ("PE", "PTP"): _Rule(
        re.compile(r"\d{9}"), _("El Permiso Temporal de Permanencia debe tener 9 dígitos.")
    ),
    ("PE", "PA"): _Rule(
        re.compile(r"[A-Z0-9]{5,16}"),
        _("El pasaporte debe tener de 5 a 16 letras o dígitos, sin espacios ni símbolos."),
    ),
}


def normalize_number(number: str) -> str:
    """Strip spaces, dots and dashes that people type; upper-case letters."""
    return re.sub(r"[\s.\-]", "", number or "").upper()


def validate_identity_document(country: str, doc_type: str, number: str) -> str:
    """Return the normalised number or raise ``ValidationError`` naming the rule."""
    if doc_type not in TYPES_BY_COUNTRY.get(country, ()):
        raise ValidationError(
            _("El tipo de documento %(type)s no existe para el país %(country)s."),
            code="document_type",
            params={"type": doc_type, "country": country},
        )
    normalized = normalize_number(number)
    if not normalized:
        raise ValidationError(_("Escriba el número de documento."), code="required")
    rule = _RULES[(country, doc_type)]
    if not rule.pattern.fullmatch(normalized):
        raise ValidationError(rule.message, code="document_number")
    if (country, doc_type) == ("PE", "DNI"):
        try:  # python-stdnum knows the DNI (CUI) format
            cui.validate(normalized)
        except StdnumError as exc:
            raise ValidationError(rule.message, code="document_number") from exc
    return normalized
