"""A rubric: the data file that says how one call scores its applicants.

The format is documented in ``docs/rubrics.md``. :func:`parse_rubric` checks a decoded
file completely and compiles its conditions; every fault is a :class:`RubricError` that
names its place (``groups[1].criteria[0].points``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from merito.rubrics.errors import RubricError
from merito.rubrics.evidence import FieldSpec, FieldValue, KindSpec, field_spec, kinds_schema
from merito.rubrics.predicates import ALWAYS, Context, Predicate, compile_predicate
from merito.rubrics.tiebreak import TieBreak

FORMAT = 1
CRITERION_METHODS = ("per_item", "highest", "years", "test", "fact")
REQUIREMENT_METHODS = ("has_item", "min_years", "no_item", "fact", "min_score", "alternatives")


class MissingParameter(LookupError):
    """A parameter the rubric needs has no value yet (values the seeds give only as images)."""

    def __init__(self, parameter: Parameter, key: str | None) -> None:
        self.parameter = parameter
        self.key = key
        which = f" para «{key}»" if key is not None else ""
        super().__init__(
            f"falta el valor del parámetro «{parameter.label or parameter.name}»{which}"
            + (f" (fuente: {parameter.source})" if parameter.source else "")
        )


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    label: str
    source: str
    value: Decimal | Mapping[str, Decimal | None] | None
    key: str | None = None
    """Name of the fact that selects the entry of a table-valued parameter (e.g. ``escala``)."""


@dataclass(frozen=True, slots=True)
class Value:
    """A number in a rubric: a literal, or a reference to a parameter."""

    literal: Decimal | None = None
    parameter: str | None = None

    def resolve(self, rubric: Rubric, facts: Mapping[str, FieldValue]) -> Decimal:
        if self.literal is not None:
            return self.literal
        assert self.parameter is not None
        parameter = rubric.parameters[self.parameter]
        value = parameter.value
        if isinstance(value, Mapping):
            key = facts.get(parameter.key or "")
            entry = value.get(str(key)) if key is not None else None
            if entry is None:
                raise MissingParameter(parameter, None if key is None else str(key))
            return entry
        if value is None:
            raise MissingParameter(parameter, None)
        return value

    def describe(self, rubric: Rubric) -> str:
        if self.literal is not None:
            return decimal_text(self.literal)
        assert self.parameter is not None
        parameter = rubric.parameters[self.parameter]
        if isinstance(parameter.value, Mapping):
            entries = "; ".join(
                f"{key}: {decimal_text(value) if value is not None else 'sin valor'}"
                for key, value in parameter.value.items()
            )
            return f"{parameter.label} según {parameter.key} ({entries})"
        if parameter.value is None:
            return f"{parameter.label} (sin valor)"
        return decimal_text(parameter.value)


@dataclass(frozen=True, slots=True)
class Condition:
    test: Predicate
    reason: str


@dataclass(frozen=True, slots=True)
class Points:
    """Points per item or per year: one value, or a table by one of the item's fields."""

    value: Decimal | None = None
    by: str | None = None
    table: Mapping[str, Decimal] = field(default_factory=dict)

    def for_item(self, value: FieldValue) -> Decimal | None:
        if self.by is None:
            return self.value
        return self.table.get(str(value)) if value is not None else None


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label: str
    method: str
    kind: str = ""
    match: Predicate = ALWAYS
    conditions: tuple[Condition, ...] = ()
    points: Points = Points()
    cap: Decimal | None = None
    weight: Decimal | None = None
    after: str | None = None
    note: str = ""
    # years
    merge: bool = False
    every: int = 1
    unit: str = "year"
    school_window: tuple[tuple[int, int], tuple[int, int]] = ((3, 1), (12, 31))
    # test
    test: str = ""
    raw_max: Decimal = Decimal(0)
    # fact
    fact: str = ""
    place: str = ""


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    label: str
    method: str
    reason: str
    withdraws: Predicate = ALWAYS
    applies: Predicate = ALWAYS
    kind: str = ""
    match: Predicate = ALWAYS
    conditions: tuple[Condition, ...] = ()
    count: int = 1
    consumes: bool = False
    prefer_by: str | None = None
    prefer_order: tuple[str, ...] = ()
    # min_years
    years: Value = Value()
    merge: bool = False
    by: str | None = None
    weights: Mapping[str, Decimal] = field(default_factory=dict)
    subtract_kind: str = ""
    subtract_match: Predicate = ALWAYS
    reduce_years: Value | None = None
    reduce_when: Predicate = ALWAYS
    # fact
    fact: str = ""
    # min_score
    criterion: str = ""
    minimum: Value = Value()
    # alternatives
    options: tuple[tuple[Requirement, ...], ...] = ()
    option_labels: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    label: str
    criteria: tuple[Criterion, ...]
    cap: Decimal | None = None
    weight: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Bonus:
    id: str
    label: str
    percent: Decimal
    when: Predicate


@dataclass(frozen=True, slots=True)
class Rubric:
    """A validated, compiled rubric. Build it with :func:`parse_rubric` or
    :func:`merito.rubrics.load_rubric`."""

    id: str
    version: str
    title: str
    source: str
    as_of: date | None
    kinds: Mapping[str, KindSpec]
    facts: Mapping[str, FieldSpec]
    parameters: Mapping[str, Parameter]
    requirements: tuple[Requirement, ...]
    groups: tuple[Group, ...]
    total_cap: Decimal | None
    bonuses: tuple[Bonus, ...]
    precision: Mapping[str, int]
    tie_breaks: tuple[TieBreak, ...]
    readings: tuple[str, ...]
    description: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tests(self) -> dict[str, Decimal]:
        """Tests whose raw result the evidence carries, with the highest raw value."""
        return {c.test: c.raw_max for g in self.groups for c in g.criteria if c.method == "test"}

    def criterion(self, criterion_id: str) -> Criterion:
        for group in self.groups:
            for criterion in group.criteria:
                if criterion.id == criterion_id:
                    return criterion
        raise KeyError(criterion_id)

    def with_parameters(self, values: Mapping[str, object]) -> Rubric:
        """A copy with parameter values filled in (``{"pun_minimo": {"1": "60"}}``)."""
        parameters = dict(self.parameters)
        for name, raw in values.items():
            if name not in parameters:
                raise RubricError(f"parameters.{name}", "parámetro desconocido para esta rúbrica.")
            current = parameters[name]
            if isinstance(current.value, Mapping) != isinstance(raw, dict):
                shape = (
                    f"es una tabla por «{current.key}»: dé un valor por clave ({name}.CLAVE=VALOR)"
                    if isinstance(current.value, Mapping)
                    else "es un solo valor, no una tabla"
                )
                raise RubricError(f"parameters.{name}", f"el parámetro {shape}.")
            if isinstance(raw, dict) and isinstance(current.value, Mapping):
                merged: dict[str, Decimal | None] = dict(current.value)
                for key, value in raw.items():
                    if str(key) not in current.value:
                        allowed = ", ".join(current.value)
                        raise RubricError(
                            f"parameters.{name}.{key}", f"clave desconocida; use una de: {allowed}."
                        )
                    merged[str(key)] = (
                        _decimal(value, f"parameters.{name}.{key}") if value is not None else None
                    )
                parameters[name] = replace(current, value=merged)
            else:
                parameters[name] = replace(
                    current, value=_parameter_value(raw, f"parameters.{name}")
                )
        return replace(self, parameters=parameters)

    def evidence_schema(self) -> dict[str, Any]:
        """JSON Schema (draft 2020-12) of the evidence this rubric accepts."""
        facts = {name: spec.json_schema() for name, spec in self.facts.items()}
        tests = {
            name: {"type": ["number", "string"], "minimum": 0, "maximum": int(maximum)}
            for name, maximum in self.tests.items()
        }
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://merito.example/schemas/evidence/{self.id}.json",
            "title": f"Evidencia para «{self.title}» ({self.id} {self.version})",
            "type": "object",
            "properties": {
                "rubric": {"const": self.id},
                "applicant_id": {"type": "string", "description": "Código del postulante."},
                "as_of": {
                    "type": "string",
                    "format": "date",
                    "description": "Fecha de corte de la convocatoria"
                    + (
                        f" (por defecto {self.as_of.isoformat()})"
                        if self.as_of
                        else " (obligatoria)"
                    ),
                },
                "$schema": {"type": "string"},
                "facts": {
                    "type": "object",
                    "properties": facts,
                    "required": [name for name, spec in self.facts.items() if spec.required],
                    "additionalProperties": False,
                },
                "tests": {"type": "object", "properties": tests, "additionalProperties": False},
                "items": {
                    "type": "array",
                    "items": {"oneOf": kinds_schema(list(self.kinds.values()))},
                },
            },
            "required": [] if self.as_of else ["as_of"],
            "additionalProperties": False,
        }


# --------------------------------------------------------------------------- parsing


def decimal_text(value: Decimal) -> str:
    """A decimal as computed, without exponent or trailing zeros (``69.0`` → ``69``)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def _decimal(raw: object, place: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | str | float):
        raise RubricError(place, 'se espera un número (mejor como texto, p. ej. "0.25").')
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise RubricError(place, f"«{raw}» no es un número.") from None
    if not value.is_finite() or value < 0:
        raise RubricError(place, f"«{raw}» debe ser un número no negativo.")
    return value


def _parameter_value(raw: object, place: str) -> Decimal | None:
    return None if raw is None else _decimal(raw, place)


def _text(raw: Mapping[str, Any], key: str, place: str, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise RubricError(f"{place}.{key}" if place else key, "falta el texto o no es un texto.")
    return value


def _object(raw: object, place: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise RubricError(place, "se espera un objeto.")
    return raw


def _list(raw: object, place: str) -> list[Any]:
    if not isinstance(raw, list):
        raise RubricError(place, "se espera una lista.")
    return raw


def _known(raw: Mapping[str, Any], allowed: Sequence[str], place: str) -> None:
    unknown = set(raw) - set(allowed)
    if unknown:
        raise RubricError(place, f"claves desconocidas: {', '.join(sorted(unknown))}.")


class _Parser:
    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.kinds: dict[str, KindSpec] = {}
        self.facts: dict[str, FieldSpec] = {}
        self.parameters: dict[str, Parameter] = {}
        self.requirement_ids: dict[str, Requirement] = {}
        self.requirement_count = 0

    def value(self, raw: object, place: str) -> Value:
        if isinstance(raw, dict):
            _known(raw, ("param",), place)
            name = raw.get("param")
            if name not in self.parameters:
                raise RubricError(
                    f"{place}.param", f"parámetro «{name}» no declarado en parameters."
                )
            return Value(parameter=str(name))
        return Value(literal=_decimal(raw, place))

    def kind(self, name: object, place: str) -> str:
        if name not in self.kinds:
            raise RubricError(place, f"tipo de elemento «{name}» no declarado en item_kinds.")
        return str(name)

    def conditions(self, raw: object, place: str) -> tuple[Condition, ...]:
        result = []
        for index, entry in enumerate(_list(raw or [], place)):
            where = f"{place}[{index}]"
            entry = _object(entry, where)
            _known(entry, ("require", "reason"), where)
            result.append(
                Condition(
                    compile_predicate(entry.get("require"), f"{where}.require"),
                    _text(entry, "reason", where),
                )
            )
        return tuple(result)

    def points(self, raw: object, place: str) -> Points:
        if isinstance(raw, dict):
            _known(raw, ("by", "table"), place)
            by = raw.get("by")
            if not isinstance(by, str):
                raise RubricError(f"{place}.by", "se espera el nombre del campo.")
            table = _object(raw.get("table"), f"{place}.table")
            if not table:
                raise RubricError(f"{place}.table", "la tabla de puntos está vacía.")
            return Points(
                by=by, table={str(k): _decimal(v, f"{place}.table.{k}") for k, v in table.items()}
            )
        return Points(value=_decimal(raw, place))

    def parse(self) -> Rubric:
        raw = self.raw
        _known(
            raw,
            (
                "$schema",
                "format",
                "id",
                "version",
                "title",
                "description",
                "source",
                "as_of",
                "parameters",
                "facts",
                "item_kinds",
                "requirements",
                "groups",
                "total_cap",
                "bonuses",
                "precision",
                "tie_breaks",
                "readings",
            ),
            "",
        )
        if raw.get("format") != FORMAT:
            raise RubricError("format", f"formato de rúbrica no soportado (se espera {FORMAT}).")
        rubric_id = _text(raw, "id", "")
        as_of_raw = raw.get("as_of")
        try:
            as_of = date.fromisoformat(as_of_raw) if isinstance(as_of_raw, str) else None
        except ValueError:
            raise RubricError("as_of", f"«{as_of_raw}» no es una fecha AAAA-MM-DD.") from None
        for name, spec in _object(raw.get("parameters", {}), "parameters").items():
            self.parameters[name] = self.parameter(name, spec, f"parameters.{name}")
        for name, spec in _object(raw.get("facts", {}), "facts").items():
            self.facts[name] = field_spec(name, spec, f"facts.{name}")
        for name, spec in _object(raw.get("item_kinds", {}), "item_kinds").items():
            self.kinds[name] = self.kind_spec(name, spec, f"item_kinds.{name}")
        requirements = tuple(
            self.requirement(entry, f"requirements[{i}]")
            for i, entry in enumerate(_list(raw.get("requirements", []), "requirements"))
        )
        groups = tuple(
            self.group(entry, f"groups[{i}]")
            for i, entry in enumerate(_list(raw.get("groups"), "groups"))
        )
        if not groups:
            raise RubricError("groups", "la rúbrica necesita al menos un rubro.")
        criterion_ids = [c.id for g in groups for c in g.criteria]
        for where, ids in (
            ("groups", [g.id for g in groups] + criterion_ids),
            ("requirements", list(self.requirement_ids)),
        ):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates or (
                where == "requirements" and len(self.requirement_ids) != self.requirement_count
            ):
                raise RubricError(
                    where,
                    f"identificadores repetidos: {', '.join(duplicates) or 'entre requisitos'}.",
                )
        self.check_references(requirements, groups)
        _check_weights([(g.weight, f"groups[{i}]") for i, g in enumerate(groups)], "groups")
        for i, g in enumerate(groups):
            _check_weights([(c.weight, c.place) for c in g.criteria], f"groups[{i}].criteria")
        bonuses = tuple(
            self.bonus(entry, f"bonuses[{i}]")
            for i, entry in enumerate(_list(raw.get("bonuses", []), "bonuses"))
        )
        precision: dict[str, int] = {}
        for key, places in _object(raw.get("precision", {}), "precision").items():
            if key not in ("criterion", "group", "total", "bonus", "final"):
                raise RubricError(f"precision.{key}", "use criterion, group, total, bonus o final.")
            if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 6:
                raise RubricError(f"precision.{key}", "número de decimales entre 0 y 6.")
            precision[key] = places
        fields = {"final", "total", *(g.id for g in groups), *criterion_ids}
        tie_breaks = []
        for i, entry in enumerate(_list(raw.get("tie_breaks", []), "tie_breaks")):
            where = f"tie_breaks[{i}]"
            entry = _object(entry, where)
            _known(entry, ("field", "descending", "label"), where)
            if entry.get("field") not in fields:
                raise RubricError(
                    f"{where}.field",
                    f"«{entry.get('field')}» no es un rubro, criterio, total ni final.",
                )
            tie_breaks.append(
                TieBreak(
                    str(entry["field"]),
                    bool(entry.get("descending", True)),
                    _text(entry, "label", where),
                )
            )
        readings = tuple(str(r) for r in _list(raw.get("readings", []), "readings"))
        total_cap = (
            _decimal(raw["total_cap"], "total_cap") if raw.get("total_cap") is not None else None
        )
        return Rubric(
            id=rubric_id,
            version=_text(raw, "version", ""),
            title=_text(raw, "title", ""),
            source=_text(raw, "source", "", required=False),
            description=_text(raw, "description", "", required=False),
            as_of=as_of,
            kinds=self.kinds,
            facts=self.facts,
            parameters=self.parameters,
            requirements=requirements,
            groups=groups,
            total_cap=total_cap,
            bonuses=bonuses,
            precision=precision,
            tie_breaks=tuple(tie_breaks),
            readings=readings,
            raw=raw,
        )

    def parameter(self, name: str, raw: object, place: str) -> Parameter:
        spec = _object(raw, place)
        _known(spec, ("label", "source", "value", "key"), place)
        value = spec.get("value")
        key = spec.get("key")
        parsed: Decimal | Mapping[str, Decimal | None] | None
        if isinstance(value, dict):
            if not isinstance(key, str):
                raise RubricError(
                    f"{place}.key",
                    "un parámetro por tabla necesita «key» (el dato que elige la fila).",
                )
            parsed = {str(k): _parameter_value(v, f"{place}.value.{k}") for k, v in value.items()}
        else:
            parsed = _parameter_value(value, f"{place}.value")
        return Parameter(
            name,
            _text(spec, "label", place),
            _text(spec, "source", place, required=False),
            parsed,
            key if isinstance(key, str) else None,
        )

    def kind_spec(self, name: str, raw: object, place: str) -> KindSpec:
        spec = _object(raw, place)
        _known(spec, ("label", "period", "fields"), place)
        fields = {}
        for field_name, field_raw in _object(spec.get("fields", {}), f"{place}.fields").items():
            if field_name in ("id", "kind", "start", "end"):
                raise RubricError(f"{place}.fields.{field_name}", "nombre de campo reservado.")
            fields[field_name] = field_spec(field_name, field_raw, f"{place}.fields.{field_name}")
        return KindSpec(name, _text(spec, "label", place), fields, bool(spec.get("period", False)))

    def common(self, raw: Mapping[str, Any], place: str) -> dict[str, Any]:
        kind = self.kind(raw.get("kind"), f"{place}.kind")
        return {
            "kind": kind,
            "match": compile_predicate(raw.get("match"), f"{place}.match"),
            "conditions": self.conditions(raw.get("conditions"), f"{place}.conditions"),
        }

    def requirement(self, raw: object, place: str, *, nested: bool = False) -> Requirement:
        spec = _object(raw, place)
        method = spec.get("method")
        if method not in REQUIREMENT_METHODS:
            raise RubricError(
                f"{place}.method",
                f"método «{method}» desconocido; use uno de: {', '.join(REQUIREMENT_METHODS)}.",
            )
        base = ("id", "label", "method", "reason", "withdraws", "applies", "note")
        extra: tuple[str, ...]
        args: dict[str, Any] = {}
        if method == "no_item":
            extra = ("kind", "match")
            args.update(self.common(spec, place))
        elif method == "has_item":
            extra = ("kind", "match", "conditions", "count", "consumes", "prefer")
            args.update(self.common(spec, place))
            count = spec.get("count", 1)
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                raise RubricError(f"{place}.count", "se espera un entero positivo.")
            args["count"] = count
            args["consumes"] = bool(spec.get("consumes", False))
            if "prefer" in spec:
                prefer = _object(spec["prefer"], f"{place}.prefer")
                _known(prefer, ("by", "order"), f"{place}.prefer")
                args["prefer_by"] = str(prefer.get("by"))
                args["prefer_order"] = tuple(
                    str(v) for v in _list(prefer.get("order"), f"{place}.prefer.order")
                )
        elif method == "min_years":
            extra = (
                "kind",
                "match",
                "conditions",
                "years",
                "merge",
                "by",
                "weights",
                "consumes",
                "subtract",
                "reduce",
            )
            args.update(self.common(spec, place))
            args["years"] = self.value(spec.get("years"), f"{place}.years")
            args["merge"] = bool(spec.get("merge", False))
            args["consumes"] = bool(spec.get("consumes", False))
            if "weights" in spec:
                by = spec.get("by")
                if not isinstance(by, str):
                    raise RubricError(
                        f"{place}.by", "«weights» necesita «by» (el campo que las elige)."
                    )
                weights = _object(spec["weights"], f"{place}.weights")
                args["by"] = by
                args["weights"] = {
                    str(k): _decimal(v, f"{place}.weights.{k}") for k, v in weights.items()
                }
                if any(w == 0 for w in args["weights"].values()):
                    raise RubricError(
                        f"{place}.weights", "un peso no puede ser 0 (quite la entrada)."
                    )
            if "subtract" in spec:
                sub = _object(spec["subtract"], f"{place}.subtract")
                _known(sub, ("kind", "match"), f"{place}.subtract")
                args["subtract_kind"] = self.kind(sub.get("kind"), f"{place}.subtract.kind")
                args["subtract_match"] = compile_predicate(
                    sub.get("match"), f"{place}.subtract.match"
                )
            if "reduce" in spec:
                red = _object(spec["reduce"], f"{place}.reduce")
                _known(red, ("years", "when"), f"{place}.reduce")
                args["reduce_years"] = self.value(red.get("years"), f"{place}.reduce.years")
                args["reduce_when"] = compile_predicate(red.get("when"), f"{place}.reduce.when")
        elif method == "fact":
            extra = ("fact",)
            name = spec.get("fact")
            if name not in self.facts or self.facts[str(name)].type != "bool":
                raise RubricError(
                    f"{place}.fact", f"«{name}» no es un dato sí/no declarado en facts."
                )
            args["fact"] = str(name)
        elif method == "min_score":
            extra = ("criterion", "minimum")
            args["criterion"] = _text(spec, "criterion", place)
            args["minimum"] = self.value(spec.get("minimum"), f"{place}.minimum")
        else:
            extra = ("options",)
            options, labels = [], []
            for i, option in enumerate(_list(spec.get("options"), f"{place}.options")):
                where = f"{place}.options[{i}]"
                option = _object(option, where)
                _known(option, ("label", "all"), where)
                labels.append(_text(option, "label", where))
                options.append(
                    tuple(
                        self.requirement(r, f"{where}.all[{j}]", nested=True)
                        for j, r in enumerate(_list(option.get("all"), f"{where}.all"))
                    )
                )
            if not options:
                raise RubricError(f"{place}.options", "se necesita al menos una alternativa.")
            args["options"] = tuple(options)
            args["consumes"] = any(sub.consumes for option in options for sub in option)
            args["option_labels"] = tuple(labels)
        _known(spec, base + extra, place)
        withdraws = spec.get("withdraws", True)
        requirement = Requirement(
            id=_text(spec, "id", place),
            label=_text(spec, "label", place),
            method=str(method),
            reason=_text(spec, "reason", place),
            withdraws=(
                ALWAYS
                if withdraws is True
                else _NEVER
                if withdraws is False
                else compile_predicate(withdraws, f"{place}.withdraws")
            ),
            applies=compile_predicate(spec.get("applies"), f"{place}.applies"),
            note=_text(spec, "note", place, required=False),
            **args,
        )
        self.requirement_ids[requirement.id] = requirement
        self.requirement_count += 1
        return requirement

    def group(self, raw: object, place: str) -> Group:
        spec = _object(raw, place)
        _known(spec, ("id", "label", "cap", "weight", "criteria"), place)
        criteria = tuple(
            self.criterion(c, f"{place}.criteria[{i}]")
            for i, c in enumerate(_list(spec.get("criteria"), f"{place}.criteria"))
        )
        if not criteria:
            raise RubricError(f"{place}.criteria", "un rubro necesita al menos un criterio.")
        return Group(
            id=_text(spec, "id", place),
            label=_text(spec, "label", place),
            criteria=criteria,
            cap=_decimal(spec["cap"], f"{place}.cap") if spec.get("cap") is not None else None,
            weight=_decimal(spec["weight"], f"{place}.weight")
            if spec.get("weight") is not None
            else None,
        )

    def criterion(self, raw: object, place: str) -> Criterion:
        spec = _object(raw, place)
        method = spec.get("method")
        if method not in CRITERION_METHODS:
            raise RubricError(
                f"{place}.method",
                f"método «{method}» desconocido; use uno de: {', '.join(CRITERION_METHODS)}.",
            )
        base = ("id", "label", "method", "cap", "weight", "note")
        args: dict[str, Any] = {}
        extra: tuple[str, ...]
        if method in ("per_item", "highest"):
            extra = ("kind", "match", "conditions", "points", "after")
            args.update(self.common(spec, place))
            args["points"] = self.points(spec.get("points"), f"{place}.points")
        elif method == "years":
            extra = (
                "kind",
                "match",
                "conditions",
                "points",
                "after",
                "merge",
                "every",
                "unit",
                "school_year",
            )
            args.update(self.common(spec, place))
            args["points"] = self.points(spec.get("points"), f"{place}.points")
            args["merge"] = bool(spec.get("merge", False))
            every = spec.get("every", 1)
            if not isinstance(every, int) or isinstance(every, bool) or every < 1:
                raise RubricError(f"{place}.every", "se espera un entero positivo de años.")
            args["every"] = every
            unit = spec.get("unit", "year")
            if unit not in ("year", "school_year"):
                raise RubricError(
                    f"{place}.unit", "use «year» (12 meses) o «school_year» (año lectivo)."
                )
            args["unit"] = unit
            if unit == "school_year":
                window = _object(spec.get("school_year"), f"{place}.school_year")
                args["school_window"] = (
                    _month_day(window.get("from"), f"{place}.school_year.from"),
                    _month_day(window.get("to"), f"{place}.school_year.to"),
                )
                if "after" in spec:
                    raise RubricError(
                        f"{place}.after", "el año lectivo no se descuenta de un requisito."
                    )
        elif method == "test":
            extra = ("test", "raw_max", "points")
            args["test"] = _text(spec, "test", place)
            args["raw_max"] = _decimal(spec.get("raw_max"), f"{place}.raw_max")
            args["points"] = self.points(spec.get("points"), f"{place}.points")
            if args["points"].by is not None:
                raise RubricError(f"{place}.points", "el valor de cada respuesta es un número.")
        else:
            extra = ("fact", "points")
            name = spec.get("fact")
            if name not in self.facts or self.facts[str(name)].type != "bool":
                raise RubricError(
                    f"{place}.fact", f"«{name}» no es un dato sí/no declarado en facts."
                )
            args["fact"] = str(name)
            args["points"] = self.points(spec.get("points"), f"{place}.points")
        _known(spec, base + extra, place)
        after = spec.get("after")
        if after is not None:
            args["after"] = str(after)
        return Criterion(
            id=_text(spec, "id", place),
            label=_text(spec, "label", place),
            method=str(method),
            cap=_decimal(spec["cap"], f"{place}.cap") if spec.get("cap") is not None else None,
            weight=_decimal(spec["weight"], f"{place}.weight")
            if spec.get("weight") is not None
            else None,
            note=_text(spec, "note", place, required=False),
            place=place,
            **args,
        )

    def check_references(
        self, requirements: tuple[Requirement, ...], groups: tuple[Group, ...]
    ) -> None:
        criteria = {c.id: c for g in groups for c in g.criteria}
        for i, requirement in enumerate(requirements):
            if requirement.method == "min_score" and requirement.criterion not in criteria:
                raise RubricError(
                    f"requirements[{i}].criterion",
                    f"criterio «{requirement.criterion}» inexistente.",
                )
        for criterion in criteria.values():
            if criterion.after is None:
                continue
            target = self.requirement_ids.get(criterion.after)
            if target is None or not target.consumes:
                raise RubricError(
                    f"{criterion.place}.after",
                    f"«{criterion.after}» no es un requisito que consuma evidencia "
                    "(consumes: true).",
                )
            if target.method != "alternatives" and target.kind != criterion.kind:
                raise RubricError(
                    f"{criterion.place}.after",
                    "el requisito y el criterio deben tratar el mismo tipo de elemento.",
                )
            if target.method == "min_years" and (
                criterion.method != "years" or target.by != criterion.points.by
            ):
                raise RubricError(
                    f"{criterion.place}.after",
                    "un requisito de años solo se descuenta de un criterio de años "
                    "con el mismo «by».",
                )
        self.check_fields(requirements, criteria)

    def check_fields(
        self, requirements: tuple[Requirement, ...], criteria: Mapping[str, Criterion]
    ) -> None:
        for criterion in criteria.values():
            by = criterion.points.by
            if by is not None and criterion.kind and by not in self.kinds[criterion.kind].fields:
                raise RubricError(
                    f"{criterion.place}.points.by",
                    f"«{criterion.points.by}» no es un campo de «{criterion.kind}».",
                )
            if criterion.method == "years" and not self.kinds[criterion.kind].period:
                raise RubricError(
                    f"{criterion.place}.kind",
                    f"«{criterion.kind}» no tiene periodo (period: true).",
                )
        for i, requirement in enumerate(requirements):
            if requirement.method == "min_years" and not self.kinds[requirement.kind].period:
                raise RubricError(
                    f"requirements[{i}].kind",
                    f"«{requirement.kind}» no tiene periodo (period: true).",
                )

    def bonus(self, raw: object, place: str) -> Bonus:
        spec = _object(raw, place)
        _known(spec, ("id", "label", "percent", "when"), place)
        return Bonus(
            _text(spec, "id", place),
            _text(spec, "label", place),
            _decimal(spec.get("percent"), f"{place}.percent"),
            compile_predicate(spec.get("when"), f"{place}.when"),
        )


def _check_weights(weights: list[tuple[Decimal | None, str]], place: str) -> None:
    """Weights are all or nothing within a level, and add up to 100 %."""
    given = [w for w, _ in weights if w is not None]
    if not given:
        return
    if len(given) != len(weights):
        missing = next(where for w, where in weights if w is None)
        raise RubricError(
            f"{missing}.weight",
            "si un elemento se pondera, todos los de su nivel deben tener «weight».",
        )
    if sum(given) != 100:
        raise RubricError(
            place,
            f"las ponderaciones suman {decimal_text(sum(given, Decimal(0)))} %, deben sumar 100 %.",
        )


def _never(item: object, ctx: Context) -> bool:
    return False


_NEVER: Predicate = _never


def _month_day(raw: object, place: str) -> tuple[int, int]:
    try:
        assert isinstance(raw, str)
        month, day = (int(part) for part in raw.split("-"))
        date(2001, month, day)
    except (AssertionError, ValueError):
        raise RubricError(place, "se espera MM-DD (p. ej. 03-01).") from None
    return month, day


def parse_rubric(raw: object) -> Rubric:
    """Validate and compile a decoded rubric file."""
    return _Parser(_object(raw, "")).parse()
