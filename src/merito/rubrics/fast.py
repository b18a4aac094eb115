"""Figures only, fast: the scores of many evidence sets without their explanations.

``score_figures(rubric, raw)`` returns the same figures ``score()`` computes — every
requirement's status, each group's result, the total and the final — for bulk work (a
national call scores hundreds of thousands of sets; the explanation of any one of them
is ``score()`` again, on demand, and always agrees: tests compare both on generated
evidence).

How: at first use, a rubric is compiled into one generated Python function per rubric.
Its loop over the items checks each field the way ``parse_evidence`` does, with a check
specialised to the field's type, and turns the item into a tuple; right there it puts
the tuple on the list of every screen (kind, match and conditions of a requirement or
criterion) it passes. Requirements and criteria are then straight-line code over those
lists; the months of each list of periods are counted once however many rules use them.
Whatever the compiled path does not cover goes to ``score()``, which gives the same
figures or the same error: a rubric feature it does not compile, or an evidence document
with anything unusual (a missing field, a type to convert, a bad date), which raises the
one declared signal, ``NeedsFullPath``, while the document is read. Past that reading
nothing falls back; every fallback is counted by reason (``fallbacks``). Only rubrics
shipped with the package are compiled: the generated code comes from their files.

Date strings are parsed once per process (``_DATES``, bounded): the same ISO string is
always the same day, and a string that is not a valid date is never remembered, so it
falls back to ``score()`` and its error every time.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from math import ceil
from typing import Any, NamedTuple

from merito.rubrics.engine import score
from merito.rubrics.errors import PlacedError
from merito.rubrics.evidence import KindSpec
from merito.rubrics.periods import ONE_DAY, completed_months, years_before
from merito.rubrics.result import MET, NOT_MET, ScoreResult
from merito.rubrics.rubric import Criterion, Requirement, Rubric

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
TOP_KEYS = frozenset({"applicant_id", "as_of", "facts", "tests", "items", "rubric", "$schema"})
RESERVED = ("id", "kind", "start", "end")


class Figures(NamedTuple):
    applicant_id: str
    status: str
    """``elegible``, ``retirado`` or ``pendiente`` (as ``ScoreResult.status``)."""
    requirements: tuple[str, ...]
    """Each requirement's status, in the rubric's order."""
    groups: tuple[Decimal, ...]
    """Each group's result (after its cap and weight), in the rubric's order."""
    total: Decimal
    final: Decimal


def figures_of(result: ScoreResult) -> Figures:
    return Figures(
        result.applicant_id,
        result.status,
        tuple(r.status for r in result.requirements),
        tuple(g.result for g in result.groups),
        result.total,
        result.final,
    )


class NeedsFullPath(Exception):
    """The one declared signal that an evidence set must be scored by ``score()``: the
    compiled path met something it does not handle (a missing field, a type to convert, a
    bad date…). Its text says what, for the count of fallbacks. Any other exception out of
    the compiled path is a defect and propagates."""

    def __init__(self, reason: str = "evidencia fuera de la forma compilada") -> None:
        super().__init__(reason)
        self.reason = reason


# What the item loop may raise on an evidence set of an unusual shape (a key absent where
# the compiled checks read it by subscript, an unhashable value where a choice is tested, a
# cut date past the calendar): those, and only there, become NeedsFullPath.
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, OverflowError)


class _Unsupported(Exception):
    """A rubric feature the compiler does not cover: that rubric always uses ``score()``."""


# --------------------------------------------------------------------------- dates

_DATES: dict[str, date] = {}
_DATES_MAX = 100_000
"""About 270 years of distinct days; past that the caches start again (memory stays
bounded whatever the input)."""
_BEGIN: dict[date, int] = {}
"""A day as (year × 12 + month) × 32 + day: in the order of days, and for a period
``[start, end]`` ``(_AFTER[end] - _BEGIN[start]) >> 5`` is ``completed_months`` (the
day of the month, under 32, only takes a month off when the day after ``end`` comes
before ``start``'s day)."""
_AFTER: dict[date, int] = {}
"""``_BEGIN`` of the day after (none for the last day a date can have)."""
_DERIVED: list[dict[Any, Any]] = [_BEGIN, _AFTER]
"""Caches of values derived from dates, emptied with ``_DATES`` (so they hold every day it
holds: a day that is not there falls back, as a KeyError, to the full check)."""


def _new_date(text: object) -> date:
    """A date string not seen yet, parsed as ``parse_evidence`` does, and remembered. Not a
    string, or not a valid date: the full check decides (and reports it)."""
    if text.__class__ is not str:
        raise NeedsFullPath("fecha que no es un texto")
    assert isinstance(text, str)
    try:
        day = date.fromisoformat(text)  # never cached
    except ValueError:
        raise NeedsFullPath("fecha que no es un día") from None
    if len(_DATES) >= _DATES_MAX:
        _DATES.clear()
        for derived in _DERIVED:
            derived.clear()
    _DATES[text] = day
    _BEGIN[day] = (day.year * 12 + day.month) * 32 + day.day
    if day < date.max:
        after = day + ONE_DAY
        _AFTER[day] = (after.year * 12 + after.month) * 32 + after.day
    return day


def _id_of(item: dict[str, Any], value: object, n: int) -> str:
    """An item's id as ``parse_evidence`` reads it when it is not a text: a number as its
    text, none as ``#`` and the item's position from 1."""
    if value.__class__ is int:
        return str(value)
    if value is None and "id" not in item:
        return f"#{n + 1}"
    raise NeedsFullPath


# --------------------------------------------------------------------------- compiling


class _Kind(NamedTuple):
    name: str
    spec: KindSpec
    positions: Mapping[str, int]
    """Field name → position in the parsed tuple (id is 0; then fields; then start, end
    (the cut date if later) and open_ended for period kinds)."""
    period: bool
    width: int

    def local_names(self) -> dict[int, str]:
        """Position in the tuple → the variable that holds it while the item is parsed."""
        names = {0: "i", **{p: f"v{p - 1}" for p in range(1, self.width)}}
        if self.period:
            names.update({self.width: "s", self.width + 1: "e", self.width + 2: "o"})
        return names


def _kind(name: str, spec: KindSpec) -> _Kind:
    fields = list(spec.fields.values())
    if any(f.name in RESERVED for f in fields) or [f.name for f in fields] != list(spec.fields):
        raise _Unsupported("a field named like a reserved key")
    positions = {"id": 0, **{field.name: position + 1 for position, field in enumerate(fields)}}
    width = len(fields) + 1
    if spec.period:
        positions.update({"_start": width, "_end": width + 1, "_open": width + 2})
    return _Kind(name, spec, positions, spec.period, width)


def _parse_lines(kind: _Kind, tag: str, listed: bool) -> tuple[list[str], str, dict[str, Any]]:
    """Source lines (no indentation) that check one raw item ``r`` (a dict, its position
    ``n``) of ``kind`` the way ``parse_evidence`` does and leave its id in ``i`` and the
    parsed tuple in ``it`` (if some screen of the kind is ``listed``); anything out of the
    ordinary raises ``F`` (or a ``KeyError``, ``TypeError``…, which also fall back). Also
    returned: the indentation, relative to those lines, of the point where an item that
    can be screened (not a period starting after the cut date) has its tuple. Constants
    are named with ``tag``.

    Two versions of the checks: when the item has as many keys as the kind allows (the
    usual case of a document written by a program, nulls included), every key is read by
    subscript — a missing one raises ``KeyError``, so the item has exactly the allowed
    keys; otherwise with ``get`` and a count of the absent keys."""
    spec = kind.spec
    allowed = frozenset(spec.fields) | frozenset(RESERVED if spec.period else ("id", "kind"))
    consts: dict[str, Any] = {f"A{tag}": allowed}
    full = _field_checks(kind, tag, consts, full=True)
    general = _field_checks(kind, tag, consts, full=False)
    lines = [
        f"if len(r) == {len(allowed)}:",
        *("    " + line for line in full),
        "else:",
        f"    m = {len(allowed)} - len(r)",
        *("    " + line for line in general),
        f"    if m and not (r.keys() <= A{tag}): raise F",
    ]
    values = ", ".join(["i", *(f"v{position}" for position in range(len(spec.fields)))])
    if not spec.period:
        return [*lines, *([f"it = ({values},)"] if listed else [])], "", consts
    lines += [
        "if s <= as_of:",  # else it is after the cut date: in no screen
        "    if o or e > as_of: e = as_of",
    ]
    if listed:
        lines.append(f"    it = ({values}, s, e, o)")
    return lines, "    ", consts


def _field_checks(kind: _Kind, tag: str, consts: dict[str, Any], *, full: bool) -> list[str]:
    """The checks of ``_parse_lines``: by subscript when ``full``, else by ``get`` counting
    in ``m`` the allowed keys absent (or None) — at 0, ``r`` has no other key and the set
    comparison is not needed."""

    def read(name: str) -> str:
        return f"r[{name!r}]" if full else f"r.get({name!r})"

    lost = "" if full else "; m -= 1"
    lines = [
        f"i = {read('id')}",
        "if i.__class__ is not str or not i: i = id_of(r, i, n)"
        + ("" if full else "; m -= 'id' not in r"),
    ]
    for position, field in enumerate(kind.spec.fields.values()):
        var = f"v{position}"
        default = f"D{tag}_{position}"
        consts[default] = field.default
        get = f"({var} := {read(field.name)})"
        # Absent (or None): the default, one allowed key less (None is already there).
        absent = f"{var} = {default}{lost}" if field.default is not None else (lost[2:] or "pass")
        if field.type == "choice":
            # Membership alone: None and non-strings are never members (an unhashable value
            # raises TypeError, which also falls back to the full check).
            if field.required:
                lines.append(f"if {get} not in C{tag}_{position}: raise F")
            else:
                lines += [
                    f"if {get} is None: {absent}",
                    f"elif {var} not in C{tag}_{position}: raise F",
                ]
            consts[f"C{tag}_{position}"] = frozenset(field.choices)
            continue
        if field.type == "date":
            parse = [f"try: {var} = DATES[{var}]", f"except KeyError: {var} = new_date({var})"]
            if field.required:  # None is never in the cache: new_date(None) falls back
                lines += [f"{var} = {read(field.name)}", *parse]
            else:
                lines += [f"if {get} is None: {absent}", "else:"]
                lines += ["    " + line for line in parse]
            continue
        if field.type == "string":
            test = f"{var}.__class__ is not str"
        elif field.type == "bool":
            test = f"{var} is not True and {var} is not False"
        elif field.type == "int":
            test = f"{var}.__class__ is not int"
            if field.minimum is not None:  # for an int, v < minimum is v < ceil(minimum)
                consts[f"M{tag}_{position}"] = ceil(field.minimum)
                test += f" or {var} < M{tag}_{position}"
        else:  # decimals: conversion and rounding questions go to the full check
            test = "True"
        if field.required:  # None fails every test too
            lines += [f"{var} = {read(field.name)}", f"if {test}: raise F"]
        else:
            lines += [f"if {get} is None: {absent}", f"elif {test}: raise F"]
    if kind.period:
        lines += [
            f"s = {read('start')}",
            "try: s = DATES[s]",
            "except KeyError: s = new_date(s)",
            f"e = {read('end')}",
            f"if e is None: o = True{lost}",
            "else:",
            "    o = False",
            "    try: e = DATES[e]",
            "    except KeyError: e = new_date(e)",
            "    if e < s: raise F",
        ]
    return lines


class _Pred:
    """Turn a condition of the rubric file into a Python expression over one item: ``it``
    (the tuple) or the variables of ``names`` (position → name)."""

    def __init__(
        self,
        kind: _Kind | None,
        consts: dict[str, Any],
        names: dict[tuple[str, str], str],
        local: Mapping[int, str] | None = None,
    ) -> None:
        self.kind = kind
        self.consts = consts
        self.names = names
        self.local = local

    def const(self, value: Any) -> str:
        """One name per distinct value, so equal conditions give equal source (shared)."""
        text = repr(sorted(value, key=repr)) if isinstance(value, frozenset) else repr(value)
        key = (type(value).__name__, text)
        name = self.names.get(key)
        if name is None:
            name = self.names[key] = f"K{len(self.names)}"
            self.consts[name] = value
        return name

    def at(self, position: int) -> str:
        return self.local[position] if self.local is not None else f"it[{position}]"

    def field(self, name: str) -> str:
        if self.kind is None or name not in self.kind.positions:
            return "None"
        return self.at(self.kind.positions[name])

    def is_bool(self, name: str) -> bool:
        """A field whose values are only True and False (parsed, or its default)."""
        spec = self.kind.spec.fields.get(name) if self.kind is not None else None
        return spec is not None and spec.type == "bool" and spec.default.__class__ is bool

    def low(self, years: int) -> str:
        self.consts.setdefault("YEARS", set()).add(years)
        return f"LOW{years}"

    def expr(self, raw: Any) -> str:
        if raw is None:
            return "True"
        if "all" in raw:
            return "(" + " and ".join(self.expr(p) for p in raw["all"]) + ")"
        if "any" in raw:
            return "(" + " or ".join(self.expr(p) for p in raw["any"]) + ")"
        if "not" in raw:
            return f"(not {self.expr(raw['not'])})"
        if "months_at_least" in raw or "ends_within_years_before" in raw or "fact" in raw:
            return self.special(raw)
        source = self.field(raw["field"])
        (op,) = [k for k in raw if k != "field"]
        value = _literal(raw[op])
        if op in ("eq", "ne") and value.__class__ is bool and self.is_bool(raw["field"]):
            return f"({source} {'is' if op == 'eq' else 'is not'} {value})"  # True or False
        if op == "eq":
            return f"({source} == {self.const(value)})"
        if op == "ne":
            return f"({source} != {self.const(value)})"
        if op == "in":
            return f"({source} in {self.const(frozenset(value))})"
        if op == "not_in":
            return f"({source} not in {self.const(frozenset(value))})"
        if op == "within_years_before":
            low = self.low(int(value))
            return f"({source}.__class__ is date and {low} <= {source} <= as_of)"
        if op == "between":
            low, high = self.const(value[0]), self.const(value[1])
            return f"({source} is not None and {low} <= {source} <= {high})"
        if op in ("gte", "lte"):
            sign = ">=" if op == "gte" else "<="
            return f"({source} is not None and {source} {sign} {self.const(value)})"
        raise _Unsupported(op)

    def special(self, raw: Any) -> str:
        if self.kind is None or not self.kind.period:
            raise _Unsupported("period condition outside a period kind")
        start = self.at(self.kind.positions["_start"])
        end = self.at(self.kind.positions["_end"])
        if "months_at_least" in raw:
            n = int(raw["months_at_least"])
            return f"({start} is not None and months({start}, {end}) >= {n})"
        if "ends_within_years_before" in raw:
            low = self.low(int(raw["ends_within_years_before"]))
            opened = self.at(self.kind.positions["_open"])
            return f"({start} is not None and ({opened} or {end} >= {low}))"
        raise _Unsupported("fact")


def _literal(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return tuple(_literal(v) for v in value)
    return value


class _Plan:
    """A rubric compiled for figures. Raises ``_Unsupported`` for what it does not cover."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        raw = rubric.raw
        if rubric.facts or rubric.tests or rubric.bonuses or rubric.parameters:
            raise _Unsupported("facts, tests, bonuses or parameters")
        self.kinds = {name: _kind(name, spec) for name, spec in rubric.kinds.items()}
        self.consts: dict[str, Any] = {"date": date, "months": completed_months}
        self.names: dict[tuple[str, str], str] = {}
        # Each distinct screen (kind, match, conditions) is one list, filled in the item
        # loop, even when a requirement and a criterion share it.
        self.screens: dict[tuple[str, str], int] = {}
        self.screen_specs: list[tuple[str, str, str]] = []
        self.requirements = [
            self.requirement(spec, r)
            for spec, r in zip(raw["requirements"], rubric.requirements, strict=True)
        ]
        self.groups = []
        for graw, group in zip(raw["groups"], rubric.groups, strict=True):
            criteria = [
                self.criterion(craw, c)
                for craw, c in zip(graw["criteria"], group.criteria, strict=True)
            ]
            self.groups.append((group, criteria))
        self.years = sorted(self.consts.pop("YEARS", set()))
        self.cuts: dict[object, tuple[date, ...]] = {}
        _DERIVED.append(self.cuts)  # its days must stay in _BEGIN and _AFTER
        self.generate(list(self.kinds))  # raises _Unsupported now, not at the first set
        self.fast: Callable[[Any], Figures] = self.first

    def screen(self, kind: str, raw: Mapping[str, Any]) -> int:
        """The screen's number. Its condition is kept over the variables of an item being
        parsed (``local``) and over an item's tuple ``it``."""
        compiled = self.kinds[kind]
        forms = []
        for local in (compiled.local_names(), None):
            pred = _Pred(compiled, self.consts, self.names, local)
            parts = [pred.expr(raw.get("match"))]
            parts += [pred.expr(c["require"]) for c in raw.get("conditions", [])]
            forms.append(" and ".join(p for p in parts if p != "True") or "True")
        if (kind, forms[0]) not in self.screens:
            self.screens[(kind, forms[0])] = len(self.screens)
            self.screen_specs.append((kind, forms[0], forms[1]))
        return self.screens[(kind, forms[0])]

    def requirement(self, raw: Mapping[str, Any], req: Requirement) -> tuple[Any, ...]:
        if "applies" in raw or raw.get("withdraws", True) not in (True, False):
            raise _Unsupported("applies / conditional withdraws")
        if req.method == "fact" or req.method == "min_score" or req.method == "alternatives":
            raise _Unsupported(req.method)
        test = self.screen(
            req.kind, raw if req.method != "no_item" else {"match": raw.get("match")}
        )
        extras = req.subtract_kind or req.reduce_years is not None or req.years.literal is None
        if req.method == "min_years" and extras:
            raise _Unsupported("min_years extras")
        by = self.kinds[req.kind].positions.get(req.by) if req.by else None
        if req.by and by is None:
            raise _Unsupported("weights by an unknown field")
        return (req, test, by, raw.get("withdraws", True))

    def criterion(self, raw: Mapping[str, Any], c: Criterion) -> tuple[Any, ...]:
        if c.method not in ("per_item", "highest", "years"):
            raise _Unsupported(c.method)
        if c.method == "years" and c.unit != "year":
            raise _Unsupported("school years")
        test = self.screen(c.kind, raw)
        by = self.kinds[c.kind].positions.get(c.points.by) if c.points.by else None
        if c.points.by and by is None:
            raise _Unsupported("points by an unknown field")
        return (c, test, by)

    def cut(self, text: object) -> tuple[date, ...]:
        """The cut date of an ``as_of`` string and the days ``years_before`` it that the
        conditions compare with, once per distinct string."""
        as_of = _new_date(text)
        value = (as_of, *(years_before(as_of, years) for years in self.years))
        if len(self.cuts) >= 1000:
            self.cuts.clear()
        self.cuts[text] = value
        return value

    # ---------------------------------------------------------------- generated run

    def first(self, raw: Any) -> Figures:
        """Generate the run at the first evidence scored: its kinds, most frequent first,
        lead the tests of each item's kind (evidence sets of one call look alike), then
        score it."""
        counts: dict[str, int] = dict.fromkeys(self.kinds, 0)
        items = raw.get("items") if isinstance(raw, dict) else None
        for item in items if isinstance(items, list) else ():
            kind = item.get("kind") if isinstance(item, dict) else None
            if isinstance(kind, str) and kind in counts:
                counts[kind] += 1
        self.fast = self.generate(sorted(self.kinds, key=lambda kind: -counts[kind]))
        return self.fast(raw)

    def generate(self, order: Sequence[str]) -> Callable[[Any], Figures]:
        """The whole scoring of one evidence set as one generated function: the item
        parsers inline; as each item is parsed, its tuple goes to each screen it passes
        and its points to each per-item sum by a table over that screen; then each
        requirement and criterion as straight-line code."""
        rubric = self.rubric
        ns: dict[str, Any] = {
            **self.consts,
            "F": NeedsFullPath,
            "SHAPE": _SHAPE_ERRORS,
            "DATES": _DATES,
            "new_date": _new_date,
            "CUT": self.cuts,
            "cut": self.cut,
            "TOP": TOP_KEYS,
            "RID": rubric.id,
            "EMPTY": {},
            "NOITEMS": [],
            "ZERO": ZERO,
            "HUNDRED": HUNDRED,
            "MET": MET,
            "NOT_MET": NOT_MET,
            "Figures": Figures,
            "new_tuple": tuple.__new__,
            "months_by": _months_by,
            "unpack": _unpack,
            "id_of": _id_of,
        }
        # Per-item points by a table over a text field: summed (packed) in the item loop.
        summed: dict[tuple[int, int], tuple[Criterion, int, int | None]] = {}
        for g, (_group, criteria) in enumerate(self.groups):
            for ci, (c, screen, by) in enumerate(criteria):
                field = rubric.kinds[c.kind].fields.get(c.points.by or "")
                if c.method == "per_item" and field is not None and by is not None:
                    ns[f"TS{g}_{ci}"] = scaled = _scaled(c.points.table)
                    if field.type == "choice":  # every value the parser lets through
                        values = [*field.choices, None, field.default]
                        ns[f"PK{g}_{ci}"] = {v: scaled.packed.get(v, 0) for v in values}
                    else:
                        ns[f"PK{g}_{ci}"] = scaled.packed
                    summed[(g, ci)] = (c, screen, by)
        listed = self.listed(summed)
        cut_names = ", ".join(["as_of", *(f"LOW{y}" for y in self.years)]) + ","
        out = [
            "    if raw.__class__ is not dict or not (raw.keys() <= TOP): raise F",
            "    rb = raw.get('rubric')",
            "    if rb is not None and rb != RID: raise F",
            "    aid = raw.get('applicant_id', '')",
            "    if aid.__class__ is not str: raise F",
            "    if raw.get('facts', EMPTY) != EMPTY or raw.get('tests', EMPTY) != EMPTY: raise F",
            "    a = raw.get('as_of')",
            f"    try: {cut_names} = CUT[a]",
            f"    except KeyError: {cut_names} = cut(a)",
            "    items = raw.get('items', NOITEMS)",
            "    if items.__class__ is not list: raise F",
        ]
        for j in range(len(self.screen_specs)):
            # A screen whose items no rule needs only counts them.
            out.append(f"    S{j} = []; a{j} = S{j}.append" if j in listed else f"    S{j} = 0")
        for g, ci in summed:
            out.append(f"    P{g}_{ci} = 0")
        out += [
            "    ids = set(); add_id = ids.add",
            "    for n, r in enumerate(items):",
            "        if r.__class__ is not dict: raise F",
            "        k = r['kind']",
        ]
        for k, name in enumerate(order):
            kind = self.kinds[name]
            kind_listed = any(self.screen_specs[j][0] == name for j in listed)
            before, indent, consts = _parse_lines(kind, f"k{k}", kind_listed)
            ns.update(consts)
            out.append(f"        {'if' if k == 0 else 'elif'} k == {name!r}:")
            out += ["            " + line for line in before]
            names = kind.local_names()
            for j, (screened, condition, _tuple_form) in enumerate(self.screen_specs):
                if screened != name:
                    continue
                then = [f"a{j}(it)" if j in listed else f"S{j} += 1"]
                for (g, ci), (c, screen, by) in summed.items():
                    if screen == j:
                        get = "[{}]" if _is_choice(kind, c) else ".get({}, 0)"
                        then.append(f"P{g}_{ci} += PK{g}_{ci}" + get.format(names[by or 0]))
                prefix = "            " + indent
                if condition == "True":
                    out += [prefix + line for line in then]
                else:
                    out.append(f"{prefix}if {condition}:")
                    out += [prefix + "    " + line for line in then]
        out += [
            "        else: raise F",
            "        add_id(i)",
            "    if len(ids) != len(items): raise F",
        ]
        # The checks above read the evidence; past them nothing falls back.
        out = [
            "def run(raw):",
            "    try:",
            *("    " + line for line in out),
            "    except SHAPE as error:",
            "        raise F('campo ausente o de otro tipo') from error",
            "    W = False",
        ]
        months_of: dict[tuple[int, int | None, bool], str] = {}

        def months(screen: int, kind: str, by: int | None, merged: bool) -> str:
            """The name of the months of a screen's periods, by key: counted once."""
            key = (screen, by, merged)
            if key not in months_of:
                name = months_of[key] = f"MO{len(months_of)}"
                start = self.kinds[kind].positions["_start"]
                out.append(f"    {name} = months_by(S{screen}, {by}, {start}, {merged})")
            return months_of[key]

        index_of = {req.id: i for i, (req, *_rest) in enumerate(self.requirements)}
        for i, (req, screen, by, withdraws) in enumerate(self.requirements):
            out.append(f"    c{i} = None; u{i} = False; m{i} = None")
            if req.method == "no_item":
                out.append(f"    st{i} = NOT_MET if S{screen} else MET")
            elif req.method == "has_item":
                ns[f"RANKS{i}"] = _ranks(req)
                decorated = _decorated(self.kinds[req.kind], req).replace("RANKS", f"RANKS{i}")
                size = f"len(S{screen})" if screen in listed else f"S{screen}"
                out.append(f"    if {size} >= {req.count}:")
                out.append(f"        st{i} = MET")
                # What it consumes: the chosen items themselves (ids are unique).
                if req.consumes and req.count == 1:
                    out.append(
                        f"        c{i} = [S{screen}[0] if len(S{screen}) == 1 "
                        f"else min([{decorated} for it in S{screen}])[3]]"
                    )
                elif req.consumes:
                    out.append(
                        f"        c{i} = [d[3] for d in sorted([{decorated} for it in "
                        f"S{screen}])[:{req.count}]]"
                    )
                out.append(f"    else: st{i} = NOT_MET")
            else:  # min_years
                ns[f"REQ{i}"] = _min_years(req)
                total = months(screen, req.kind, by, req.merge)
                out.append(f"    st{i}, m{i} = REQ{i}({total})")
            out.append(f"    if st{i} is NOT_MET:")
            if req.consumes:
                out.append(f"        u{i} = True")
            out.append("        W = True" if withdraws else "        pass")
        group_vars = []
        for g, (group, criteria) in enumerate(self.groups):
            terms = []
            for ci, (c, screen, by) in enumerate(criteria):
                name = f"p{g}_{ci}"
                after = index_of[c.after] if c.after is not None else None
                if (g, ci) in summed:
                    # The sum over the screen, less the points of the items the requirement
                    # it comes after consumed (those that passed this screen).
                    lines = [f"{name} = P{g}_{ci}"]
                    chosen_kind = self.requirements[after][0].kind if after is not None else ""
                    if after is not None and chosen_kind == c.kind:
                        kind = self.kinds[c.kind]
                        same = self.requirements[after][1] == screen
                        test = "True" if same else self.screen_specs[screen][2]
                        get = "[{}]" if _is_choice(kind, c) else ".get({}, 0)"
                        lines += [
                            f"if c{after} is not None:",
                            f"    for it in c{after}:",
                            f"        if {test}: {name} -= PK{g}_{ci}" + get.format(f"it[{by}]"),
                        ]
                    lines.append(f"{name} = unpack({name}, TS{g}_{ci})")
                    if after is not None:
                        out.append(f"    if u{after}: {name} = ZERO")
                        out.append("    else:")
                        out += ["        " + line for line in lines]
                    else:
                        out += ["    " + line for line in lines]
                elif screen not in listed:  # per item, points by no field
                    ns[f"V{g}_{ci}"] = c.points.value
                    if c.method == "highest":
                        out.append(f"    {name} = V{g}_{ci} if S{screen} else ZERO")
                    else:
                        out.append(f"    {name} = V{g}_{ci} * S{screen} if S{screen} else ZERO")
                else:
                    out.append(f"    A = S{screen}")
                    if after is not None:
                        out.append(f"    if u{after}: A = NOITEMS")
                        out.append(
                            f"    elif c{after} is not None: "
                            f"A = [it for it in A if it not in c{after}]"
                        )
                    self.criterion_lines(out, ns, g, ci, months)
                if c.cap is not None:
                    ns[f"CAP{g}_{ci}"] = c.cap
                    out.append(f"    if {name} > CAP{g}_{ci}: {name} = CAP{g}_{ci}")
                if c.weight is not None:
                    ns[f"WT{g}_{ci}"] = c.weight
                    out.append(f"    {name} = {name} * WT{g}_{ci} / HUNDRED")
                terms.append(name)
            gname = f"g{g}"
            out.append(f"    {gname} = ZERO + " + " + ".join(terms))
            if group.cap is not None:
                ns[f"GCAP{g}"] = group.cap
                out.append(f"    if {gname} > GCAP{g}: {gname} = GCAP{g}")
            if group.weight is not None:
                ns[f"GWT{g}"] = group.weight
                out.append(f"    {gname} = {gname} * GWT{g} / HUNDRED")
            group_vars.append(gname)
        out.append("    total = ZERO + " + " + ".join(group_vars))
        if rubric.total_cap is not None:
            ns["TCAP"] = rubric.total_cap
            out.append("    if total > TCAP: total = TCAP")
        ns["HALF_UP"] = ROUND_HALF_UP
        final = "total + ZERO" if rubric.total_cap is not None else "total"
        for key in ("total", "final"):
            places = rubric.precision.get(key)
            if places is not None:
                ns[f"Q{key}"] = Decimal(1).scaleb(-places)
                out.append(f"    {key} = ({final}).quantize(Q{key}, rounding=HALF_UP)")
                final = key
            elif key == "final":
                out.append(f"    final = {final}")
        statuses = "".join(f"st{i}, " for i in range(len(self.requirements)))
        out.append(
            f"    return new_tuple(Figures, (aid, 'retirado' if W else 'elegible', "
            f"({statuses}), ({', '.join(group_vars)},), total, final))"
        )
        source = "\n".join(out)
        self.source = source
        exec(source, ns)  # noqa: S102 - generated from the rubric file, never from evidence
        run: Callable[[Any], Figures] = ns["run"]
        return run

    def criterion_lines(
        self,
        out: list[str],
        ns: dict[str, Any],
        g: int,
        ci: int,
        months: Callable[[int, str, int | None, bool], str],
    ) -> None:
        """The lines of a criterion not summed in the item loop, over its items ``A``."""
        c, screen, by = self.groups[g][1][ci]
        name = f"p{g}_{ci}"
        if c.method == "years":
            ns[f"CRIT{g}_{ci}"] = _years(c)
            shared = months(screen, c.kind, by, c.merge)
            start = self.kinds[c.kind].positions["_start"]
            taken = f"m{self.index_of(c.after)}" if c.after is not None else "None"
            out.append(
                f"    {name} = CRIT{g}_{ci}({shared} if A is S{screen} else "
                f"months_by(A, {by}, {start}, {c.merge}), {taken})"
            )
        elif by is None:
            ns[f"V{g}_{ci}"] = c.points.value
            if c.method == "highest":
                out.append(f"    {name} = V{g}_{ci} if A else ZERO")
            else:
                out.append(f"    {name} = V{g}_{ci} * len(A) if A else ZERO")
        elif c.method == "highest":
            ns[f"T{g}_{ci}"] = c.points.table
            keep = f"(x := it[{by}]) is not None and (v := str(x)) in T{g}_{ci}"
            found = f"[T{g}_{ci}[v] for it in A if {keep}]"
            out.append(f"    {name} = max({found}, default=ZERO)")
        else:  # by a field that is not text: the engine looks up the text of the value
            ns[f"TS{g}_{ci}"] = scaled = _scaled(c.points.table)
            ns[f"PK{g}_{ci}"] = scaled.packed
            found = f"[PK{g}_{ci}.get(str(v), 0) for it in A if (v := it[{by}]) is not None]"
            out.append(f"    {name} = unpack(sum({found}), TS{g}_{ci})")

    def listed(self, summed: Mapping[tuple[int, int], Any]) -> set[int]:
        """The screens whose items some rule needs (the others are only counted)."""
        listed = set()
        for req, screen, _by, _withdraws in self.requirements:
            if req.method == "min_years" or (req.method == "has_item" and req.consumes):
                listed.add(screen)
        for g, (_group, criteria) in enumerate(self.groups):
            for ci, (c, screen, by) in enumerate(criteria):
                if (g, ci) not in summed and (c.method == "years" or by is not None or c.after):
                    listed.add(screen)
        return listed

    def index_of(self, requirement: str) -> int:
        return [req.id for req, *_rest in self.requirements].index(requirement)


def _is_choice(kind: _Kind, c: Criterion) -> bool:
    """The points are by a choice field: every value has a key in the packed table."""
    return kind.spec.fields[c.points.by or ""].type == "choice"


def _decorated(kind: _Kind, req: Requirement) -> str:
    """The engine's ``preference_key`` of an item ``it`` as a generated tuple expression
    (rank, when, id), its names in ``RANKS``: the requirement's items go to ``min`` (or
    ``sorted``) decorated with it, so no key function is called per item. A date stands
    for its ISO text (same order: the year always has four digits)."""
    last = len(req.prefer_order)
    fields = kind.spec.fields
    if req.prefer_by is None:
        rank = repr(last)
    elif req.prefer_by not in fields:
        rank = repr(req.prefer_order.index("None") if "None" in req.prefer_order else last)
    else:
        field = fields[req.prefer_by]
        value = f"it[{kind.positions[req.prefer_by]}]"
        if not (field.required and field.type in ("string", "choice")):
            value = f"str({value})"
        rank = f"RANKS.get({value}, {last})"
    date_field = fields.get("date")
    if kind.period:  # screened items always have their period
        when = f"it[{kind.positions['_start']}]"
    elif date_field is not None and date_field.required and date_field.type == "date":
        when = f"it[{kind.positions['date']}]"
    else:
        found = [f"it[{kind.positions[name]}]" for name in ("date", "year") if name in fields]
        when = f"str({' or '.join([*found, repr('')])})"
    return f"({rank}, {when}, it[0], it)"


def _ranks(req: Requirement) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for position, value in enumerate(req.prefer_order):
        ranks.setdefault(value, position)  # order.index(value): the first place
    return ranks


# Sums of points in integers: the engine adds Decimals one by one from ZERO, which is
# exact, so the sum is the integer sum of the points scaled by 10**places, written with
# the smallest exponent among the points added (and 0, ZERO's).


_VALUE_BITS = 96
_COUNT_BITS = 32
_VALUE_MASK = (1 << _VALUE_BITS) - 1
_COUNT_MASK = (1 << _COUNT_BITS) - 1


class _Scaled(NamedTuple):
    points: Mapping[Any, int]
    """Points × 10**places, exactly."""
    exponents: Mapping[Any, int]
    """min(0, the points' exponent)."""
    packed: dict[Any, int]
    """The points, plus one count in the lane of their exponent above ``_VALUE_BITS``: the
    sum of packed points is the sum of the points and how many of each exponent it has."""
    lanes: tuple[tuple[int, int], ...]
    """(exponent, shift of its lane), the smallest exponent first."""
    units: Mapping[int, tuple[int, Decimal]]
    """Exponent → (10**(places + exponent), the Decimal 1 with that exponent)."""


def _scaled(table: Mapping[Any, Decimal]) -> _Scaled:
    """A table of points as integers. ``_Unsupported`` for negative or huge points (the
    sign of a zero and rounding past 28 digits are the engine's): then every sum of up to
    2**32 points stays below 2**96."""
    exponents = {}
    for key, value in table.items():
        exponent = value.as_tuple().exponent
        if value.is_signed() or not value.is_finite() or value >= 10**9:
            raise _Unsupported("points that are negative or huge")
        assert isinstance(exponent, int)
        exponents[key] = min(exponent, 0)
    places = -min(exponents.values(), default=0)
    if places > 9:
        raise _Unsupported("points with more than nine decimals")
    points = {key: int(value.scaleb(places)) for key, value in table.items()}
    shifts = {e: _COUNT_BITS * lane for lane, e in enumerate(sorted(set(exponents.values())))}
    packed = {key: points[key] + (1 << (_VALUE_BITS + shifts[exponents[key]])) for key in table}
    units = {e: (10 ** (places + e), ONE.scaleb(e)) for e in range(-places, 1)}
    return _Scaled(points, exponents, packed, tuple(shifts.items()), units)


def _sum_of(total: int, exponent: int, scaled: _Scaled) -> Decimal:
    """The Decimal ``ZERO + p1 + p2 + …`` gives, from the scaled sum and the smallest
    exponent among the points added."""
    divisor, unit = scaled.units[exponent]
    return unit * (total // divisor)


def _unpack(total: int, scaled: _Scaled) -> Decimal:
    """The Decimal sum of packed points (``ZERO`` when none was added)."""
    counts = total >> _VALUE_BITS
    for exponent, shift in scaled.lanes:
        if (counts >> shift) & _COUNT_MASK:
            return _sum_of(total & _VALUE_MASK, exponent, scaled)
    return ZERO


def _months_by(
    items: Sequence[tuple[Any, ...]], by: int | None, start: int, merged: bool
) -> dict[Any, int]:
    """Completed months of the items' periods (``total_months``, after ``merge`` if
    ``merged``) by the value of field ``by`` (as the engine's ``keyed_periods``: ``""`` for
    no value; one key, ``None``, without ``by``), for each key whatever the table of the
    rule that asks: each rule keeps the keys it knows."""
    try:
        return _months_keyed(items, by, start, merged)
    except KeyError:
        # A day the caches dropped while this set was read (they start again when full),
        # or the last day a date can have (it has no day after): the full path counts it.
        raise NeedsFullPath("día que las cachés de fechas no tienen") from None


def _months_keyed(
    items: Sequence[tuple[Any, ...]], by: int | None, start: int, merged: bool
) -> dict[Any, int]:
    begin, after = _BEGIN, _AFTER
    end = start + 1
    if by is None:
        if len(items) == 1:
            it = items[0]
            months = (after[it[end]] - begin[it[start]]) >> 5
            return {None: months if months > 0 else 0}
        if not items:
            return {}
        return {None: _months([(begin[it[start]], after[it[end]]) for it in items], merged)}
    keyed: dict[Any, list[tuple[int, int]]] = {}
    for it in items:
        value = it[by]
        key = value if value.__class__ is str else str(value) if value is not None else ""
        spans = keyed.get(key)
        if spans is None:
            keyed[key] = [(begin[it[start]], after[it[end]])]
        else:
            spans.append((begin[it[start]], after[it[end]]))
    for key, spans in keyed.items():
        keyed[key] = _months(spans, merged)  # type: ignore[assignment]
    return keyed  # type: ignore[return-value]


def _months(spans: list[tuple[int, int]], merged: bool) -> int:
    """``total_months`` of periods given as (``_BEGIN[start]``, ``_AFTER[end]``), after
    ``merge`` if ``merged`` (joined when one starts by the day after the other ends)."""
    if len(spans) == 1:
        low, high = spans[0]
        months = (high - low) >> 5
        return months if months > 0 else 0
    total = 0
    if merged:
        spans.sort()
        low, high = spans[0]
        for first, last in spans:
            if first <= high:
                if last > high:
                    high = last
            else:
                months = (high - low) >> 5
                if months > 0:
                    total += months
                low, high = first, last
        months = (high - low) >> 5
        return total + months if months > 0 else total
    for low, high in spans:
        months = (high - low) >> 5
        if months > 0:
            total += months
    return total


def _min_years(
    req: Requirement,
) -> Callable[[Mapping[Any, int]], tuple[str, dict[Any, int] | None]]:
    """The engine's ``req_min_years`` figures from the months by key: the status, and the
    months the requirement uses up (when it consumes them and is met). In integers: the
    weights and the months needed times 10**places (the engine's Decimals are exact here,
    and so is its ``ceil(remaining / weight)``, which the bound below guarantees)."""
    assert req.years.literal is not None
    weights: Mapping[Any, Decimal] = req.weights
    if not req.by:
        weights = {None: ONE}
    need_years = req.years.literal * 12
    values = [*weights.values(), need_years]
    if any(not v.is_finite() for v in values) or any(w <= 0 for w in weights.values()):
        raise _Unsupported("weights that are not positive")
    places = max(max(-int(v.as_tuple().exponent), 0) for v in values)
    scaled = {key: int(weight.scaleb(places)) for key, weight in weights.items()}
    need = int(need_years.scaleb(places))
    if abs(need) * max(scaled.values()) >= 10**26:
        raise _Unsupported("weights or years past exact Decimal division")
    consumes = req.consumes

    def check(months: Mapping[Any, int]) -> tuple[str, dict[Any, int] | None]:
        equivalent = 0
        for key, count in months.items():
            weight = scaled.get(key)
            if weight is not None:
                equivalent += count * weight
        if equivalent < need:
            return NOT_MET, None
        if not consumes:
            return MET, None
        remaining = need
        taken: dict[Any, int] = {}
        for key, weight in scaled.items():
            if remaining <= 0:
                break
            take = -(-remaining // weight)
            count = months.get(key, 0)
            if count < take:
                take = count
            taken[key] = take
            remaining -= take * weight
        return MET, taken

    return check


def _years(c: Criterion) -> Callable[[Mapping[Any, int], Mapping[Any, int] | None], Decimal]:
    """The engine's ``crit_years`` points from the months by key, less the months the
    requirement it comes after used up."""
    table: Mapping[Any, Decimal]
    if c.points.by:
        table = c.points.table
    elif c.points.value is not None:
        table = {None: c.points.value}
    else:
        raise _Unsupported("years without points")
    scaled = _scaled(table)
    points, exponents = scaled.points, scaled.exponents
    span = 12 * c.every

    def count(months: Mapping[Any, int], taken: Mapping[Any, int] | None) -> Decimal:
        total = 0
        exponent = 1
        for key, counted in months.items():
            per = points.get(key)
            if per is None:
                continue
            if taken:
                counted -= taken.get(key, 0)
                if counted < 0:
                    counted = 0
            total += (counted // span) * per
            if exponents[key] < exponent:
                exponent = exponents[key]
        return ZERO if exponent == 1 else _sum_of(total, exponent, scaled)

    return count


_plans: dict[int, tuple[Rubric, _Plan | None, str]] = {}
_compilable: dict[int, Rubric] = {}
"""Rubrics whose file ships with the package (``registry.load_rubric``) or that code built
itself: the only ones turned into generated code. A rubric read from a user's file is
scored by ``score()``."""


def allow_compiling(rubric: Rubric) -> Rubric:
    """Let ``rubric`` be compiled: only for rubrics from the package or from code."""
    _compilable[id(rubric)] = rubric
    return rubric


def _compiled(rubric: Rubric) -> tuple[_Plan | None, str]:
    """The rubric's compiled plan, or ``None`` and why it is not compiled."""
    cached = _plans.get(id(rubric))
    if cached is not None and cached[0] is rubric:
        return cached[1], cached[2]
    plan: _Plan | None
    if _compilable.get(id(rubric)) is not rubric:
        plan, why = None, "rúbrica que no viene del paquete (no se genera código con ella)"
    else:
        try:
            plan, why = _Plan(rubric), ""
        except _Unsupported as unsupported:
            plan, why = None, f"rúbrica no compilada ({unsupported})"
    _plans[id(rubric)] = (rubric, plan, why)
    return plan, why


def _plan(rubric: Rubric) -> _Plan | None:
    return _compiled(rubric)[0]


def not_compiled_because(rubric: Rubric) -> str:
    """Why ``rubric`` is always scored by ``score()``; empty when it compiles."""
    return _compiled(rubric)[1]


def score_figures(rubric: Rubric, raw: Any, fallbacks: Counter[str] | None = None) -> Figures:
    """The figures of ``score(rubric, raw)``, computed fast where the rubric allows.

    The full path is taken only on the declared signal (``NeedsFullPath``) or for a rubric
    that does not compile; each time, its reason is counted in ``fallbacks`` when given.
    """
    plan, why = _compiled(rubric)
    if plan is not None:
        try:
            return plan.fast(raw)
        except NeedsFullPath as signal:
            why = signal.reason
    if fallbacks is not None:
        fallbacks[why] += 1
    return figures_of(score(rubric, raw))


class DocumentError(Exception):
    """An evidence document of a bulk run that cannot be scored: its position (from 0)
    among the documents, and the engine's error naming the place in it."""

    def __init__(self, index: int, error: PlacedError) -> None:
        self.index = index
        self.error = error
        super().__init__(f"[{index}] {error}")


BATCH = 10_000


def score_many(
    rubric: Rubric,
    documents: Iterable[Any],
    *,
    batch: int = BATCH,
    fallbacks: Counter[str] | None = None,
) -> Iterator[Figures]:
    """The figures of each document, in order (``merito score --format csv``).

    Documents are scored ``batch`` at a time with Python's cyclic garbage collector
    paused (and set back as it was after each batch): scoring makes many small tuples and
    lists but no reference cycles, so reference counting frees all of it, and the
    collector's passes over those objects cost about 7 % of a bulk run. Nothing is
    held past a batch. The first document that cannot be scored stops the run with a
    ``DocumentError`` (the figures of the documents before it are yielded first). Each
    document scored by ``score()`` instead of the compiled path is counted, by reason, in
    ``fallbacks``.
    """
    documents = iter(documents)
    index = 0
    while chunk := list(islice(documents, batch)):
        figures: list[Figures] = []
        failed: DocumentError | None = None
        collecting = gc.isenabled()
        gc.disable()
        try:
            for document in chunk:
                figures.append(score_figures(rubric, document, fallbacks))
        except PlacedError as error:
            failed = DocumentError(index + len(figures), error)
        finally:
            if collecting:
                gc.enable()
        del chunk
        yield from figures
        if failed is not None:
            raise failed
        index += len(figures)
