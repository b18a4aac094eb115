"""Shared by every export: spreadsheet cells that can never run as formulas."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """Text for a CSV/Excel cell; a leading apostrophe keeps "=…", "+…" and the like text
    (CSV injection). ``None`` is an empty cell."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
