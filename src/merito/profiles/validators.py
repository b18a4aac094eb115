"""Field rules of the profile, each refusal in Spanish naming the field and the rule."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.co import nit as co_nit
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

_PHONE_NOISE = re.compile(r"[\s\-().]")
# Colombia: mobiles are 10 digits starting with 3; landlines since 2021 are 10 digits
# starting with 60 + the area code (601 Bogotá). Peru: mobiles are 9 digits starting with 9;
# landlines carry the city code after a 0 (01 Lima, 043 Áncash): 8 or 9 digits in all.
_CO_PHONE = re.compile(r"(?:3\d{9}|60\d{8})")
_PE_PHONE = re.compile(r"(?:9\d{8}|0\d{7,8})")


def search_key(*parts: str | None) -> str:
    """Lowercase, accents stripped, spaces collapsed: ``"Bogotá  D.C."`` → ``"bogota d.c."``.

    Stored beside searchable names so an accent-insensitive ``icontains`` works the same on
    SQLite and PostgreSQL.
    """
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def normalize_phone(value: str, country: str = "CO", *, label: str = "") -> str:
    """Digits only, with the country prefix (+57/+51) removed; refuses unknown shapes.

    ``label`` names the field in the message (default "Teléfono alterno").
    """
    digits = _PHONE_NOISE.sub("", value or "")
    if digits.startswith("+57"):
        country, digits = "CO", digits[3:]
    elif digits.startswith("+51"):
        country, digits = "PE", digits[3:]
    pattern = _PE_PHONE if country == "PE" else _CO_PHONE
    if not digits.isdigit() or not pattern.fullmatch(digits):
        if country == "PE":
            message = _(
                "%(label)s: escriba un celular de 9 dígitos que empiece por 9 "
                "(por ejemplo 987654321) o un teléfono fijo con el código de la ciudad "
                "(por ejemplo 01 6155887)."
            )
        else:
            message = _(
                "%(label)s: escriba un celular de 10 dígitos que empiece por 3 "
                "(por ejemplo 3001234567) o un teléfono fijo de 10 dígitos con el indicativo "
                "(por ejemplo 601 3078079)."
            )
        raise ValidationError(message % {"label": label or _("Teléfono alterno")}, code="phone")
    return digits


def normalize_nit(value: str) -> str:
    """The NIT (RUT) with its check digit, compact: ``"900.373.913-4"`` → ``"9003739134"``."""
    try:
        return str(co_nit.validate(value))
    except InvalidChecksum as exc:
        raise ValidationError(
            _(
                "NIT (RUT): el dígito de verificación no corresponde al número. Escriba el "
                "NIT completo como aparece en su RUT, con el dígito de verificación al final."
            ),
            code="nit_checksum",
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _(
                "NIT (RUT): escriba solo números, de 8 a 15 dígitos incluido el dígito de "
                "verificación (por ejemplo 900373913-4)."
            ),
            code="nit_format",
        ) from exc
