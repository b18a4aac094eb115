"""Merit order: final score first, then the tie-break chain, then applicant_id (reported)."""

from __future__ import annotations

from decimal import Decimal
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from merito.rubrics.ranking import FINAL, RankingError, Result, effective_chain, rank
from merito.rubrics.tiebreak import TieBreak

D = Decimal
PUN = TieBreak("pun", True, "Prueba Única Nacional")
AGE = TieBreak("age", False, "Edad")


def result(applicant_id: str, final: str, group: tuple[str, ...] = (), **values: str) -> Result:
    return Result(applicant_id, D(final), group, {name: D(value) for name, value in values.items()})


def order(results: list[Result], chain: list[TieBreak]) -> list[tuple[str, int]]:
    return [(entry.applicant_id, entry.rank) for entry in rank(results, chain).entries]


# The seed 001 acta (UGEL Huaraz, EBR Primaria), grouped by escala magisterial.
ACTA = [
    result("31642325", "105.500", ("Primera Escala",), pun="55.5"),
    result("44417178", "70.500", ("Primera Escala",), pun="64.5"),
    result("31633516", "96.600", ("Segunda Escala",), pun="69"),
    result("31681751", "107.000", ("Segunda Escala",), pun="57"),
    result("40727953", "111.500", ("Segunda Escala",), pun="61.5"),
]


def test_the_seed_acta_ranks_each_escala_by_final_score() -> None:
    assert order(ACTA, [PUN]) == [
        ("31642325", 1),
        ("44417178", 2),
        ("40727953", 1),
        ("31681751", 2),
        ("31633516", 3),
    ]


def test_a_global_ranking_puts_everyone_in_one_order() -> None:
    flat = [r._replace(group=()) for r in ACTA]
    assert [applicant for applicant, _ in order(flat, [])] == [
        "40727953",
        "31681751",
        "31642325",
        "31633516",
        "44417178",
    ]


def test_equal_finals_are_broken_by_the_chain_in_order() -> None:
    results = [
        result("A", "100", pun="60", age="40"),
        result("B", "100", pun="70", age="50"),
        result("C", "100", pun="60", age="35"),
        result("D", "101", pun="10", age="60"),
    ]
    ranking = rank(results, [PUN, AGE])
    # D wins on final; B on PUN; A and C tie on PUN, and the younger (age ascending) wins.
    assert [(e.applicant_id, e.rank) for e in ranking.entries] == [
        ("D", 1),
        ("B", 2),
        ("C", 3),
        ("A", 4),
    ]
    assert ranking.ties == []


def test_a_tie_the_chain_cannot_break_is_reported_and_ordered_by_applicant_id() -> None:
    results = [
        result("X9", "96.600", ("S",), pun="69"),
        result("A1", "120", ("S",), pun="70"),
        result("B2", "96.600", ("S",), pun="69.0"),
        result("C3", "96.6", ("S",), pun="69.00"),
        result("Z0", "50", ("S",), pun="10"),
    ]
    ranking = rank(results, [PUN])
    assert [(e.applicant_id, e.rank) for e in ranking.entries] == [
        ("A1", 1),
        ("B2", 2),
        ("C3", 3),
        ("X9", 4),
        ("Z0", 5),
    ]
    [tie] = ranking.ties
    assert (tie.group, tie.first_rank, tie.last_rank) == (("S",), 2, 4)
    assert tie.applicant_ids == ("B2", "C3", "X9")
    assert [link.field for link in tie.fields] == ["final", "pun"]
    assert [e.tie for e in ranking.entries] == [None, tie, tie, tie, None]
    assert tie.describe() == (
        "Empate no resuelto (grupo S, puestos 2–4): B2, C3, X9 son iguales en Puntaje final, "
        "Prueba Única Nacional; el orden entre ellos lo fija solo el código del postulante "
        "y no es un criterio de mérito."
    )


def test_ties_in_different_groups_are_separate() -> None:
    results = [
        result("1", "10", ("a",)),
        result("2", "10", ("b",)),
        result("3", "10", ("a",)),
    ]
    ranking = rank(results)
    assert [(t.group, t.applicant_ids) for t in ranking.ties] == [(("a",), ("1", "3"))]


def test_the_chain_may_spell_final_first_and_never_twice() -> None:
    assert effective_chain([]) == (FINAL,)
    assert effective_chain([PUN]) == (FINAL, PUN)
    assert effective_chain([TieBreak("final"), PUN]) == (FINAL, PUN)
    with pytest.raises(RankingError, match="mayor a menor"):
        effective_chain([TieBreak("final", descending=False)])
    with pytest.raises(RankingError, match="'final' aparece dos veces"):
        effective_chain([PUN, TieBreak("final")])
    with pytest.raises(RankingError, match="'pun' aparece dos veces"):
        effective_chain([PUN, PUN])


def test_a_missing_tie_break_value_names_the_applicant() -> None:
    with pytest.raises(RankingError, match="Falta 'Prueba Única Nacional' del postulante B"):
        rank([result("A", "1", pun="1"), result("B", "1")], [PUN])


def test_a_repeated_applicant_is_refused() -> None:
    with pytest.raises(RankingError, match="El postulante A aparece más de una vez"):
        rank([result("A", "1", ("x",)), result("A", "2", ("y",))])


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_a_non_finite_score_is_refused(value: str) -> None:
    with pytest.raises(RankingError, match="'Puntaje final' del postulante B no es un número"):
        rank([result("A", "1"), result("B", value)])


def test_long_decimals_are_compared_exactly() -> None:
    # 30 significant digits: negating with the default 28-digit context would round.
    high, low = "1.00000000000000000000000000002", "1.00000000000000000000000000001"
    assert order([result("L", low), result("H", high)], []) == [("H", 1), ("L", 2)]


def test_empty_input_gives_an_empty_ranking() -> None:
    ranking = rank([], [PUN])
    assert (ranking.entries, ranking.ties) == ([], [])


# Few distinct values, so ties on the final score and on the whole chain are common.
scores = st.sampled_from(["90", "90.0", "95.5", "100", "100.000", "84", "96.600"])
results_strategy = st.lists(
    st.builds(
        lambda applicant_id, final, group, pun, age: result(
            applicant_id, final, (group,), pun=pun, age=age
        ),
        st.text(alphabet="abcXYZ019ñ", min_size=1, max_size=4),
        scores,
        st.sampled_from(["norte", "sur", "Ñuñoa"]),
        st.sampled_from(["60", "64.5", "70"]),
        st.sampled_from(["30", "41"]),
    ),
    unique_by=lambda r: r.applicant_id,
    max_size=40,
)


def merit(entry_result: Result) -> tuple[Decimal, Decimal, Decimal]:
    return (-entry_result.final, -entry_result.tie_values["pun"], entry_result.tie_values["age"])


@given(results_strategy, st.randoms(use_true_random=False))
def test_ranking_is_deterministic_whatever_the_input_order(
    results: list[Result], random: Random
) -> None:
    shuffled = list(results)
    random.shuffle(shuffled)
    assert rank(shuffled, [PUN, AGE]) == rank(results, [PUN, AGE])


@given(results_strategy)
def test_ranking_is_a_total_order_within_each_group(results: list[Result]) -> None:
    ranking = rank(results, [PUN, AGE])
    assert sorted(e.applicant_id for e in ranking.entries) == sorted(
        r.applicant_id for r in results
    )
    by_group: dict[tuple[str, ...], list[Result]] = {}
    for entry in ranking.entries:
        members = by_group.setdefault(entry.group, [])
        members.append(entry.result)
        assert entry.rank == len(members)  # 1, 2, 3, ... with no gaps or repeats
    assert list(by_group) == sorted(by_group)
    for members in by_group.values():
        keys = [(merit(r), r.applicant_id) for r in members]
        assert keys == sorted(keys)
        assert len(set(keys)) == len(keys)


@given(results_strategy)
def test_exactly_the_applicants_equal_on_the_whole_chain_are_reported_tied(
    results: list[Result],
) -> None:
    ranking = rank(results, [PUN, AGE])
    for first in ranking.entries:
        for second in ranking.entries:
            if first is second:
                continue
            equal = first.group == second.group and merit(first.result) == merit(second.result)
            assert (first.tie is not None and first.tie == second.tie) == equal
    for tie in ranking.ties:
        assert tie.last_rank - tie.first_rank + 1 == len(tie.applicant_ids) >= 2
