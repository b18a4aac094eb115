"""score_figures (the bulk path) gives exactly the figures of score(), or its very error."""

from __future__ import annotations

import copy
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from merito.rubrics import (
    EvidenceError,
    fast,
    load_rubric,
    parse_rubric,
    rubric_from_file,
    score,
)
from merito.rubrics.fast import _plan, figures_of, score_figures
from tests.rubrics.test_properties_scoring import CONACES, CONACES_TOTAL_CAP, evidences

SIMO = load_rubric("cnsc-bateria-2026")
MINEDU = load_rubric("minedu-ascenso-2019")


def same_outcome(rubric: Any, raw: Any) -> None:
    try:
        expected = figures_of(score(rubric, raw))
    except EvidenceError as error:
        with pytest.raises(EvidenceError) as caught:
            score_figures(rubric, raw)
        assert (caught.value.place, caught.value.message) == (error.place, error.message)
        return
    got = score_figures(rubric, raw)
    assert got == expected
    assert repr(got) == repr(expected)  # the same Decimals, to the last written zero


def test_the_conaces_rubric_is_compiled_and_others_use_score() -> None:
    assert _plan(CONACES) is not None
    assert not fast.not_compiled_because(CONACES)
    assert _plan(SIMO) is None  # tests, weights and alternatives: the explained path
    assert _plan(MINEDU) is None
    assert "facts, tests, bonuses or parameters" in fast.not_compiled_because(SIMO)
    assert "facts, tests, bonuses or parameters" in fast.not_compiled_because(MINEDU)


def test_a_rubric_from_a_users_file_is_never_compiled(tmp_path: Path) -> None:
    """Compiling runs generated code: only rubrics of the package (or built by code)."""
    path = tmp_path / "borrador.json"
    path.write_text(json.dumps(CONACES.raw), encoding="utf-8")
    draft = rubric_from_file(path)
    assert _plan(draft) is None
    assert "no viene del paquete" in fast.not_compiled_because(draft)
    fallbacks: Counter[str] = Counter()
    assert score_figures(draft, BASE, fallbacks) == score_figures(CONACES, BASE)
    assert sum(fallbacks.values()) == 1


def _full_path_forbidden(rubric: Any, raw: Any) -> Any:
    raise AssertionError("the compiled path fell back to score()")


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_generated_conaces_evidence_takes_the_compiled_path_and_agrees(
    data: st.DataObject,
) -> None:
    """Well-formed evidence: the compiled figures equal score()'s, and score() is never
    called by the bulk path (it is replaced by a function that fails), nor counted."""
    for rubric in (CONACES, CONACES_TOTAL_CAP):
        raw = data.draw(evidences(rubric))
        try:
            expected = figures_of(score(rubric, raw))
        except EvidenceError:
            continue  # bad evidence: the errors are compared by the tests below
        fallbacks: Counter[str] = Counter()
        with mock.patch.object(fast, "score", _full_path_forbidden):
            got = score_figures(rubric, raw, fallbacks)
        assert fallbacks == Counter()
        assert got == expected
        assert repr(got) == repr(expected)


def test_unusual_evidence_is_counted_with_its_reason() -> None:
    fallbacks: Counter[str] = Counter()
    raw = copy.deepcopy(BASE)
    raw["items"][1]["start"] = "2000-02-30"
    with pytest.raises(EvidenceError):
        score_figures(CONACES, raw, fallbacks)
    raw["items"][1]["start"] = 20000101
    with pytest.raises(EvidenceError):
        score_figures(CONACES, raw, fallbacks)
    assert fallbacks == Counter({"fecha que no es un día": 1, "fecha que no es un texto": 1})
    good = copy.deepcopy(BASE)
    with pytest.raises(EvidenceError):  # counted before score() finds what is missing
        score_figures(SIMO, {"rubric": SIMO.id, "items": []}, fallbacks)
    assert fallbacks[fast.not_compiled_because(SIMO)] == 1
    score_figures(CONACES, good, fallbacks)
    assert sum(fallbacks.values()) == 3


def test_an_unexpected_error_of_the_compiled_path_propagates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the declared signal falls back: a defect in the compiled path is never hidden
    behind score()'s figures."""
    raw = copy.deepcopy(BASE)
    score_figures(CONACES, raw)  # compiled and generated

    def broken(*args: Any) -> Any:
        raise TypeError("a defect")

    monkeypatch.setattr(fast, "_months_keyed", broken)
    with pytest.raises(TypeError, match="a defect"):
        score_figures(CONACES, raw)
    monkeypatch.undo()
    plan = _plan(CONACES)
    assert plan is not None
    monkeypatch.setattr(plan, "fast", broken)
    with pytest.raises(TypeError, match="a defect"):
        score_figures(CONACES, raw)
    with pytest.raises(TypeError, match="a defect"):
        list(fast.score_many(CONACES, [raw]))


def test_the_benchmark_population_gives_the_same_figures() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bench_scoring import SEED, Generator

    generator = Generator(SEED)
    for raw in generator.chunk(1500, 0.2):
        same_outcome(CONACES, raw)


def _with_every_key(raw: dict[str, Any]) -> dict[str, Any]:
    """The document with each item carrying every key its kind allows (None when absent),
    as a program exporting a profile writes it: the compiled path reads those by subscript."""
    full = copy.deepcopy(raw)
    for item in full["items"]:
        spec = CONACES.kinds[item["kind"]]
        for name in [*spec.fields, *(("start", "end") if spec.period else ())]:
            item.setdefault(name, None)
    return full


def test_items_with_every_key_give_the_same_figures() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bench_scoring import SEED, Generator

    generator = Generator(SEED + 3)  # a population of its own: others count cached dates
    for raw in generator.chunk(500, 0.2):
        same_outcome(CONACES, _with_every_key(raw))


@pytest.mark.parametrize(
    "item",
    [
        # Every key, but an unknown one in place of an allowed one: the same count of keys.
        {"id": "p", "kind": "producto", "type": "libro", "cvlac": True, "nota": "x"},
        {"id": "p", "kind": "producto", "type": "libro", "cvlac": "sí", "title": None},
        {"id": None, "kind": "producto", "type": "libro", "cvlac": True, "title": "T"},
        {"id": "p", "kind": "producto", "type": "revista", "cvlac": True, "title": "T"},
        {"id": "s", "kind": "sociedad", "name": 3},
        {"id": "s", "kind": "sociedad", "nota": "x"},
        {"id": "e", "kind": "evaluacion_calidad", "type": "sala_conaces", "year": 2015,
         "institution": None},
        {"id": "e", "kind": "evaluacion_calidad", "type": "sala_conaces", "year": None,
         "institution": "U"},
        {"id": "a", "kind": "proceso_acreditacion", "type": "programa_nacional",
         "date": "2019-02-30", "institution": "U"},
    ],
)  # fmt: skip
def test_items_with_as_many_keys_as_allowed_give_the_same_result_or_error(item: Any) -> None:
    raw = copy.deepcopy(BASE)
    raw["items"].append(item)
    same_outcome(CONACES, raw)
    same_outcome(CONACES, _with_every_key(raw) if "nota" not in item else raw)


def test_score_many_gives_each_figure_in_order_and_puts_the_collector_back() -> None:
    import gc

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bench_scoring import SEED, Generator

    documents = Generator(SEED + 2).chunk(25, 0.2)
    expected = [score_figures(CONACES, raw) for raw in documents]
    assert list(fast.score_many(CONACES, documents, batch=7)) == expected
    assert gc.isenabled()
    gc.disable()
    try:
        assert list(fast.score_many(CONACES, iter(documents), batch=10)) == expected
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
    bad = copy.deepcopy(documents)
    bad[12]["items"][0]["start"] = "2020-02-30"
    got = []
    with pytest.raises(fast.DocumentError) as caught:
        for figures in fast.score_many(CONACES, bad, batch=5):
            got.append(figures)
    assert caught.value.index == 12 and got == expected[:12]
    assert "items[0].start" in str(caught.value.error) or caught.value.error.place
    assert gc.isenabled()


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
        lambda d: [item.pop("id") for item in d["items"]],  # ids #1, #2…
        lambda d: d["items"].append({"id": "#1", "kind": "sociedad"}) or d["items"][0].pop("id"),
        lambda d: (
            d["items"].append({"id": 7, "kind": "sociedad"})
            or d["items"].append({"id": "7", "kind": "sociedad"})
        ),  # the same id, 7 and "7"
        lambda d: d["items"][0].update(id=None),
        lambda d: d["items"][0].update(id=""),
        lambda d: d["items"][0].update(id=True),
        lambda d: d["items"][1].update(dedication=None, level=None),  # None: not given
        lambda d: d["items"][1].update(learning_outcomes=1),  # 1 is not true
        lambda d: d["items"][1].update(end="2021-02-29"),  # not a day
        lambda d: d["items"][1].update(start="2000-1-1"),
        lambda d: d["items"][1].update(start=20000101),
        lambda d: d["items"][0].update(date="2021-02-30"),
        lambda d: d["items"].append("sociedad"),
        lambda d: d["items"].append({"id": "s", "kind": "sociedad", "start": "2020-01-01"}),
        lambda d: d.update(as_of="2021-02-30"),
    ],
)
def test_unusual_evidence_gives_the_same_result_or_error(change: Any) -> None:
    raw = copy.deepcopy(BASE)
    change(raw)
    same_outcome(CONACES, raw)


def test_a_date_is_remembered_but_a_bad_date_never_is() -> None:
    """Parsed dates are cached by their text; a text that is not a day always gets the
    error of score(), however often it comes and whatever came before."""
    good = copy.deepcopy(BASE)
    good["items"][0]["date"] = "2021-02-28"
    bad = copy.deepcopy(BASE)
    bad["items"][0]["date"] = "2021-02-30"
    for raw in (good, bad, good, bad, bad):
        same_outcome(CONACES, raw)
    assert fast._DATES["2021-02-28"] == date(2021, 2, 28)
    assert "2021-02-30" not in fast._DATES


def test_full_date_caches_start_again_and_keep_the_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fast, "_DATES_MAX", 5)
    for cache in (fast._DATES, *fast._DERIVED):  # whatever other tests left there
        cache.clear()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bench_scoring import SEED, Generator

    for raw in Generator(SEED + 1).chunk(40, 0.2):
        same_outcome(CONACES, raw)
    assert len(fast._DATES) <= 5


def test_a_rubric_first_scored_on_bad_evidence_still_scores_the_good() -> None:
    """The run is generated at the first evidence (its kinds, most frequent first, are
    tested first): a first document that is not even an object changes nothing."""
    rubric = fast.allow_compiling(parse_rubric(copy.deepcopy(CONACES.raw)))
    same_outcome(rubric, "not evidence")
    same_outcome(rubric, {"items": "nor this", "as_of": "2021-03-01"})
    same_outcome(rubric, copy.deepcopy(BASE))


def test_points_keep_the_decimals_score_writes() -> None:
    """Sums of points are done in integers; they come back with the exponent the
    engine's Decimal sums have (1.60 + 0.25 is 1.85, 1 + 1 is 2, none is 0)."""
    raw = copy.deepcopy(BASE)
    raw["items"] += [
        {"id": "p1", "kind": "producto", "type": "tesis_doctoral", "cvlac": True},
        {"id": "p2", "kind": "producto", "type": "capitulo", "cvlac": True},
        {"id": "p3", "kind": "producto", "type": "otro", "cvlac": True},
        {"id": "e1", "kind": "evaluacion_calidad", "type": "sala_conaces", "year": 2015},
        {"id": "e2", "kind": "evaluacion_calidad", "type": "registro_calificado", "year": 2016},
    ]
    same_outcome(CONACES, raw)
    groups = score_figures(CONACES, raw).groups
    assert [str(g) for g in groups] == [str(r.result) for r in score(CONACES, raw).groups]
