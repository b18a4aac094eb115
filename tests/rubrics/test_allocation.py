"""Vacancy allocation: strict merit order per group, reserved quotas, eligibility."""

from __future__ import annotations

from decimal import Decimal
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from merito.rubrics.allocation import (
    GENERAL,
    AllocationError,
    GroupSummary,
    Placement,
    Quota,
    Rounding,
    allocate,
    ties_deciding_seats,
)
from merito.rubrics.ranking import Group, RankedResult, Result, rank

D = Decimal
G: Group = ("ÁNCASH", "EBR Primaria", "Segunda Escala")
DISABILITY = Quota("disability", D("0.34"))


def ranked(*specs: str, group: Group = G) -> list[RankedResult]:
    """Applicants in merit order; ``"B*"`` holds the disability quota, ``"C-"`` is withdrawn."""
    entries = []
    for position, spec in enumerate(specs, start=1):
        applicant_id = spec.rstrip("*-")
        entries.append(
            RankedResult(
                position,
                Result(
                    applicant_id,
                    D(100 - position),
                    group,
                    eligible="-" not in spec,
                    quotas=frozenset({"disability"}) if "*" in spec else frozenset(),
                ),
            )
        )
    return entries


def seats(entries: list[RankedResult], vacancies: int, *quotas: Quota) -> dict[str, str]:
    return allocate(entries, {G: vacancies}, quotas).seats


def test_vacancies_go_in_strict_merit_order() -> None:
    assert seats(ranked("A", "B", "C", "D"), 2) == {"A": GENERAL, "B": GENERAL}


def test_a_withdrawn_applicant_keeps_the_rank_but_not_a_seat() -> None:
    allocation = allocate(ranked("A-", "B", "C", "D"), {G: 2})
    assert allocation.seats == {"B": GENERAL, "C": GENERAL}
    first = next(allocation.placements())
    assert first == Placement("A", G, 1, False, None)
    assert not first.assigned


def test_a_reserved_seat_goes_to_the_best_ranked_quota_applicant() -> None:
    # 34 % of 3 is 1.02 → 1 reserved (floor): A and B take the 2 general seats, and the
    # reserved one goes to D, the best-ranked disability applicant, ahead of C.
    allocation = allocate(ranked("A", "B", "C", "D*", "E*"), {G: 3}, [DISABILITY])
    assert allocation.seats == {"A": GENERAL, "B": GENERAL, "D": "disability"}
    assert allocation.groups == [GroupSummary(G, 3, {"disability": 1}, {"disability": 1}, 0, 2, 0)]


def test_a_quota_applicant_who_wins_on_merit_does_not_use_the_reserved_seat() -> None:
    # The reserve is a floor: A takes a general seat and D still gets the reserved one.
    assert seats(ranked("A*", "B", "C", "D*"), 3, DISABILITY) == {
        "A": GENERAL,
        "B": GENERAL,
        "D": "disability",
    }


def test_a_reserved_seat_nobody_can_take_goes_back_to_merit_order() -> None:
    allocation = allocate(ranked("A*", "B", "C", "D", "E-*"), {G: 3}, [DISABILITY])
    assert allocation.seats == {"A": GENERAL, "B": GENERAL, "C": GENERAL}
    assert allocation.groups == [GroupSummary(G, 3, {"disability": 1}, {"disability": 0}, 1, 3, 0)]


def test_the_worked_example_of_the_documentation() -> None:
    entries = ranked("40727953-", "31681751*", "31642325", "44417178", "31633516*")
    assert seats(entries, 3, DISABILITY) == {
        "31681751": GENERAL,
        "31642325": GENERAL,
        "31633516": "disability",
    }
    # Without a disability applicant after the general seats, the reserved one goes back.
    entries = ranked("40727953-", "31681751*", "31642325", "44417178", "31633516")
    assert seats(entries, 3, DISABILITY) == {
        "31681751": GENERAL,
        "31642325": GENERAL,
        "44417178": GENERAL,
    }


def test_seats_beyond_the_eligible_applicants_stay_unfilled() -> None:
    allocation = allocate(ranked("A", "B-", "C*"), {G: 5}, [Quota("disability", D("0.2"))])
    assert allocation.seats == {"A": GENERAL, "C": GENERAL}
    assert allocation.groups[0].unfilled == 3


def test_groups_are_allocated_independently() -> None:
    north, south = ("norte",), ("sur",)
    entries = ranked("A", "B", group=north) + ranked("C", "D", group=south)
    allocation = allocate(entries, {north: 1, south: 0, ("este",): 2})
    assert allocation.seats == {"A": GENERAL}
    assert [(s.group, s.vacancies, s.unfilled) for s in allocation.groups] == [
        (("este",), 2, 2),
        (north, 1, 0),
        (south, 0, 0),
    ]


def test_ranks_given_out_of_order_are_put_in_merit_order() -> None:
    entries = ranked("A", "B", "C")
    allocation = allocate([entries[2], entries[0], entries[1]], {G: 2})
    assert allocation.seats == {"A": GENERAL, "B": GENERAL}
    assert [p.applicant_id for p in allocation.placements()] == ["A", "B", "C"]


def test_a_ranking_from_rank_is_allocated_directly() -> None:
    ranking = rank([Result("x", D("1"), G), Result("y", D("2"), G)])
    assert allocate(ranking, {G: 1}).seats == {"y": GENERAL}


def test_a_tie_is_flagged_only_when_it_decides_a_seat() -> None:
    results = [
        Result("A", D("90"), G),
        Result("B", D("80"), G, quotas=frozenset({"disability"})),
        Result("C", D("80"), G),
        Result("D", D("70"), G),
        Result("E", D("70"), G),
    ]
    ranking = rank(results)
    boundary, lower = ranking.ties  # B-C at ranks 2-3, D-E at ranks 4-5
    # Two general seats: A, then B over C only by applicant_id.
    allocation = allocate(ranking, {G: 2})
    assert ties_deciding_seats(allocation, ranking.ties) == [boundary]
    # Three seats: B and C both seated, D and E both out — no tie decides a seat.
    assert ties_deciding_seats(allocate(ranking, {G: 3}), ranking.ties) == []
    # One general seat (A) and one reserved: B takes it by quota, which C does not hold.
    allocation = allocate(ranking, {G: 2}, [Quota("disability", D("0.5"))])
    assert allocation.seats == {"A": GENERAL, "B": "disability"}
    assert ties_deciding_seats(allocation, ranking.ties) == []
    assert lower.first_rank == 4


@pytest.mark.parametrize(
    ("share", "rounding", "vacancies", "reserved"),
    [
        ("0.05", Rounding.FLOOR, 30, 1),  # 1.5
        ("0.05", Rounding.CEIL, 30, 2),
        ("0.05", Rounding.HALF_UP, 30, 2),
        ("0.05", Rounding.FLOOR, 19, 0),  # 0.95
        ("0.05", Rounding.CEIL, 19, 1),
        ("0.05", Rounding.HALF_UP, 10, 1),  # 0.5
        ("0.05", Rounding.HALF_UP, 9, 0),  # 0.45
        ("0.05", Rounding.CEIL, 0, 0),
        ("1", Rounding.FLOOR, 7, 7),
    ],
)
def test_the_reserved_share_is_rounded_as_declared(
    share: str, rounding: Rounding, vacancies: int, reserved: int
) -> None:
    assert Quota("disability", D(share), rounding).reserved(vacancies) == reserved


def test_rounding_up_never_reserves_more_than_the_vacancies() -> None:
    first = Quota("disability", D("0.05"), Rounding.CEIL)
    second = Quota("licenciado", D("0.05"), Rounding.CEIL)
    allocation = allocate(ranked("A*"), {G: 1}, [first, second])
    # Quotas take seats in the order given: the only seat is the first quota's.
    assert allocation.groups[0].reserved == {"disability": 1, "licenciado": 0}
    assert allocation.seats == {"A": "disability"}


def test_an_applicant_whose_group_has_no_vacancies_entry_is_an_error() -> None:
    with pytest.raises(AllocationError, match=r"'sur' \(postulante A\) no figura"):
        allocate(ranked("A", group=("sur",)), {G: 1})


@pytest.mark.parametrize(
    ("entries", "vacancies", "quotas", "message"),
    [
        (ranked("A"), {G: -1}, [], "vacantes negativas"),
        (ranked("A") + ranked("A"), {G: 1}, [], "El postulante A aparece más de una vez"),
        (ranked("A") + ranked("B"), {G: 1}, [], "El puesto 1 del grupo .* se repite .A y B."),
        ([RankedResult(0, Result("A", D(1), G))], {G: 1}, [], "Puesto no válido .0."),
        (
            ranked("A"),
            {G: 1},
            [Quota("a", D("0.6")), Quota("b", D("0.5"))],
            "suman más del 100 %",
        ),
        (ranked("A"), {G: 1}, [Quota("a", D("0.1")), Quota("a", D("0.1"))], "más de una vez"),
    ],
)
def test_bad_allocation_input_is_refused(
    entries: list[RankedResult],
    vacancies: dict[Group, int],
    quotas: list[Quota],
    message: str,
) -> None:
    with pytest.raises(AllocationError, match=message):
        allocate(entries, vacancies, quotas)


@pytest.mark.parametrize(("name", "share"), [("general", "0.1"), ("", "0.1"), ("d", "1.5")])
def test_a_bad_quota_is_refused(name: str, share: str) -> None:
    with pytest.raises(AllocationError):
        Quota(name, D(share))


# --- properties -------------------------------------------------------------------------

GROUPS = [("norte",), ("sur",), ("centro",)]
applicants = st.lists(
    st.tuples(
        st.sampled_from(GROUPS),
        st.sampled_from(["80", "84", "90", "96.600"]),
        st.booleans(),  # eligible (mostly)
        st.frozensets(st.sampled_from(["disability", "licenciado"])),
    ),
    max_size=40,
)
quota_lists = st.lists(
    st.builds(
        Quota,
        st.sampled_from(["disability", "licenciado"]),
        st.sampled_from([D("0"), D("0.05"), D("0.2"), D("0.34")]),
        st.sampled_from(list(Rounding)),
    ),
    max_size=2,
    unique_by=lambda quota: quota.name,
)


def build(rows: list[tuple[Group, str, bool, frozenset[str]]]) -> list[Result]:
    return [
        Result(f"P{index:03d}", D(final), group, eligible=eligible, quotas=quotas)
        for index, (group, final, eligible, quotas) in enumerate(rows)
    ]


@given(applicants, st.lists(st.integers(0, 6), min_size=3, max_size=3), quota_lists)
def test_no_vacancy_goes_to_a_lower_ranked_applicant_over_a_higher_one(
    rows: list[tuple[Group, str, bool, frozenset[str]]],
    counts: list[int],
    quotas: list[Quota],
) -> None:
    """Within a group, if B has a seat and A is eligible, ranked above B and has none, then
    B's seat is reserved for a quota A does not hold: in the general pool and inside each
    quota's pool the merit order is never skipped."""
    vacancies = dict(zip(GROUPS, counts, strict=True))
    allocation = allocate(rank(build(rows)), vacancies, quotas)
    placements = list(allocation.placements())
    for higher in placements:
        for lower in placements:
            if (
                higher.group == lower.group
                and higher.rank < lower.rank
                and higher.eligible
                and lower.assigned
                and not higher.assigned
            ):
                assert lower.assigned_by != GENERAL
                assert lower.assigned_by is not None
                holder = next(
                    e for e in allocation.entries if e.applicant_id == higher.applicant_id
                )
                assert lower.assigned_by not in holder.result.quotas


@given(applicants, st.lists(st.integers(0, 6), min_size=3, max_size=3), quota_lists)
def test_seats_never_exceed_vacancies_and_fill_them_while_eligible_applicants_remain(
    rows: list[tuple[Group, str, bool, frozenset[str]]],
    counts: list[int],
    quotas: list[Quota],
) -> None:
    vacancies = dict(zip(GROUPS, counts, strict=True))
    allocation = allocate(rank(build(rows)), vacancies, quotas)
    placements = list(allocation.placements())
    for summary in allocation.groups:
        members = [p for p in placements if p.group == summary.group]
        seated = [p for p in members if p.assigned]
        eligible = [p for p in members if p.eligible]
        assert len(seated) == min(summary.vacancies, len(eligible))
        assert all(p.eligible for p in seated)
        for quota in quotas:
            by_quota = sum(1 for p in seated if p.assigned_by == quota.name)
            assert by_quota == summary.filled_by_quota[quota.name]
            assert by_quota <= summary.reserved[quota.name] <= quota.reserved(summary.vacancies)
        assert summary.unfilled == summary.vacancies - len(seated)


@given(applicants, st.lists(st.integers(0, 6), min_size=3, max_size=3), quota_lists, st.randoms())
def test_allocation_does_not_depend_on_the_input_order(
    rows: list[tuple[Group, str, bool, frozenset[str]]],
    counts: list[int],
    quotas: list[Quota],
    random: Random,
) -> None:
    vacancies = dict(zip(GROUPS, counts, strict=True))
    ranking = rank(build(rows))
    shuffled = list(ranking.entries)
    random.shuffle(shuffled)
    expected = allocate(ranking, vacancies, quotas)
    assert allocate(shuffled, vacancies, quotas) == expected
