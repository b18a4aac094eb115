"""The "Cómo se califica" section: a call's rubric explained in plain Spanish.

The scoring engine (``merito.rubrics``) owns rubric data. We expect
``merito.rubrics.load_rubric(rubric_id) -> Rubric`` raising ``LookupError`` (``KeyError``,
``FileNotFoundError``…) for unknown ids, and a rubric with ``title`` and
``explain() -> Sequence[str]`` (one plain-Spanish sentence per line). Until the engine
provides it, or when anything about the rubric fails, the page says it will be published
soon instead of breaking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RubricExplanation:
    title: str
    lines: tuple[str, ...]


def _loader() -> Callable[[str], Any] | None:
    try:
        from merito.rubrics import load_rubric  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    loader: Callable[[str], Any] = load_rubric
    return loader


def _lines(rubric: Any) -> list[str]:
    explain = getattr(rubric, "explain", None)
    if callable(explain):
        explained = explain()
        if isinstance(explained, str):
            return [line for line in explained.splitlines() if line.strip()]
        return [str(line) for line in explained]
    # Fallback: criteria with a label and their maximum points.
    lines = []
    for criterion in getattr(rubric, "criteria", ()):
        label = getattr(criterion, "label", None) or getattr(criterion, "name", "")
        points = getattr(criterion, "max_points", None)
        lines.append(f"{label}: hasta {points} puntos." if points is not None else str(label))
    return lines


def rubric_explanation(rubric_id: str) -> RubricExplanation | None:
    """The explanation of ``rubric_id``, or ``None`` when it cannot be shown yet."""
    if not rubric_id:
        return None
    load = _loader()
    if load is None:
        return None
    try:
        rubric = load(rubric_id)
        lines = _lines(rubric)
    except Exception:  # the page must render whatever the engine does
        logger.warning("calls.rubric_unavailable", extra={"rubric_id": rubric_id}, exc_info=True)
        return None
    if not lines:
        return None
    title = str(getattr(rubric, "title", "") or getattr(rubric, "name", "") or rubric_id)
    return RubricExplanation(title=title, lines=tuple(lines))
