"""Properties of the scoring engine, checked on generated evidence for the shipped rubrics.

Caps are never exceeded; more evidence never lowers a total (what is "additional" to a
requirement counts only once the requirement is met, and among several met alternatives
the one best for the applicant is used); the order of the items never changes a figure; the period rule counts whole months and merges exactly; the
same evidence always gives the same result.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from merito.rubrics import Rubric, ScoreResult, load_rubric, parse_rubric, score
from merito.rubrics.evidence import FieldSpec
from merito.rubrics.fast import allow_compiling
from merito.rubrics.periods import completed_months, merge, years_before
from merito.rubrics.result import MET, NOT_MET

D = Decimal
EPOCH = date(1990, 1, 1)
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONACES = load_rubric("conaces-pares-2021")
SIMO = load_rubric("cnsc-bateria-2026")
MINEDU = load_rubric("minedu-ascenso-2019")
# The Peru rubric ships without its per-escala values (requirements stay «pendiente»);
# with values filled in, the min_years and min_score paths run too.
MINEDU_SET = MINEDU.with_parameters(
    {
        "tiempo_minimo": {str(escala): str(escala + 1) for escala in range(1, 7)},
        "pun_minimo": {str(escala): "40" for escala in range(1, 7)},
    }
)
# No shipped rubric declares total_cap: a copy of CONACES with one exercises it.
# Built here, not read from a user's file: it may be compiled like the shipped ones.
CONACES_TOTAL_CAP = allow_compiling(parse_rubric({**CONACES.raw, "total_cap": "15"}))
ALL_RUBRICS = [CONACES, CONACES_TOTAL_CAP, SIMO, MINEDU, MINEDU_SET]

CONACES_AREAS = [
    "Agronomía, Veterinaria y Afines",
    "Bellas Artes",
    "Economía, Administración, Contaduría y Afines",
    "Ingeniería, Arquitectura, Urbanismo y Afines",
]
# Field values the rubrics' conditions look at, so generated evidence meets and misses them.
OVERRIDES: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("titulo", "area"): st.sampled_from(CONACES_AREAS),
    ("evaluacion_calidad", "year"): st.integers(2005, 2024),
    ("educacion_informal", "hours"): st.integers(0, 120),
}
SIMO_SCORED_KINDS = ["educacion_formal", "educacion_informal", "experiencia"]
MINEDU_ADDING_KINDS = sorted(set(MINEDU.kinds) - {"periodo_no_computable"})


# --- strategies -------------------------------------------------------------------------


def dates_up_to(as_of: date) -> st.SearchStrategy[date]:
    """Any day from 1990 to ``as_of``, often within the last six years (date windows)."""
    return st.one_of(st.dates(EPOCH, as_of), st.dates(max(EPOCH, years_before(as_of, 6)), as_of))


def field_value(kind: str, spec: FieldSpec, as_of: date) -> st.SearchStrategy[Any]:
    if (kind, spec.name) in OVERRIDES:
        return OVERRIDES[(kind, spec.name)]
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "choice":
        return st.sampled_from(spec.choices)
    if spec.type == "int":
        low = int(spec.minimum or 0)
        return st.integers(low, low + 100)
    if spec.type == "decimal":
        low = spec.minimum or D(0)
        return st.decimals(low, low + 100, places=2).map(str)
    if spec.type == "date":
        return dates_up_to(as_of).map(date.isoformat)
    return st.sampled_from(["", "Universidad Nacional", "Sociedad Colombiana"])


@st.composite
def periods_up_to(draw: st.DrawFn, as_of: date) -> tuple[date, date]:
    """``start <= end <= as_of``: short periods and long ones (around the year thresholds)."""
    start = draw(st.dates(EPOCH, as_of))
    days = draw(st.one_of(st.integers(0, 400), st.integers(0, 12_000)))
    return start, min(start + timedelta(days=days), as_of)


@st.composite
def items(draw: st.DrawFn, rubric: Rubric, kind: str, as_of: date) -> dict[str, Any]:
    """One valid evidence item of ``kind`` (without its ``id``)."""
    spec = rubric.kinds[kind]
    item: dict[str, Any] = {"kind": kind}
    for name, field in spec.fields.items():
        if field.required or draw(st.booleans()):
            item[name] = draw(field_value(kind, field, as_of))
    if spec.period:
        start, end = draw(periods_up_to(as_of))
        item["start"] = start.isoformat()
        if end < as_of or draw(st.booleans()):
            item["end"] = end.isoformat()  # else blank: still going on at as_of
    return item


@st.composite
def period_ending_near(draw: st.DrawFn, as_of: date, shortest: int, longest: int) -> dict[str, str]:
    """A period of ``shortest``..``longest`` days that ends in the year before ``as_of``."""
    end = draw(st.dates(max(EPOCH, as_of - timedelta(days=365)), as_of))
    start = max(EPOCH, end - timedelta(days=draw(st.integers(shortest, longest))))
    return {"start": start.isoformat(), "end": end.isoformat()}


def conaces_core(as_of: date) -> list[st.SearchStrategy[dict[str, Any]]]:
    """Items that (nearly) meet each CONACES requirement, so the eligible side is explored
    and the 10- and 7-year thresholds are crossed often."""
    return [
        st.sampled_from(CONACES_AREAS[:3]).map(
            lambda area: {"kind": "titulo", "level": "doctorado", "area": area}
        ),
        period_ending_near(as_of, 9 * 365, 16 * 365).map(
            lambda period: {
                "kind": "experiencia",
                "category": "docencia_superior",
                "dedication": "tiempo_completo",
                **period,
            }
        ),
        period_ending_near(as_of, 6 * 365, 12 * 365).map(
            lambda period: {"kind": "experiencia", "category": "direccion_academica", **period}
        ),
        st.just({"kind": "producto", "type": "articulo", "cvlac": True}),
        st.dates(years_before(as_of, 5), as_of).map(
            lambda day: {
                "kind": "proceso_acreditacion",
                "type": "programa_nacional",
                "date": day.isoformat(),
            }
        ),
        st.integers(2010, 2020).map(
            lambda year: {"kind": "evaluacion_calidad", "type": "registro_calificado", "year": year}
        ),
    ]


def simo_core(as_of: date) -> list[st.SearchStrategy[dict[str, Any]]]:
    return [
        st.just({"kind": "educacion_formal", "level": "profesional"}),
        period_ending_near(as_of, 300, 1500).map(
            lambda period: {"kind": "experiencia", "type": "profesional_relacionada", **period}
        ),
    ]


def minedu_core(as_of: date) -> list[st.SearchStrategy[dict[str, Any]]]:
    return [
        period_ending_near(as_of, 365, 3000).map(
            lambda period: {"kind": "servicio_escala", **period}
        )
    ]


CORES = {
    "conaces-pares-2021": conaces_core,
    "cnsc-bateria-2026": simo_core,
    "minedu-ascenso-2019": minedu_core,
}


@st.composite
def evidences(
    draw: st.DrawFn,
    rubric: Rubric,
    kinds: list[str] | None = None,
    max_items: int = 10,
) -> dict[str, Any]:
    """A valid evidence document for ``rubric``: items get the unique ids i0, i1, …"""
    as_of = draw(st.dates(date(2012, 1, 1), date(2026, 12, 31)))
    names = kinds or sorted(rubric.kinds)
    raw_items = []
    if draw(st.booleans()):  # half the time, start from items that meet the requirements
        raw_items = [draw(core) for core in CORES[rubric.id](as_of) if draw(st.integers(0, 9))]
    raw_items += draw(
        st.lists(
            st.sampled_from(names).flatmap(lambda k: items(rubric, k, as_of)), max_size=max_items
        )
    )
    for index, item in enumerate(raw_items):
        item["id"] = f"i{index}"
    facts = {}
    for name, spec in rubric.facts.items():
        if spec.required or draw(st.booleans()):
            facts[name] = draw(field_value("", spec, as_of))
    tests = {}
    for name, maximum in rubric.tests.items():
        if draw(st.booleans()):
            passing = st.decimals(maximum * D("0.6"), maximum, places=1)
            tests[name] = str(draw(st.one_of(st.decimals(0, maximum, places=1), passing)))
    return {
        "applicant_id": "CC-79123456",
        "as_of": as_of.isoformat(),
        "facts": facts,
        "tests": tests,
        "items": raw_items,
    }


@st.composite
def evidence_and_extra(
    draw: st.DrawFn, rubric: Rubric, kinds: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Evidence ``E`` and one more valid item ``X`` (id ``x``) of any of ``kinds``."""
    evidence = draw(evidences(rubric, kinds))
    as_of = date.fromisoformat(evidence["as_of"])
    kind = draw(st.sampled_from(kinds or sorted(rubric.kinds)))
    extra = draw(items(rubric, kind, as_of))
    extra["id"] = "x"
    return evidence, extra


def with_items(evidence: dict[str, Any], new_items: list[dict[str, Any]]) -> dict[str, Any]:
    return {**evidence, "items": new_items}


def figures(rubric: Rubric, result: ScoreResult) -> dict[str, Any]:
    """Every figure and status of a result, and the *sets* of items used and rejected.

    Explanatory text (details, notes, reasons) and the order of the lists are left out.
    For a ``highest`` criterion the item kept among equal best ones is not a figure
    (see ``test_which_of_two_equal_best_titles_counts_depends_on_the_order``): only the
    items it looked at and the points it kept are compared.
    """

    def ids(entries: list[dict[str, Any]]) -> frozenset[str]:
        return frozenset(entry["item"] for entry in entries)

    def criterion(c: dict[str, Any]) -> tuple[Any, ...]:
        figures = (c["id"], c["raw"], c["cap"], c["points"], c["weight"], c["result"])
        if rubric.criterion(c["id"]).method == "highest":
            kept = tuple(sorted(use["points"] for use in c["used"]))
            return (*figures, kept, ids(c["used"]) | ids(c["rejected"]))
        return (*figures, ids(c["used"]), ids(c["rejected"]))

    data = result.to_dict()
    return {
        "status": (data["status"], data["eligible"]),
        "requirements": [
            (r["id"], r["status"], r["withdraws"], ids(r["used"]), ids(r["rejected"]))
            for r in data["requirements"]
        ],
        "groups": [
            (
                g["id"],
                g["raw"],
                g["cap"],
                g["points"],
                g["weight"],
                g["result"],
                [criterion(c) for c in g["criteria"]],
            )
            for g in data["groups"]
        ],
        "total": (data["total_raw"], data["total_cap"], data["total"]),
        "bonuses": [(b["id"], b["applies"], b["amount"]) for b in data["bonuses"]],
        "final": data["final"],
    }


RUBRIC_IDS = ["conaces", "conaces-total-cap", "simo", "minedu", "minedu-parameters"]
each_rubric = pytest.mark.parametrize("rubric", ALL_RUBRICS, ids=RUBRIC_IDS)


# --- 1. caps ----------------------------------------------------------------------------


@each_rubric
@PROPERTIES
@given(data=st.data())
def test_no_criterion_group_or_total_exceeds_its_cap(rubric: Rubric, data: st.DataObject) -> None:
    result = score(rubric, data.draw(evidences(rubric)))
    for group in result.groups:
        for c in group.criteria:
            assert c.points <= c.raw
            if c.cap is not None:
                assert c.points <= c.cap
                assert c.points == min(c.raw, c.cap)
            else:
                assert c.points == c.raw
            assert c.result == (c.points * c.weight / 100 if c.weight is not None else c.points)
        assert group.raw == sum((c.result for c in group.criteria), D(0))
        assert group.points <= group.raw
        if group.cap is not None:
            assert group.points <= group.cap
            assert group.points == min(group.raw, group.cap)
    assert result.total_raw == sum((g.result for g in result.groups), D(0))
    if result.total_cap is not None:
        assert result.total <= result.total_cap
    assert result.total >= 0
    if "total" not in rubric.precision:
        assert result.total == (
            min(result.total_raw, result.total_cap)
            if result.total_cap is not None
            else result.total_raw
        )


# --- 2. more evidence never lowers a score ---------------------------------------------


def check_adding_never_lowers(
    rubric: Rubric, evidence: dict[str, Any], extra: dict[str, Any]
) -> None:
    before = score(rubric, evidence)
    after = score(rubric, with_items(evidence, [*evidence["items"], extra]))
    event("eligible before" if before.eligible else "ineligible before")
    assert after.total >= before.total, (before.to_dict(), after.to_dict())
    assert after.final >= before.final


@PROPERTIES
@given(evidence_and_extra(CONACES))
def test_conaces_adding_an_item_never_lowers_the_total(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    check_adding_never_lowers(CONACES, *case)


@PROPERTIES
@given(evidence_and_extra(SIMO, SIMO_SCORED_KINDS))
def test_simo_adding_an_item_never_lowers_the_total(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    check_adding_never_lowers(SIMO, *case)


@pytest.mark.parametrize("rubric", [MINEDU, MINEDU_SET], ids=["minedu", "minedu-parameters"])
@PROPERTIES
@given(data=st.data())
def test_minedu_adding_an_item_never_lowers_the_total(rubric: Rubric, data: st.DataObject) -> None:
    # periodo_no_computable subtracts by design, so it is neither generated nor added;
    # MINEDU consumes nothing, so here the property holds with no exception at all.
    evidence, extra = data.draw(evidence_and_extra(rubric, MINEDU_ADDING_KINDS))
    before = score(rubric, evidence)
    after = score(rubric, with_items(evidence, [*evidence["items"], extra]))
    assert after.total >= before.total
    assert after.final >= before.final


def test_adding_an_exclusion_item_excludes_but_does_not_lower_the_total() -> None:
    evidence = {
        "as_of": "2021-03-01",
        "items": [
            {"id": "s1", "kind": "sociedad", "name": "ASCOLFA"},
            {"id": "p1", "kind": "producto", "type": "libro", "cvlac": True},
        ],
    }
    post = {
        "id": "x",
        "kind": "experiencia",
        "category": "otra",
        "higher_education_public_post": True,
        "start": "2020-01-01",
    }
    before = score(CONACES, evidence)
    after = score(CONACES, with_items(evidence, [*evidence["items"], post]))
    assert next(r for r in after.requirements if r.id == "inhabilidad").status == NOT_MET
    assert not after.eligible
    assert after.total == before.total == D(4)


def test_conaces_one_more_month_that_meets_a_consuming_requirement() -> None:
    # 83 months of direction: the 7-year requirement is not met, so nothing is
    # "additional" to it (it used to earn 6 × 5 = 30, capped at 15, and then drop to 0).
    evidence = {
        "as_of": "2021-03-01",
        "items": [
            {
                "id": "d1",
                "kind": "experiencia",
                "category": "direccion_academica",
                "start": "2010-01-01",
                "end": "2016-11-30",  # 83 months: 6 years × 5 = 30, capped at 15
            }
        ],
    }
    month = {
        "id": "x",
        "kind": "experiencia",
        "category": "direccion_academica",
        "start": "2016-12-01",
        "end": "2016-12-31",
    }
    before = score(CONACES, evidence)
    after = score(CONACES, with_items(evidence, [*evidence["items"], month]))
    assert (before.total, after.total) == (D(0), D(0))
    assert not before.eligible and after.requirements[2].status == MET


def test_simo_a_posgrado_that_meets_the_vrm_by_equivalence() -> None:
    # Not admitted: no VA factor is "additional" to an unmet VRM (it used to give 1.5,
    # then 0 once the posgrado met the VRM by equivalence and consumed both titles).
    evidence = {
        "as_of": "2026-01-01",
        "items": [{"id": "p", "kind": "educacion_formal", "level": "profesional"}],
    }
    posgrado = {"id": "x", "kind": "educacion_formal", "level": "especializacion"}
    before = score(SIMO, evidence)
    after = score(SIMO, with_items(evidence, [*evidence["items"], posgrado]))
    assert (before.total, after.total) == (D(0), D(0))
    assert (before.requirements[0].status, after.requirements[0].status) == (NOT_MET, MET)


def test_simo_more_experience_switches_the_vrm_alternative() -> None:
    # Both alternatives are met after the extra year; the one leaving more points is used
    # (the first alternative would consume 24 months and give 41.5).
    evidence = {
        "as_of": "2026-01-01",
        "tests": {"basicas": 80},
        "items": [
            {"id": "p", "kind": "educacion_formal", "level": "profesional"},
            {"id": "s", "kind": "educacion_formal", "level": "especializacion"},
            {
                "id": "e1",
                "kind": "experiencia",
                "type": "profesional_relacionada",
                "start": "2020-01-01",
                "end": "2020-12-31",
            },
        ],
    }
    year = {
        "id": "x",
        "kind": "experiencia",
        "type": "profesional_relacionada",
        "start": "2021-01-01",
        "end": "2021-12-31",
    }
    before = score(SIMO, evidence)
    after = score(SIMO, with_items(evidence, [*evidence["items"], year]))
    assert before.eligible and after.eligible
    assert before.total == D("42.4")
    assert after.total == D("44.8")  # the equivalence again; the new year earns 20 × 40 % × 30 %
    assert "se usa la que deja más puntaje" in after.requirements[0].detail


# --- 3. the order of the items does not matter ------------------------------------------


@each_rubric
@PROPERTIES
@given(data=st.data())
def test_the_order_of_the_items_never_changes_a_figure(rubric: Rubric, data: st.DataObject) -> None:
    evidence = data.draw(evidences(rubric))
    shuffled = data.draw(st.permutations(evidence["items"]))
    assert figures(rubric, score(rubric, with_items(evidence, shuffled))) == figures(
        rubric, score(rubric, evidence)
    )


def test_which_of_two_equal_best_titles_counts_never_depends_on_the_order() -> None:
    titles = [
        {"id": "a", "kind": "posgrado", "nivel": "doctor"},
        {"id": "b", "kind": "posgrado", "nivel": "doctor"},
    ]
    evidence = {"as_of": "2019-10-01", "facts": {"escala": "2"}, "items": titles}

    def used(result: ScoreResult) -> set[str]:
        [posgrado] = [c for g in result.groups for c in g.criteria if c.id == "posgrado"]
        return {use.item for use in posgrado.used}

    forward = score(MINEDU, evidence)
    backward = score(MINEDU, with_items(evidence, titles[::-1]))
    assert forward.total == backward.total
    assert used(forward) == used(backward)


# --- 4. the period rule -----------------------------------------------------------------


def whole_months(start: date, after: date) -> int:
    """Count month steps from ``start`` while the same day-of-month, ``n`` months later,
    is not after ``after``; days are compared as (year, month, day), so 31 January plus
    one month is «31 February», after 28 February and before 1 March."""
    count = 0
    while True:
        step = start.month - 1 + count + 1
        year, month = start.year + step // 12, step % 12 + 1
        if (year, month, start.day) > (after.year, after.month, after.day):
            return count
        count += 1


day_in_range = st.dates(EPOCH, date(2030, 12, 31))


@PROPERTIES
@given(day_in_range, st.integers(0, 5000))
def test_completed_months_are_the_whole_months_to_the_day_after_the_end(
    start: date, length: int
) -> None:
    end = start + timedelta(days=length)
    months = completed_months(start, end)
    assert months == whole_months(start, end + timedelta(days=1))
    assert 0 <= months <= (length + 1) // 28


@PROPERTIES
@given(day_in_range, st.integers(0, 3000), st.integers(0, 3000))
def test_months_of_a_period_never_decrease_as_it_grows(day: date, k: int, more: int) -> None:
    shorter = completed_months(day, day + timedelta(days=k))
    longer = completed_months(day, day + timedelta(days=k + more))
    assert shorter <= longer


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2010, 1, 1), date(2010, 12, 31), 12),
        (date(2011, 3, 1), date(2012, 2, 28), 11),
        (date(2012, 3, 1), date(2013, 2, 28), 12),
        (date(2020, 1, 31), date(2020, 2, 28), 0),
        (date(2020, 1, 31), date(2020, 2, 29), 1),
        (date(2020, 5, 5), date(2020, 5, 5), 0),
    ],
)
def test_completed_months_examples(start: date, end: date, months: int) -> None:
    assert completed_months(start, end) == months


def days_of(periods: list[tuple[date, date]]) -> set[int]:
    return {day for start, end in periods for day in range(start.toordinal(), end.toordinal() + 1)}


short_periods = st.lists(
    st.tuples(st.dates(date(2000, 1, 1), date(2003, 12, 31)), st.integers(0, 200)).map(
        lambda pair: (pair[0], pair[0] + timedelta(days=pair[1]))
    ),
    max_size=12,
)


@PROPERTIES
@given(short_periods)
def test_merge_is_sorted_disjoint_non_adjacent_and_covers_the_same_days(
    periods: list[tuple[date, date]],
) -> None:
    merged = merge(periods)
    assert all(start <= end for start, end in merged)
    assert merged == sorted(merged)
    for (_, first_end), (second_start, _) in pairwise(merged):
        assert second_start > first_end + timedelta(days=1)  # a gap of at least one day
    assert days_of(merged) == days_of(periods)
    assert merge(merged) == merged


# --- 5. determinism ---------------------------------------------------------------------


@each_rubric
@PROPERTIES
@given(data=st.data())
def test_scoring_the_same_evidence_twice_gives_the_same_result(
    rubric: Rubric, data: st.DataObject
) -> None:
    evidence = data.draw(evidences(rubric))
    first = score(rubric, evidence)
    second = score(rubric, evidence)
    assert first.to_dict() == second.to_dict()
    assert first.to_text() == second.to_text()
    assert first == second
