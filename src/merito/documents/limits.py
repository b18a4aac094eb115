"""Size limits per document kind, and how sizes are written for people."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import numberformat, translation
from django.utils.formats import get_format

from merito.documents.models import DocumentKind

MEBIBYTE = 1_048_576

# Seed 000: "como máximo 1,048 MB ... 1.048.576 Bytes"; DESIGN.md: 2 MB for claim annexes.
DEFAULT_SIZE_LIMITS: dict[str, int] = {
    kind.value: 2 * MEBIBYTE if kind == DocumentKind.CLAIM_ANNEX else MEBIBYTE
    for kind in DocumentKind
}


def size_limit(kind: str) -> int:
    """Largest accepted file for ``kind``, in bytes; ``DOCUMENT_SIZE_LIMITS`` overrides."""
    limits = getattr(settings, "DOCUMENT_SIZE_LIMITS", DEFAULT_SIZE_LIMITS)
    return int(limits.get(kind, DEFAULT_SIZE_LIMITS.get(kind, MEBIBYTE)))


def _number(value: int | Decimal, decimal_pos: int | None = None) -> str:
    # Django's generic "es" groups with a space; the seeds write "1.048.576 Bytes", as
    # Colombia does, so Spanish uses the es-CO separators.
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language.split("-")[0] == "es":
        language = "es-co"
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR", language),
        decimal_pos,
        get_format("NUMBER_GROUPING", language),
        get_format("THOUSAND_SEPARATOR", language),
        force_grouping=True,
    )


def format_bytes(size: int) -> str:
    """``1048577`` → ``1.048.577`` in Spanish, ``1,048,577`` in English."""
    return _number(size)


def format_size(size: int) -> str:
    """``1048576`` → ``1 MB``; ``1572864`` → ``1,5 MB``; ``1500`` → ``1,5 KB``.

    Binary units, as the seed counts them (1 MB = 1.048.576 bytes).
    """
    unit, divisor = ("MB", MEBIBYTE) if size >= MEBIBYTE else ("KB", 1024)
    amount = (Decimal(size) / divisor).quantize(Decimal("0.1"))
    if amount == amount.to_integral_value():
        return f"{_number(int(amount))} {unit}"
    return f"{_number(amount, decimal_pos=1)} {unit}"
