"""docs/evidence/ stays true: each schema is what the rubric declares; each example scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from merito.rubrics import list_rubrics, load_rubric, score

DOCS = Path(__file__).resolve().parents[2] / "docs" / "evidence"
IDS = [rubric.id for rubric in list_rubrics()]


@pytest.mark.parametrize("rubric_id", IDS)
def test_the_published_schema_is_the_rubrics_own(rubric_id: str) -> None:
    published = json.loads((DOCS / f"{rubric_id}.schema.json").read_text(encoding="utf-8"))
    assert published == load_rubric(rubric_id).evidence_schema(), (
        f"regenerate with: merito rubric schema {rubric_id} > docs/evidence/{rubric_id}.schema.json"
    )


@pytest.mark.parametrize("rubric_id", IDS)
def test_the_example_scores(rubric_id: str) -> None:
    example = json.loads((DOCS / f"{rubric_id}.example.json").read_text(encoding="utf-8"))
    result = score(load_rubric(rubric_id), example)
    assert result.final > 0
