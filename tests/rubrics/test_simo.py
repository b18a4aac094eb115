"""Seed 004 (SIMO): VRM with an equivalence, an eliminatory test, VA weighted factors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from merito.rubrics import load_rubric, score


@pytest.fixture(scope="module")
def rubric() -> Any:
    return load_rubric("cnsc-bateria-2026")


def evidence(
    *items: dict[str, Any], basicas: object = 72.5, comport: object = 80
) -> dict[str, Any]:
    return {
        "applicant_id": "CC-2",
        "as_of": "2026-06-01",
        "tests": {"basicas": basicas, "comportamentales": comport},
        "items": list(items),
    }


PROFESIONAL = {"id": "f1", "kind": "educacion_formal", "level": "profesional"}
RELACIONADA = {"id": "x1", "kind": "experiencia", "type": "profesional_relacionada",
               "start": "2019-01-01", "end": None}  # fmt: skip


def test_weighted_battery_computed_by_hand(rubric) -> None:
    result = score(
        rubric,
        evidence(
            PROFESIONAL,
            {"id": "f2", "kind": "educacion_formal", "level": "especializacion"},
            {"id": "i1", "kind": "educacion_informal", "hours": 40},
            {"id": "i2", "kind": "educacion_informal", "hours": 20},
            RELACIONADA,
            {"id": "x2", "kind": "experiencia", "type": "profesional",
             "start": "2016-01-01", "end": "2018-12-31"},
        ),
    )  # fmt: skip
    # VA: formal 20 × 25 % = 5; informal 10 × 15 % = 1.5; related (89 − 24 = 65 months →
    # 5 years × 20 = 100) × 40 % = 40; professional 3 × 10 × 20 % = 6 → 52.5.
    # Final: 72.5 × 50 % + 80 × 20 % + 52.5 × 30 % = 36.25 + 16 + 15.75 = 68.
    va = next(g for g in result.groups if g.id == "va")
    assert [c.result for c in va.criteria] == [5, Decimal("1.5"), 40, 6]
    assert va.points == Decimal("52.5")
    assert result.to_dict()["final"] == "68.00"


def test_the_equivalence_admits_when_experience_is_missing(rubric) -> None:
    posgrado = {"id": "f2", "kind": "educacion_formal", "level": "maestria"}
    result = score(rubric, evidence(PROFESIONAL, posgrado))
    vrm = result.requirements[0]
    assert vrm.status == "cumple"
    assert "Cumple la alternativa «Equivalencia" in vrm.detail
    formal = result.groups[2].criteria[0]
    assert formal.points == 0  # the master's degree was used by the equivalence


def test_not_admitted_without_title_or_equivalence(rubric) -> None:
    result = score(rubric, evidence(RELACIONADA))
    vrm = result.requirements[0]
    assert vrm.status == "no_cumple" and not result.eligible
    assert "Ninguna alternativa se cumple" in vrm.detail


def test_failing_the_eliminatory_test_withdraws(rubric) -> None:
    result = score(rubric, evidence(PROFESIONAL, RELACIONADA, basicas="64.99"))
    assert result.requirements[1].status == "no_cumple"
    assert not result.eligible
    assert score(rubric, evidence(PROFESIONAL, RELACIONADA, basicas=65)).eligible


def test_a_factor_is_capped_at_one_hundred_before_its_percentage(rubric) -> None:
    courses = [{"id": f"c{i}", "kind": "educacion_informal", "hours": 60} for i in range(12)]
    result = score(rubric, evidence(PROFESIONAL, RELACIONADA, *courses))
    informal = result.groups[2].criteria[1]
    assert (informal.raw, informal.points, informal.result) == (120, 100, 15)
