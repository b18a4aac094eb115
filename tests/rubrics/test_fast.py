"""score_figures (the bulk path) gives exactly the figures of score(), or its very error."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from merito.rubrics import EvidenceError, load_rubric, score
from merito.rubrics.fast import _plan, figures_of, score_figures
from tests.rubrics.test_properties_scoring import CONACES, CONACES_TOTAL_CAP, evidences

SIMO = load_rubric("cnsc-bateria-2026")


def same_outcome(rubric: Any, raw: Any) -> None:
    try:
        expected = figures_of(score(rubric, raw))
    except EvidenceError as error:
        with pytest.raises(EvidenceError) as caught:
            score_figures(rubric, raw)
        assert (caught.value.place, caught.value.message) == (error.place, error.message)
        return
    assert score_figures(rubric, raw) == expected


def test_the_conaces_rubric_is_compiled_and_others_use_score() -> None:
    assert _plan(CONACES) is not None
    assert _plan(SIMO) is None  # tests, weights and alternatives: the explained path


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_generated_conaces_evidence_gives_the_same_figures(data: st.DataObject) -> None:
    for rubric in (CONACES, CONACES_TOTAL_CAP):
        same_outcome(rubric, data.draw(evidences(rubric)))


def test_the_benchmark_population_gives_the_same_figures() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bench_scoring import SEED, Generator

    generator = Generator(SEED)
    for raw in generator.chunk(1500, 0.2):
        same_outcome(CONACES, raw)


BASE = {
    "as_of": "2021-03-01",
    "items": [
        {"id": "d", "kind": "titulo", "level": "doctorado", "area": "Bellas Artes"},
        {"id": "x", "kind": "experiencia", "category": "docencia_superior",
         "dedication": "tiempo_completo", "start": "2000-01-01", "end": None},
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["items"].append({"id": "d", "kind": "sociedad"}),  # repeated id
        lambda d: d["items"].append({"kind": "sociedad", "nota": 1}),  # unknown field
        lambda d: d["items"][1].update(end="1999-12-31"),  # end before start
        lambda d: d["items"][1].update(start="2000-02-30"),  # bad date
        lambda d: d["items"][1].update(start="2022-01-01"),  # after the cut date: rejected
        lambda d: d["items"].append(
            {"kind": "evaluacion_calidad", "type": "sala_conaces", "year": "2015"}
        ),
        lambda d: d["items"].append(
            {"kind": "evaluacion_calidad", "type": "sala_conaces", "year": 1800}
        ),
        lambda d: d["items"].append({"kind": "producto", "type": "libro", "cvlac": "sí"}),
        lambda d: d["items"].append({"kind": "diploma"}),
        lambda d: d["items"].append({"id": 7, "kind": "sociedad"}),
        lambda d: d.update(rubric="minedu-ascenso-2019"),
        lambda d: d.update(facts={"x": 1}),
        lambda d: d.pop("as_of"),
        lambda d: d.update(items={}),
    ],
)
def test_unusual_evidence_gives_the_same_result_or_error(change: Any) -> None:
    raw = copy.deepcopy(BASE)
    change(raw)
    same_outcome(CONACES, raw)
