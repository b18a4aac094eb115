"""Vacancy allocation (asignación de vacantes) in strict merit order, with reserved quotas.

Seed 001: vacancies are assigned "en estricto orden de mérito, dentro de los grupos de
competencia y escala magisterial ... hasta que se cubra la totalidad de plazas vacantes
asignadas a cada región, grupo de competencia y escala magisterial". ``docs/allocation.md``
states the rule in Spanish with a worked example; in short, for each group of ``V``
vacancies and quotas reserving ``R`` of them:

1. the first ``V - R`` eligible applicants in merit order take general seats, whatever
   quotas they hold (a reserved quota is a floor, never a ceiling);
2. each quota, in the order given, gives its reserved seats to the best-ranked eligible
   applicants holding it who have no seat yet;
3. reserved seats nobody could take go back to the general merit order: the best-ranked
   eligible applicants still without a seat take them.

Ineligible (withdrawn) applicants keep their rank but never take a seat.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import compress, pairwise
from operator import attrgetter, lt, ne
from typing import NamedTuple

from merito.rubrics.ranking import Group, RankedResult, Ranking, Result, UnresolvedTie

GENERAL = "general"
"""``assigned_by`` of a seat taken in the general merit order."""


class AllocationError(ValueError):
    """Input that cannot be allocated; the message is Spanish and names the group."""


class Rounding(StrEnum):
    """How a quota's share of a group's vacancies becomes a whole number of seats."""

    FLOOR = "floor"
    CEIL = "ceil"
    HALF_UP = "half_up"


_DECIMAL_ROUNDING = {
    Rounding.FLOOR: ROUND_FLOOR,
    Rounding.CEIL: ROUND_CEILING,
    Rounding.HALF_UP: ROUND_HALF_UP,
}


@dataclass(frozen=True, slots=True)
class Quota:
    """A share of each group's vacancies reserved for applicants flagged with ``name``."""

    name: str
    share: Decimal
    rounding: Rounding = Rounding.FLOOR

    def __post_init__(self) -> None:
        if not self.name or self.name == GENERAL:
            raise AllocationError(f"Nombre de cuota no válido: '{self.name}'.")
        if not self.share.is_finite() or not Decimal(0) <= self.share <= Decimal(1):
            raise AllocationError(
                f"La cuota '{self.name}' debe ser una fracción entre 0 y 1 (se recibió "
                f"{self.share})."
            )

    def reserved(self, vacancies: int) -> int:
        """Seats reserved out of ``vacancies``, e.g. 5 % of 30 is 1 (floor) or 2 (ceil)."""
        exact = self.share * vacancies
        return int(exact.to_integral_value(rounding=_DECIMAL_ROUNDING[self.rounding]))


class GroupSummary(NamedTuple):
    """How one group's vacancies were filled."""

    group: Group
    vacancies: int
    reserved: Mapping[str, int]
    """Seats reserved per quota (after rounding, capped at the group's vacancies)."""
    filled_by_quota: Mapping[str, int]
    returned: int
    """Reserved seats nobody could take, given back to the general merit order."""
    filled_general: int
    """General seats taken, returned ones included."""
    unfilled: int


class Placement(NamedTuple):
    """One applicant's outcome."""

    applicant_id: str
    group: Group
    rank: int
    eligible: bool
    assigned_by: str | None
    """``GENERAL``, a quota name, or None without a seat."""

    @property
    def assigned(self) -> bool:
        return self.assigned_by is not None


class Allocation(NamedTuple):
    """Output of :func:`allocate`."""

    entries: list[RankedResult]
    """The input, ordered by group and rank."""
    seats: dict[str, str]
    """``applicant_id`` → ``assigned_by`` for every applicant given a seat."""
    groups: list[GroupSummary]
    """One per group of ``vacancies``, in sorted group order."""

    def placements(self) -> Iterator[Placement]:
        """Every applicant's outcome, in group and rank order."""
        seats = self.seats
        for entry in self.entries:
            result = entry.result
            yield Placement(
                result.applicant_id,
                result.group,
                entry.rank,
                result.eligible,
                seats.get(result.applicant_id),
            )


def allocate(
    entries: Ranking | Iterable[RankedResult],
    vacancies: Mapping[Group, int],
    quotas: Sequence[Quota] = (),
) -> Allocation:
    """Give each group's ``vacancies`` to its applicants in merit order (see module doc).

    ``entries`` is a :class:`~merito.rubrics.ranking.Ranking` from ``rank`` or entries with
    ranks decided elsewhere (e.g. a committee resolving a tie; ranks then must be unique
    within a group and are checked).
    Raises :class:`AllocationError` for an applicant whose group has no vacancies entry,
    negative vacancies, a repeated rank or applicant, or quotas above 100 % together.
    """
    _check_quotas(quotas)
    for group, count in vacancies.items():
        if count < 0:
            raise AllocationError(f"El grupo {_label(group)} tiene vacantes negativas ({count}).")
    if isinstance(entries, Ranking):
        # rank() output is already in group and rank order, with unique applicants.
        ordered, runs = entries.entries, _group_runs(entries.entries)
    else:
        ordered, runs = _in_merit_order(list(entries))
    results = list(map(attrgetter("result"), ordered))
    eligible = list(map(attrgetter("eligible"), results))
    members: dict[Group, list[Result]] = {group: [] for group in vacancies}
    for begin, end in runs:
        group = results[begin].group
        if group not in members:
            raise AllocationError(
                f"El grupo {_label(group)} (postulante {results[begin].applicant_id}) "
                "no figura en el archivo de vacantes."
            )
        members[group] = list(compress(results[begin:end], eligible[begin:end]))

    seats: dict[str, str] = {}
    summaries = [
        _allocate_group(group, members[group], vacancies[group], quotas, seats)
        for group in sorted(members)
    ]
    return Allocation(entries=ordered, seats=seats, groups=summaries)


def ties_deciding_seats(
    allocation: Allocation, ties: Iterable[UnresolvedTie]
) -> list[UnresolvedTie]:
    """The unresolved ties that decide a seat: within the tie, an eligible applicant went
    without a seat that a tied one took in a pool open to both (the general order, or a
    quota they both hold). Only ``applicant_id`` decided it, so a person must (e.g. by
    fixing the ranks and allocating again)."""
    results = {entry.applicant_id: entry.result for entry in allocation.entries}
    deciding = []
    for tie in ties:
        members = [results[applicant_id] for applicant_id in tie.applicant_ids]
        left_out = [r for r in members if r.eligible and r.applicant_id not in allocation.seats]
        pools = {
            allocation.seats[r.applicant_id] for r in members if r.applicant_id in allocation.seats
        }
        if left_out and any(
            pool == GENERAL or any(pool in r.quotas for r in left_out) for pool in pools
        ):
            deciding.append(tie)
    return deciding


def _allocate_group(
    group: Group,
    eligible: list[Result],
    vacancies: int,
    quotas: Sequence[Quota],
    seats: dict[str, str],
) -> GroupSummary:
    """Fill one group's seats from its eligible applicants, given in merit order."""
    reserved: dict[str, int] = {}
    left = vacancies
    for quota in quotas:
        # Declared order decides when rounding up reserves more seats than there are.
        reserved[quota.name] = min(quota.reserved(vacancies), left)
        left -= reserved[quota.name]
    general = vacancies - sum(reserved.values())

    # 1. General seats: a prefix of the merit order.
    cursor = min(general, len(eligible))
    for result in eligible[:cursor]:
        seats[result.applicant_id] = GENERAL
    filled_general = cursor

    # 2. Reserved seats: the best-ranked holders of each quota not seated yet.
    filled_by_quota: dict[str, int] = {}
    for quota in quotas:
        wanted, filled = reserved[quota.name], 0
        index = cursor
        while filled < wanted and index < len(eligible):
            result = eligible[index]
            if quota.name in result.quotas and result.applicant_id not in seats:
                seats[result.applicant_id] = quota.name
                filled += 1
            index += 1
        filled_by_quota[quota.name] = filled

    # 3. Reserved seats nobody could take go back to the general merit order.
    returned = sum(reserved.values()) - sum(filled_by_quota.values())
    given_back = 0
    index = cursor
    while given_back < returned and index < len(eligible):
        result = eligible[index]
        if result.applicant_id not in seats:
            seats[result.applicant_id] = GENERAL
            given_back += 1
        index += 1
    filled_general += given_back

    return GroupSummary(
        group=group,
        vacancies=vacancies,
        reserved=reserved,
        filled_by_quota=filled_by_quota,
        returned=returned,
        filled_general=filled_general,
        unfilled=vacancies - filled_general - sum(filled_by_quota.values()),
    )


def _in_merit_order(
    entries: list[RankedResult],
) -> tuple[list[RankedResult], list[tuple[int, int]]]:
    """``entries`` ordered by group and rank, and each group's ``(begin, end)`` slice.

    Checks that applicants and each group's ranks are unique and ranks are positive.
    """
    ids = list(map(attrgetter("result.applicant_id"), entries))
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        for applicant_id in ids:
            if applicant_id in seen:
                raise AllocationError(f"El postulante {applicant_id} aparece más de una vez.")
            seen.add(applicant_id)
    runs = _group_runs(entries)
    if not _is_ordered(entries, runs):
        entries = sorted(entries, key=lambda entry: (entry.result.group, entry.rank))
        runs = _group_runs(entries)
        for previous, entry in pairwise(entries):
            if entry.result.group == previous.result.group and entry.rank == previous.rank:
                raise AllocationError(
                    f"El puesto {entry.rank} del grupo {_label(entry.result.group)} se repite "
                    f"({previous.result.applicant_id} y {entry.result.applicant_id})."
                )
    if entries and min(map(attrgetter("rank"), entries)) < 1:
        entry = min(entries, key=attrgetter("rank"))
        raise AllocationError(
            f"Puesto no válido ({entry.rank}) del postulante {entry.result.applicant_id}."
        )
    return entries, runs


def _group_runs(entries: list[RankedResult]) -> list[tuple[int, int]]:
    """``(begin, end)`` of every run of consecutive entries of one group."""
    groups = list(map(attrgetter("result.group"), entries))
    bounds = [0, *compress(range(1, len(groups)), map(ne, groups, groups[1:])), len(groups)]
    return list(pairwise(bounds)) if groups else []


def _is_ordered(entries: list[RankedResult], runs: list[tuple[int, int]]) -> bool:
    """True when groups come sorted, each one run of increasing ranks (as from ``rank``)."""
    groups = [entries[begin].result.group for begin, _ in runs]
    if not all(map(lt, groups, groups[1:])):
        return False
    ranks = list(map(attrgetter("rank"), entries))
    return all(all(map(lt, ranks[begin : end - 1], ranks[begin + 1 : end])) for begin, end in runs)


def _check_quotas(quotas: Sequence[Quota]) -> None:
    names = [quota.name for quota in quotas]
    if len(set(names)) != len(names):
        raise AllocationError("Una cuota aparece más de una vez.")
    if sum((quota.share for quota in quotas), Decimal(0)) > 1:
        raise AllocationError("Las cuotas suman más del 100 % de las vacantes.")


def _label(group: Group) -> str:
    return "'" + " / ".join(group) + "'" if group else "(global)"
