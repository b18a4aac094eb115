"""Pure-Python scoring engine: rubrics as data, exact Decimal scores with explanations.

This package must never import Django or any other Mérito context (import-linter
contract in pyproject.toml).

    >>> from merito.rubrics import load_rubric, score
    >>> rubric = load_rubric("minedu-ascenso-2019")
    >>> result = score(rubric, {"as_of": "2019-10-01", "tests": {"pun": 46}, ...})
    >>> result.final, result.to_dict(), result.to_text()
"""

from merito.rubrics.engine import evidence_for, score
from merito.rubrics.errors import EvidenceError, RubricError
from merito.rubrics.explain import explain_rubric
from merito.rubrics.registry import list_rubrics, load_rubric, rubric_from_file, rubric_from_text
from merito.rubrics.result import ScoreResult
from merito.rubrics.rubric import Rubric, parse_rubric

__all__ = [
    "EvidenceError",
    "Rubric",
    "RubricError",
    "ScoreResult",
    "evidence_for",
    "explain_rubric",
    "list_rubrics",
    "load_rubric",
    "parse_rubric",
    "rubric_from_file",
    "rubric_from_text",
    "score",
]
