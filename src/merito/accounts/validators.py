"""Account field rules from seed 004 (SIMO) §4.2.2 and §7, with one message per rule."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USERNAME_RE = re.compile(r"[A-Za-z0-9._]{6,30}")
PHONE_RE = re.compile(r"[A-Za-z0-9]{7,20}")
PASSWORD_ALLOWED_RE = re.compile(r"[A-Za-z0-9.@#$%&+\-_*]+")
PASSWORD_MIN = 8
PASSWORD_MAX = 20


def validate_username(value: str) -> None:
    """Letters, digits, '.' and '_'; 6 to 30 characters; no spaces (seed 004 §4.2.2)."""
    if " " in value:
        raise ValidationError(
            _("El usuario no puede tener espacios en blanco."), code="username_spaces"
        )
    if not 6 <= len(value) <= 30:
        raise ValidationError(
            _("El usuario debe tener mínimo 6 y máximo 30 caracteres."), code="username_length"
        )
    if not USERNAME_RE.fullmatch(value):
        raise ValidationError(
            _("El usuario solo puede contener letras, números, punto (.) y guion bajo (_)."),
            code="username_chars",
        )


def validate_phone(value: str) -> None:
    """Only letters or digits, 7 to 20 characters (seed 004 §4.2.2)."""
    if not PHONE_RE.fullmatch(value):
        raise ValidationError(
            _(
                "El teléfono debe contener solo números o letras, sin caracteres especiales, "
                "con mínimo 7 y máximo 20 caracteres."
            ),
            code="phone",
        )


class SeedPasswordPolicyValidator:
    """Seed 004 §7: 8–20 characters; letters, digits, '.' and @#$%&+-_*; no spaces.

    Each refusal names the rule that failed. Django's own validators (common and
    similar passwords, all-numeric) run beside this one.
    """

    def validate(self, password: str, user: Any = None) -> None:
        errors: list[ValidationError] = []
        if any(ch.isspace() for ch in password):
            errors.append(
                ValidationError(
                    _("La contraseña no puede contener espacios en blanco."),
                    code="password_spaces",
                )
            )
        if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            errors.append(
                ValidationError(
                    _("La contraseña debe tener mínimo %(min)d y máximo %(max)d caracteres."),
                    code="password_length",
                    params={"min": PASSWORD_MIN, "max": PASSWORD_MAX},
                )
            )
        stripped = "".join(ch for ch in password if not ch.isspace())
        if stripped and not PASSWORD_ALLOWED_RE.fullmatch(stripped):
            bad = sorted({ch for ch in stripped if not PASSWORD_ALLOWED_RE.fullmatch(ch)})
            errors.append(
                ValidationError(
                    _(
                        "La contraseña solo puede contener letras, números, puntos y los "
                        "caracteres especiales @ # $ %% & + - _ *; no se permite: %(bad)s"
                    ),
                    code="password_chars",
                    params={"bad": " ".join(bad)},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "Entre 8 y 20 caracteres: letras, números, puntos o los caracteres especiales "
            "@ # $ % & + - _ *. Sin espacios."
        )
