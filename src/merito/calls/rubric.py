"""The "Cómo se califica" section: a call's rubric explained in plain Spanish.

The scoring engine (``merito.rubrics``) owns rubric data; this module only adapts it for
the call page. An unknown rubric id (a call configured before its rubric ships) shows
"se publicará" instead of breaking the page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from merito.rubrics import RubricError, explain_rubric, load_rubric

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RubricExplanation:
    title: str
    lines: tuple[str, ...]


def rubric_explanation(rubric_id: str) -> RubricExplanation | None:
    """The explanation of ``rubric_id``, or ``None`` when there is no such rubric."""
    if not rubric_id:
        return None
    try:
        rubric = load_rubric(rubric_id)
    except (KeyError, RubricError):
        logger.warning("calls.rubric_unavailable", extra={"rubric_id": rubric_id}, exc_info=True)
        return None
    return RubricExplanation(title=rubric.title, lines=tuple(explain_rubric(rubric)))
