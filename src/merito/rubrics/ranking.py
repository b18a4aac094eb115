"""Merit order (orden de mérito): rank results by final score and a tie-break chain.

The order is total and deterministic. Within each group it compares ``final`` (highest
first), then every link of the tie-break chain in turn, and finally ``applicant_id`` as a
plain string (code-point order). The last key exists only so that identical inputs always
give identical output; it is not a merit criterion, so applicants it separates are reported
as an :class:`UnresolvedTie` ("empate no resuelto") for a person to decide.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import chain as chain_from
from itertools import compress, pairwise, repeat
from operator import attrgetter, eq
from types import MappingProxyType
from typing import NamedTuple, cast

from merito.rubrics.tiebreak import TieBreak

Group = tuple[str, ...]
"""A group key, e.g. ``("ÁNCASH", "EBR Primaria", "2")``; ``()`` for a global ranking."""

FINAL = TieBreak(field="final", descending=True, label="Puntaje final")
"""The first key of every merit order."""

_NO_VALUES: Mapping[str, Decimal] = MappingProxyType({})


class RankingError(ValueError):
    """Input that cannot be ranked; the message is Spanish and names the applicant."""


class Result(NamedTuple):
    """One applicant's result as the ranking and the allocation see it."""

    applicant_id: str
    final: Decimal
    group: Group = ()
    tie_values: Mapping[str, Decimal] = _NO_VALUES
    """Values of the chain's fields other than ``final`` (e.g. ``{"pun": Decimal("64.5")}``)."""
    eligible: bool = True
    """False for a withdrawn applicant: ranked, but never given a vacancy."""
    quotas: frozenset[str] = frozenset()
    """Reserved quotas the applicant qualifies for, e.g. ``{"disability"}``."""


class UnresolvedTie(NamedTuple):
    """Applicants of one group equal on every field of the chain (empate no resuelto)."""

    group: Group
    first_rank: int
    last_rank: int
    applicant_ids: tuple[str, ...]
    """In the order the final key (``applicant_id``) put them."""
    fields: tuple[TieBreak, ...]
    """The fields that were all equal: the whole effective chain."""

    def describe(self) -> str:
        """Spanish sentence for the report shown to the user."""
        where = f"grupo {' / '.join(self.group)}, " if self.group else ""
        labels = ", ".join(link.label or link.field for link in self.fields)
        return (
            f"Empate no resuelto ({where}puestos {self.first_rank}–{self.last_rank}): "
            f"{', '.join(self.applicant_ids)} son iguales en {labels}; el orden entre ellos "
            "lo fija solo el código del postulante y no es un criterio de mérito."
        )


class RankedResult(NamedTuple):
    """A result with its position in its group's merit order (1 = best, unique)."""

    rank: int
    result: Result
    tie: UnresolvedTie | None = None
    """The unresolved tie this applicant belongs to, if any."""

    @property
    def applicant_id(self) -> str:
        return self.result.applicant_id

    @property
    def group(self) -> Group:
        return self.result.group


class Ranking(NamedTuple):
    """Output of :func:`rank`: entries ordered by group, then rank."""

    entries: list[RankedResult]
    ties: list[UnresolvedTie]
    chain: tuple[TieBreak, ...]
    """The effective chain, starting with :data:`FINAL`."""


def effective_chain(tie_breaks: Sequence[TieBreak]) -> tuple[TieBreak, ...]:
    """The chain actually compared: ``final`` (highest first) and then ``tie_breaks``.

    A chain may spell ``final`` as its first link (``final:desc,pun:desc``) or leave it
    out (a rubric's chain lists only what breaks ties on the final score); either way
    ``final`` descending comes first. ``final`` anywhere else, ascending, or a field named
    twice is an error.
    """
    links = list(tie_breaks)
    if links and links[0].field == FINAL.field:
        if not links[0].descending:
            raise RankingError("El puntaje final se ordena de mayor a menor ('final:desc').")
        links[0] = TieBreak(FINAL.field, True, links[0].label or FINAL.label)
    else:
        links.insert(0, FINAL)
    seen: set[str] = set()
    for link in links:
        if link.field in seen:
            raise RankingError(f"El campo '{link.field}' aparece dos veces en el desempate.")
        seen.add(link.field)
    return tuple(links)


def rank(results: Iterable[Result], tie_breaks: Sequence[TieBreak] = ()) -> Ranking:
    """Rank ``results`` within each of their groups by ``final`` and ``tie_breaks``.

    Raises :class:`RankingError` for a duplicated ``applicant_id`` or a result without a
    value for a field of the chain. Shuffling ``results`` never changes the output.
    """
    chain = effective_chain(tie_breaks)
    rows = list(results)
    _check_unique_ids(rows)
    total = len(rows)

    # Millions of rows: sort one int per row rather than tuples of Decimals. A key packs,
    # from the high bits down, the group's position among the sorted groups, each chain
    # field's position among that field's distinct values (reversed when the highest
    # comes first) and the row's index. Positions among the distinct values keep the
    # comparison exact: no Decimal is ever rounded or converted.
    groups = sorted(set(map(attrgetter("group"), rows)))
    group_position = {group: i for i, group in enumerate(groups)}
    keys = list(map(group_position.__getitem__, map(attrgetter("group"), rows)))
    merit_bits = 0
    for link in chain:
        column, distinct = _column(rows, link)
        last = len(distinct) - 1
        positions = {v: last - i if link.descending else i for i, v in enumerate(distinct)}
        shift = max(last, 1).bit_length()
        merit_bits += shift
        codes = map(positions.__getitem__, column)
        keys = [key << shift | code for key, code in zip(keys, codes, strict=True)]
    index_bits = max(total - 1, 1).bit_length()
    keys = [key << index_bits | index for index, key in enumerate(keys)]
    keys.sort()
    index_mask = (1 << index_bits) - 1
    ordered = [rows[key & index_mask] for key in keys]
    merit = [key >> index_bits for key in keys]
    del keys

    # A run of equal merit keys is a tie on the whole chain: only applicant_id, the
    # documented last key, orders it, and the tie is reported.
    ties: list[UnresolvedTie] = []
    tie_column: list[UnresolvedTie | None] = [None] * total
    starts = [0]
    starts.extend(bisect_left(merit, g << merit_bits) for g in range(1, len(groups)))
    for first, last in _runs(merit):
        ordered[first : last + 1] = sorted(
            ordered[first : last + 1], key=attrgetter("applicant_id")
        )
        group_first = starts[merit[first] >> merit_bits]
        tie = UnresolvedTie(
            group=ordered[first].group,
            first_rank=first - group_first + 1,
            last_rank=last - group_first + 1,
            applicant_ids=tuple(r.applicant_id for r in ordered[first : last + 1]),
            fields=chain,
        )
        ties.append(tie)
        tie_column[first : last + 1] = [tie] * (last - first + 1)

    starts.append(total)
    ranks = chain_from.from_iterable(range(1, end - begin + 1) for begin, end in pairwise(starts))
    # tuple.__new__ builds each entry in C; RankedResult(...) would run Python per row.
    entries = cast(
        list[RankedResult],
        list(
            map(tuple.__new__, repeat(RankedResult), zip(ranks, ordered, tie_column, strict=True))
        ),
    )
    return Ranking(entries=entries, ties=ties, chain=chain)


def _runs(merit: list[int]) -> list[tuple[int, int]]:
    """``(first, last)`` positions of every run of two or more equal values."""
    runs: list[tuple[int, int]] = []
    for position in compress(range(1, len(merit)), map(eq, merit, merit[1:])):
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position - 1, position))
    return runs


def _column(rows: list[Result], link: TieBreak) -> tuple[list[Decimal], list[Decimal]]:
    """One chain field's values and its sorted distinct values.

    A missing or non-finite value is an error."""
    if link.field == FINAL.field:
        column: list[Decimal | None] = list(map(attrgetter("final"), rows))
    else:
        column = [row.tie_values.get(link.field) for row in rows]
    try:
        distinct = set(column)
    except TypeError:  # a signaling NaN cannot be hashed; the loop below names its row
        distinct = {None}
    if None in distinct or not all(v.is_finite() for v in distinct if v is not None):
        for row, value in zip(rows, column, strict=True):
            if value is None or not value.is_finite():
                raise RankingError(
                    f"Falta '{link.label or link.field}' del postulante {row.applicant_id}."
                    if value is None
                    else f"'{link.label or link.field}' del postulante {row.applicant_id} "
                    f"no es un número ({value})."
                )
    return cast(list[Decimal], column), sorted(cast(set[Decimal], distinct))


def _check_unique_ids(rows: list[Result]) -> None:
    if len(set(map(attrgetter("applicant_id"), rows))) == len(rows):
        return
    seen: set[str] = set()
    for r in rows:
        if r.applicant_id in seen:
            raise RankingError(f"El postulante {r.applicant_id} aparece más de una vez.")
        seen.add(r.applicant_id)
