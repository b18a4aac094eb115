"""Tie-break chain shared by rubric files and the ranking module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TieBreak:
    """One link of a rubric's tie-break chain: compare ``field``, highest first unless
    ``descending`` is False. ``label`` is the Spanish text shown to applicants."""

    field: str
    descending: bool = True
    label: str = ""
