"""Figures only, fast: the scores of many evidence sets without their explanations.

``score_figures(rubric, raw)`` returns the same figures ``score()`` computes — every
requirement's status, each group's result, the total and the final — for bulk work (a
national call scores hundreds of thousands of sets; the explanation of any one of them
is ``score()`` again, on demand, and always agrees: tests compare both on generated
evidence).

How: at first use, a rubric is compiled into plain Python — one parser per item kind
(a generated function that checks each field the way ``parse_evidence`` does and returns
a tuple), and every condition into one generated expression over that tuple. Whatever
the compiled path does not cover (a feature of the rubric it does not compile, or an
evidence document with anything unusual: a missing field, a type to convert, a bad date)
goes to ``score()``, which gives the same figures or the same error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from math import ceil
from typing import Any, NamedTuple

from merito.rubrics.engine import score
from merito.rubrics.periods import merge, total_months, years_before
from merito.rubrics.result import MET, NOT_MET, ScoreResult
from merito.rubrics.rubric import Rubric

ZERO = Decimal(0)
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


class _Fallback(Exception):
    """Anything the compiled path does not handle: ``score()`` decides."""


class _Unsupported(Exception):
    """A rubric feature the compiler does not cover: that rubric always uses ``score()``."""


# --------------------------------------------------------------------------- compiling


class _Kind(NamedTuple):
    name: str
    parse: Callable[[dict[str, Any], int, date], tuple[Any, ...]]
    positions: Mapping[str, int]
    """Field name → position in the parsed tuple (id is 0; then fields; then start,
    end, open_ended, after_cut for period kinds)."""
    period: bool
    width: int


def _parse_lines(name: str, spec: Any, tag: str) -> tuple[list[str], dict[str, Any]]:
    """Source lines (no indentation) that check one raw item ``r`` (its position ``n``) of
    kind ``name`` the way ``parse_evidence`` does and leave the parsed tuple in ``it``;
    anything out of the ordinary raises ``F``. Constants are named with ``tag``."""
    fields = list(spec.fields.values())
    consts: dict[str, Any] = {f"A{tag}": frozenset(spec.fields) | frozenset(RESERVED)}
    lines = [
        f"if not (r.keys() <= A{tag}): raise F",
        "i = r.get('id', None)",
        "if i is None: i = '#' + str(n + 1)",
        "elif i.__class__ is int: i = str(i)",
        "elif i.__class__ is not str or i == '': raise F",
        "g = r.get",
    ]
    names = ["i"]
    for position, field in enumerate(fields):
        var = f"v{position}"
        names.append(var)
        lines.append(f"{var} = g({field.name!r})")
        default = f"D{tag}_{position}"
        consts[default] = field.default
        # A choice is checked by membership alone: None and non-strings are never members
        # (an unhashable value raises TypeError, which also falls back to the full check).
        if field.type == "choice":
            consts[f"C{tag}_{position}"] = frozenset(field.choices)
            test = f"{var} not in C{tag}_{position}"
        elif field.type == "string":
            test = f"{var}.__class__ is not str"
        elif field.type == "bool":
            test = f"{var} is not True and {var} is not False"
        elif field.type == "int":
            test = f"{var}.__class__ is not int"
            if field.minimum is not None:
                consts[f"M{tag}_{position}"] = field.minimum
                test += f" or {var} < M{tag}_{position}"
        elif field.type == "date":
            test = f"{var}.__class__ is not str"
        else:  # decimals: conversion and rounding questions go to the full check
            test = "True"
        convert = f"{var} = fromiso({var})" if field.type == "date" else ""
        if field.required:  # None fails every test too
            lines.append(f"if {test}: raise F")
            if convert:
                lines.append(convert)
        else:
            lines.append(f"if {var} is None: {var} = {default}")
            lines.append(f"elif {test}: raise F")
            if convert:
                lines.append(f"else: {convert}")
    values = ", ".join(names)
    if spec.period:
        lines += [
            "s = g('start'); e = g('end')",
            "if s.__class__ is not str: raise F",
            "s = fromiso(s)",
            "if e is not None:",
            "    if e.__class__ is not str: raise F",
            "    e = fromiso(e)",
            "    if e < s: raise F",
            f"if s > as_of: it = ({values}, None, None, e is None, True)",
            "else:",
            "    o = e is None",
            "    if o or e > as_of: e = as_of",
            f"    it = ({values}, s, e, o, False)",
        ]
    else:
        lines += ["if 'start' in r or 'end' in r: raise F", f"it = ({values},)"]
    return lines, consts


def _kind_parser(name: str, spec: Any) -> _Kind:
    """The parser of one item kind as a function (the generated ``run`` inlines the same
    lines)."""
    fields = list(spec.fields.values())
    lines, consts = _parse_lines(name, spec, "")
    source = "def parse(r, n, as_of):\n" + "\n".join("    " + line for line in lines)
    source += "\n    return it"
    namespace: dict[str, Any] = {**consts, "F": _Fallback, "fromiso": date.fromisoformat}
    exec(source, namespace)  # noqa: S102 - source generated from the rubric's declarations
    positions = {"id": 0, **{field.name: position + 1 for position, field in enumerate(fields)}}
    width = len(fields) + 1
    if spec.period:
        positions.update(
            {"_start": width, "_end": width + 1, "_open": width + 2, "_after": width + 3}
        )
    return _Kind(name, namespace["parse"], positions, spec.period, width)


class _Pred:
    """Turn a condition of the rubric file into a Python expression over an item tuple."""

    def __init__(
        self, kind: _Kind | None, consts: dict[str, Any], names: dict[tuple[str, str], str]
    ) -> None:
        self.kind = kind
        self.consts = consts
        self.names = names

    def const(self, value: Any) -> str:
        """One name per distinct value, so equal conditions give equal source (shared)."""
        text = repr(sorted(value, key=repr)) if isinstance(value, frozenset) else repr(value)
        key = (type(value).__name__, text)
        name = self.names.get(key)
        if name is None:
            name = self.names[key] = f"K{len(self.names)}"
            self.consts[name] = value
        return name

    def field(self, name: str) -> str:
        if self.kind is None or name not in self.kind.positions:
            return "None"
        return f"it[{self.kind.positions[name]}]"

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
        if op == "eq":
            return f"({source} == {self.const(value)})"
        if op == "ne":
            return f"({source} != {self.const(value)})"
        if op == "in":
            return f"({source} in {self.const(frozenset(value))})"
        if op == "not_in":
            return f"({source} not in {self.const(frozenset(value))})"
        if op == "within_years_before":
            low = f"LOW[{int(value)}]"
            self.consts.setdefault("YEARS", set()).add(int(value))
            return f"({source}.__class__ is date and {low} <= {source} <= AS_OF)"
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
        start, end = self.kind.positions["_start"], self.kind.positions["_end"]
        if "months_at_least" in raw:
            n = int(raw["months_at_least"])
            return f"(it[{start}] is not None and months(it[{start}], it[{end}]) >= {n})"
        if "ends_within_years_before" in raw:
            years = int(raw["ends_within_years_before"])
            self.consts.setdefault("YEARS", set()).add(years)
            opened = self.kind.positions["_open"]
            return f"(it[{start}] is not None and (it[{opened}] or it[{end}] >= LOW[{years}]))"
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
        from merito.rubrics.periods import completed_months

        self.rubric = rubric
        raw = rubric.raw
        if rubric.facts or rubric.tests or rubric.bonuses or rubric.parameters:
            raise _Unsupported("facts, tests, bonuses or parameters")
        self.kinds = {name: _kind_parser(name, spec) for name, spec in rubric.kinds.items()}
        self.consts: dict[str, Any] = {"date": date, "months": completed_months}
        self.names: dict[tuple[str, str], str] = {}
        # Each distinct screen (kind, match, conditions) is one generated list comprehension,
        # run once per evidence set even when a requirement and a criterion share it.
        self.screens: dict[str, int] = {}
        self.screen_specs: list[tuple[str, str]] = []
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
        self.fast = self.generate()

    def screen(self, kind: str, raw: Mapping[str, Any]) -> int:
        compiled = self.kinds[kind]
        pred = _Pred(compiled, self.consts, self.names)
        parts = [pred.expr(raw.get("match"))]
        if compiled.period:
            parts.append(f"not it[{compiled.positions['_after']}]")
        parts += [pred.expr(c["require"]) for c in raw.get("conditions", [])]
        condition = " and ".join(parts)
        source = f"{kind}: {condition}"
        if source not in self.screens:
            self.screens[source] = len(self.screens)
            self.screen_specs.append((kind, condition))
        return self.screens[source]

    def requirement(self, raw: Mapping[str, Any], req: Any) -> tuple[Any, ...]:
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
        prefer = None
        if req.method == "has_item":
            kind = self.kinds[req.kind]
            ranks: dict[str, int] = {}
            for position, value in enumerate(req.prefer_order):
                ranks.setdefault(value, position)
            prefer = (
                kind.positions.get(req.prefer_by) if req.prefer_by else None,
                ranks,
                len(req.prefer_order),
                kind.positions.get("date"),
                kind.positions.get("year"),
                kind.positions.get("_start"),
            )
        by = self.kinds[req.kind].positions.get(req.by) if req.by else None
        if req.by and by is None:
            raise _Unsupported("weights by an unknown field")
        return (req, test, prefer, by, raw.get("withdraws", True))

    def criterion(self, raw: Mapping[str, Any], c: Any) -> tuple[Any, ...]:
        if c.method not in ("per_item", "highest", "years"):
            raise _Unsupported(c.method)
        if c.method == "years" and c.unit != "year":
            raise _Unsupported("school years")
        test = self.screen(c.kind, raw)
        by = self.kinds[c.kind].positions.get(c.points.by) if c.points.by else None
        if c.points.by and by is None:
            raise _Unsupported("points by an unknown field")
        return (c, test, by)

    # ---------------------------------------------------------------- generated run

    def generate(self) -> Callable[[Any], Figures]:
        """The whole scoring of one evidence set as one generated function: the item
        parsers inline, one list comprehension per distinct screen, and each requirement
        and criterion as straight-line code (the interpretive ``run`` is the reference)."""
        rubric = self.rubric
        ns: dict[str, Any] = {
            **self.consts,
            "F": _Fallback,
            "fromiso": date.fromisoformat,
            "years_before": years_before,
            "TOP": TOP_KEYS,
            "RID": rubric.id,
            "EMPTY": {},
            "NOITEMS": [],
            "ZERO": ZERO,
            "HUNDRED": HUNDRED,
            "MET": MET,
            "NOT_MET": NOT_MET,
            "Figures": Figures,
            "quantize": _quantize,
        }
        out = [
            "def run(raw):",
            "    if raw.__class__ is not dict or not (raw.keys() <= TOP): raise F",
            "    rb = raw.get('rubric')",
            "    if rb is not None and rb != RID: raise F",
            "    aid = raw.get('applicant_id', '')",
            "    a = raw.get('as_of')",
            "    if aid.__class__ is not str or a.__class__ is not str: raise F",
            "    if raw.get('facts', EMPTY) != EMPTY or raw.get('tests', EMPTY) != EMPTY: raise F",
            "    as_of = fromiso(a)",
            "    AS_OF = as_of",
            "    items = raw.get('items', NOITEMS)",
            "    if items.__class__ is not list: raise F",
            "    LOW = {" + ", ".join(f"{y}: years_before(as_of, {y})" for y in self.years) + "}",
        ]
        kind_names = list(self.kinds)
        for k in range(len(kind_names)):
            out.append(f"    B{k} = []; add{k} = B{k}.append")
        out += [
            "    ids = set(); add_id = ids.add; n = 0",
            "    for r in items:",
            "        if r.__class__ is not dict: raise F",
            "        k = r['kind']",
        ]
        for k, name in enumerate(kind_names):
            lines, consts = _parse_lines(name, rubric.kinds[name], f"k{k}")
            ns.update(consts)
            out.append(f"        {'if' if k == 0 else 'elif'} k == {name!r}:")
            out += ["            " + line for line in lines]
            out.append(f"            add{k}(it)")
        out += [
            "        else: raise F",
            "        add_id(it[0])",
            "        n += 1",
            "    if len(ids) != n: raise F",
        ]
        for j, (kind, condition) in enumerate(self.screen_specs):
            bucket = f"B{kind_names.index(kind)}"
            out.append(f"    S{j} = [it for it in {bucket} if {condition}]")
        out.append("    W = False")
        index_of = {req.id: i for i, (req, *_rest) in enumerate(self.requirements)}
        for i, (req, screen, prefer, by, withdraws) in enumerate(self.requirements):
            out.append(f"    c{i} = None; u{i} = False; m{i} = None")
            if req.method == "no_item":
                out.append(f"    st{i} = NOT_MET if S{screen} else MET")
            elif req.method == "has_item":
                ns[f"PREF{i}"] = _preference(prefer)
                out.append(f"    if len(S{screen}) >= {req.count}:")
                out.append(f"        st{i} = MET")
                if req.consumes:
                    if req.count == 1:
                        out.append(f"        c{i} = {{min(S{screen}, key=PREF{i})[0]}}")
                    else:
                        out.append(
                            f"        c{i} = {{it[0] for it in sorted(S{screen}, key=PREF{i})"
                            f"[:{req.count}]}}"
                        )
                out.append(f"    else: st{i} = NOT_MET")
            else:  # min_years
                ns[f"REQ{i}"] = (req, by, self.kinds[req.kind])
                out.append(f"    st{i}, m{i} = min_years(REQ{i}, S{screen})")
            out.append(f"    if st{i} is NOT_MET:")
            if req.consumes:
                out.append(f"        u{i} = True")
            out.append("        W = True" if withdraws else "        pass")
        ns["min_years"] = _min_years_generated
        ns["years"] = _years_generated
        group_vars = []
        for g, (group, criteria) in enumerate(self.groups):
            terms = []
            for ci, (c, screen, by) in enumerate(criteria):
                name = f"p{g}_{ci}"
                out.append(f"    A = S{screen}")
                if c.after is not None:
                    a_i = index_of[c.after]
                    out.append(f"    if u{a_i}: A = NOITEMS")
                    out.append(
                        f"    elif c{a_i} is not None: A = [it for it in A if it[0] not in c{a_i}]"
                    )
                if c.method == "years":
                    ns[f"CRIT{g}_{ci}"] = (c, by, self.kinds[c.kind])
                    taken = f"m{index_of[c.after]}" if c.after is not None else "None"
                    out.append(f"    {name} = years(CRIT{g}_{ci}, A, {taken})")
                elif by is None:
                    ns[f"V{g}_{ci}"] = c.points.value
                    if c.method == "highest":
                        out.append(f"    {name} = V{g}_{ci} if A else ZERO")
                    else:
                        out.append(f"    {name} = V{g}_{ci} * len(A) if A else ZERO")
                else:
                    ns[f"T{g}_{ci}"] = c.points.table
                    field = self.rubric.kinds[c.kind].fields[c.points.by]
                    value = f"it[{by}]" if field.type in ("string", "choice") else f"str(it[{by}])"
                    keep = f"it[{by}] is not None and {value} in T{g}_{ci}"
                    found = f"[T{g}_{ci}[{value}] for it in A if {keep}]"
                    if c.method == "highest":
                        out.append(f"    {name} = max({found}, default=ZERO)")
                    else:
                        out.append(f"    {name} = sum({found}, ZERO)")
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
        ns["PT"] = rubric.precision.get("total")
        ns["PF"] = rubric.precision.get("final")
        statuses = ", ".join(f"st{i}" for i in range(len(self.requirements)))
        statuses = f"({statuses},)" if statuses else "()"
        out += [
            "    total = quantize(total, PT)",
            "    final = quantize(total + ZERO, PF)",
            f"    return Figures(aid, 'retirado' if W else 'elegible', "
            f"{statuses}, ({', '.join(group_vars)},), total, final)",
        ]
        source = "\n".join(out)
        self.source = source
        exec(source, ns)  # noqa: S102 - generated from the rubric file, never from evidence
        run: Callable[[Any], Figures] = ns["run"]
        return run


def _quantize(value: Decimal, places: int | None) -> Decimal:
    if places is None:
        return value
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _preference(prefer: Any) -> Callable[[tuple[Any, ...]], tuple[int, str, str]]:
    field, ranks, last, date_at, year_at, start_at = prefer

    def key(it: tuple[Any, ...]) -> tuple[int, str, str]:
        rank = ranks.get(str(it[field]), last) if field is not None else last
        if start_at is not None and it[start_at] is not None:
            when = it[start_at].isoformat()
        else:
            value = (it[date_at] if date_at is not None else None) or (
                it[year_at] if year_at is not None else None
            )
            when = str(value or "")
        return rank, when, it[0]

    return key


def _periods_by(
    accepted: Sequence[tuple[Any, ...]],
    by: int | None,
    table: Mapping[str, Any] | None,
    kind: _Kind,
) -> dict[str | None, list[tuple[date, date]]]:
    start, end = kind.positions["_start"], kind.positions["_end"]
    keyed: dict[str | None, list[tuple[date, date]]] = {}
    for it in accepted:
        if it[start] is None:
            continue
        key = None
        if by is not None:
            value = it[by]
            key = str(value) if value is not None else ""
            if table is not None and key not in table:
                continue
        keyed.setdefault(key, []).append((it[start], it[end]))
    return keyed


def _min_years(
    req: Any,
    accepted: Sequence[tuple[Any, ...]],
    by: int | None,
    kind: _Kind,
    months_used: dict[str, dict[str | None, int]],
) -> str:
    keyed = _periods_by(accepted, by, req.weights if req.by else None, kind)
    months = {
        key: total_months(merge(periods) if req.merge else periods)
        for key, periods in keyed.items()
    }
    need = req.years.literal * 12
    one = Decimal(1)
    equivalent = sum(
        (
            Decimal(m) * (req.weights.get(k or "", one) if req.by else one)
            for k, m in months.items()
        ),
        ZERO,
    )
    met = equivalent >= need
    if req.consumes and met:
        remaining = need
        taken: dict[str | None, int] = {}
        order: list[str | None] = [*req.weights] if req.by else [None]
        for key in order:
            if remaining <= 0:
                break
            weight = req.weights[key] if key is not None else one
            take = min(months.get(key, 0), ceil(remaining / weight))
            taken[key] = take
            remaining -= take * weight
        months_used[req.id] = taken
    return MET if met else NOT_MET


def _per_item(c: Any, accepted: Sequence[tuple[Any, ...]], by: int | None) -> Decimal:
    if by is None:
        value = c.points.value
        found = [value] * len(accepted) if value is not None else []
    else:
        table = c.points.table
        found = []
        get = table.get
        for it in accepted:
            raw = it[by]
            if raw.__class__ is str:
                points = get(raw)
            else:
                points = get(str(raw)) if raw is not None else None
            if points is not None:
                found.append(points)
    if c.method == "highest":
        return max(found) if found else ZERO
    return sum(found, ZERO)


def _years(
    c: Any,
    accepted: Sequence[tuple[Any, ...]],
    by: int | None,
    kind: _Kind,
    months_used: Mapping[str, Mapping[str | None, int]],
) -> Decimal:
    table = c.points.table if c.points.by else None
    keyed = _periods_by(accepted, by, table, kind)
    taken = months_used.get(c.after or "", {})
    span = 12 * c.every
    total = ZERO
    for key, periods in keyed.items():
        per = c.points.for_item(key)
        months = total_months(merge(periods) if c.merge else periods)
        used_up = taken.get(key, 0)
        if used_up:
            months = max(months - used_up, 0)
        total += (months // span) * per
    return total


def _min_years_generated(spec: Any, accepted: Sequence[tuple[Any, ...]]) -> tuple[str, Any]:
    req, by, kind = spec
    used: dict[str, dict[str | None, int]] = {}
    status = _min_years(req, accepted, by, kind, used)
    return status, used.get(req.id)


def _years_generated(spec: Any, accepted: Sequence[tuple[Any, ...]], taken: Any) -> Decimal:
    c, by, kind = spec
    return _years(c, accepted, by, kind, {c.after or "": taken or {}})


_plans: dict[int, tuple[Rubric, _Plan | None]] = {}


def _plan(rubric: Rubric) -> _Plan | None:
    cached = _plans.get(id(rubric))
    if cached is not None and cached[0] is rubric:
        return cached[1]
    try:
        plan: _Plan | None = _Plan(rubric)
    except _Unsupported:
        plan = None
    _plans[id(rubric)] = (rubric, plan)
    return plan


def score_figures(rubric: Rubric, raw: Any) -> Figures:
    """The figures of ``score(rubric, raw)``, computed fast where the rubric allows."""
    plan = _plan(rubric)
    if plan is not None:
        try:
            return plan.fast(raw)
        except (_Fallback, KeyError, ValueError, TypeError, AttributeError):
            pass
    return figures_of(score(rubric, raw))
