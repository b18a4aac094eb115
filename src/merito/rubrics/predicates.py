"""Conditions written in rubric files, compiled once into plain functions.

A condition is a JSON object; see ``docs/rubrics.md#condiciones``::

    {"field": "level", "in": ["maestria", "especializacion"]}
    {"field": "cvlac", "eq": true}
    {"field": "date", "within_years_before": 5}      # as_of - 5 years <= date <= as_of
    {"field": "year", "between": [2010, 2020]}
    {"months_at_least": 12}                         # the item's own period
    {"ends_within_years_before": 2}                 # still going on, or ended in the last 2 years
    {"fact": "escala", "in": ["3", "4", "5", "6"]}
    {"all": [...]}, {"any": [...]}, {"not": {...}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from merito.rubrics.errors import RubricError
from merito.rubrics.evidence import FieldValue, Item
from merito.rubrics.periods import completed_months, years_before


@dataclass(frozen=True, slots=True)
class Context:
    as_of: date
    facts: Mapping[str, FieldValue]


Predicate = Callable[[Item | None, Context], bool]

_COMPARISONS = ("eq", "ne", "in", "not_in", "gte", "lte", "between", "within_years_before")


def _always(item: Item | None, ctx: Context) -> bool:
    return True


ALWAYS: Predicate = _always


def _literal(value: object, place: str) -> object:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return tuple(_literal(element, place) for element in value)
    return value


def compile_predicate(raw: object, place: str) -> Predicate:
    """Compile a condition; an unknown or malformed one is a :class:`RubricError` at ``place``."""
    if raw is None:
        return ALWAYS
    if not isinstance(raw, dict) or not raw:
        raise RubricError(place, "una condición es un objeto no vacío.")
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        parts = raw[key]
        if not isinstance(parts, list) or not parts or len(raw) != 1:
            raise RubricError(f"{place}.{key}", "se espera una lista no vacía de condiciones.")
        compiled = [compile_predicate(part, f"{place}.{key}[{i}]") for i, part in enumerate(parts)]
        parts_tuple = tuple(compiled)
        if key == "all":

            def all_of(item: Item | None, ctx: Context) -> bool:
                for part in parts_tuple:  # noqa: SIM110 - all() without a generator per call
                    if not part(item, ctx):
                        return False
                return True

            return all_of

        def any_of(item: Item | None, ctx: Context) -> bool:
            for part in parts_tuple:  # noqa: SIM110 - any() without a generator per call
                if part(item, ctx):
                    return True
            return False

        return any_of
    if "not" in raw:
        if len(raw) != 1:
            raise RubricError(place, "«not» va solo.")
        inner = compile_predicate(raw["not"], f"{place}.not")
        return lambda item, ctx: not inner(item, ctx)
    if "months_at_least" in raw:
        months = _int(raw["months_at_least"], f"{place}.months_at_least")
        return lambda item, ctx: (
            item is not None
            and item.period is not None
            and completed_months(*item.period) >= months
        )
    if "ends_within_years_before" in raw:
        years = _int(raw["ends_within_years_before"], f"{place}.ends_within_years_before")

        def ends_within(item: Item | None, ctx: Context) -> bool:
            if item is None or item.period is None:
                return False
            return item.open_ended or item.period[1] >= years_before(ctx.as_of, years)

        return ends_within
    source: Callable[[Item | None, Context], object]
    if "field" in raw:
        name = raw["field"]
        if not isinstance(name, str):
            raise RubricError(f"{place}.field", "el nombre del campo debe ser un texto.")
        source = lambda item, ctx: item.get(name) if item is not None else None  # noqa: E731
    elif "fact" in raw:
        name = raw["fact"]
        if not isinstance(name, str):
            raise RubricError(f"{place}.fact", "el nombre del dato debe ser un texto.")
        source = lambda item, ctx: ctx.facts.get(name)  # noqa: E731
    else:
        raise RubricError(place, f"condición desconocida: {', '.join(sorted(raw))}.")
    operators = [key for key in raw if key in _COMPARISONS]
    extra = set(raw) - set(_COMPARISONS) - {"field", "fact"}
    if len(operators) != 1 or extra:
        raise RubricError(place, f"use exactamente una comparación: {', '.join(_COMPARISONS)}.")
    op = operators[0]
    operand: Any = _literal(raw[op], f"{place}.{op}")
    if "field" in raw:
        direct = _field_comparison(op, operand, raw["field"])
        if direct is not None:
            return direct
    return _comparison(op, operand, source, f"{place}.{op}")


def _field_comparison(op: str, operand: Any, name: str) -> Predicate | None:
    """The common comparisons of an item's field, without the extra call to ``source``
    (same results as :func:`_comparison`: ``item.get(name)``, ``None`` without an item)."""
    if op == "eq":

        def field_eq(item: Item | None, ctx: Context) -> bool:
            equal: bool = (item.fields.get(name) if item is not None else None) == operand
            return equal

        return field_eq
    if op == "ne":

        def field_ne(item: Item | None, ctx: Context) -> bool:
            differ: bool = (item.fields.get(name) if item is not None else None) != operand
            return differ

        return field_ne
    if op in ("in", "not_in") and isinstance(operand, tuple):
        members = frozenset(operand)
        if op == "in":

            def field_in(item: Item | None, ctx: Context) -> bool:
                return (item.fields.get(name) if item is not None else None) in members

            return field_in

        def field_not_in(item: Item | None, ctx: Context) -> bool:
            return (item.fields.get(name) if item is not None else None) not in members

        return field_not_in
    return None


def _comparison(
    op: str, operand: Any, source: Callable[[Item | None, Context], object], place: str
) -> Predicate:
    if op == "eq":
        return lambda item, ctx: source(item, ctx) == operand
    if op == "ne":
        return lambda item, ctx: source(item, ctx) != operand
    if op in ("in", "not_in"):
        if not isinstance(operand, tuple):
            raise RubricError(place, "se espera una lista de valores.")
        members = frozenset(operand)
        if op == "in":
            return lambda item, ctx: source(item, ctx) in members
        return lambda item, ctx: source(item, ctx) not in members
    if op == "within_years_before":
        years = _int(operand, place)

        def within(item: Item | None, ctx: Context) -> bool:
            value = source(item, ctx)
            return isinstance(value, date) and years_before(ctx.as_of, years) <= value <= ctx.as_of

        return within
    if op == "between":
        if not isinstance(operand, tuple) or len(operand) != 2:
            raise RubricError(place, "«between» lleva dos valores [desde, hasta].")
        low, high = operand

        def between(item: Item | None, ctx: Context) -> bool:
            value = source(item, ctx)
            try:
                return value is not None and low <= value <= high
            except TypeError:
                return False

        return between

    def ordered(item: Item | None, ctx: Context) -> bool:
        value = source(item, ctx)
        try:
            if op == "gte":
                return value is not None and value >= operand
            return value is not None and value <= operand
        except TypeError:
            return False

    return ordered


def _int(value: object, place: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RubricError(place, "se espera un número entero no negativo.")
    return value
