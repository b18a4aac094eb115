"""Evidence: what one applicant brings, checked against the fields a rubric declares.

An evidence document is JSON::

    {"applicant_id": "CC-79123456", "as_of": "2021-03-01",
     "facts": {"etica": true}, "tests": {"pun": 37},
     "items": [{"id": "t1", "kind": "titulo", "level": "doctorado", ...}, ...]}

Each item kind, its fields and their types come from the rubric (``item_kinds``); each
fault is an :class:`EvidenceError` naming its place (``items[3].start``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from merito.rubrics.errors import EvidenceError, RubricError

FieldValue = str | bool | int | Decimal | date | None

TYPES = ("string", "bool", "int", "decimal", "date", "choice")
_TYPE_WORDS = {
    "string": "un texto",
    "bool": "verdadero o falso (true/false)",
    "int": "un número entero",
    "decimal": "un número",
    "date": "una fecha AAAA-MM-DD",
    "choice": "uno de los valores permitidos",
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: str
    label: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = None
    default: FieldValue = None
    labels: Mapping[str, str] | None = None
    """Spanish words for the choices (``{"maestria": "Maestría"}``), for explanations."""

    def word(self, value: object) -> str:
        return (self.labels or {}).get(str(value), str(value))

    def parse(self, raw: object, place: str) -> FieldValue:
        if raw is None:
            if self.required:
                raise EvidenceError(
                    place, f"falta el campo obligatorio ({self.label or self.name})."
                )
            return self.default
        value = _convert(self.type, raw, place)
        if self.type == "choice" and value not in self.choices:
            allowed = ", ".join(self.choices)
            raise EvidenceError(place, f"valor «{raw}» no permitido; use uno de: {allowed}.")
        number = isinstance(value, int | Decimal) and not isinstance(value, bool)
        if self.minimum is not None and number and value < self.minimum:  # type: ignore[operator]
            raise EvidenceError(place, f"el valor {raw} no puede ser menor que {self.minimum}.")
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any]
        if self.type == "bool":
            schema = {"type": "boolean"}
        elif self.type == "int":
            schema = {"type": "integer"}
        elif self.type == "decimal":
            schema = {"type": ["number", "string"], "pattern": r"^-?\d+(\.\d+)?$"}
        elif self.type == "date":
            schema = {"type": "string", "format": "date"}
        elif self.type == "choice":
            schema = {"enum": list(self.choices)}
        else:
            schema = {"type": "string"}
        if self.minimum is not None and self.type in ("int", "decimal"):
            schema["minimum"] = (
                int(self.minimum)
                if self.minimum == self.minimum.to_integral()
                else float(self.minimum)
            )
        if self.label:
            schema["description"] = self.label
        if not self.required:
            schema = {
                "anyOf": [schema, {"type": "null"}],
                **({"description": self.label} if self.label else {}),
            }
        return schema


def _convert(kind: str, raw: object, place: str) -> FieldValue:
    try:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
        elif kind == "int":
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
                return int(raw)
        elif kind == "decimal":
            if isinstance(raw, int | float | str) and not isinstance(raw, bool):
                value = Decimal(str(raw))
                if value.is_finite():
                    return value
        elif kind == "date":
            if isinstance(raw, str):
                return date.fromisoformat(raw)
        elif isinstance(raw, str):  # string, choice
            return raw
    except (ValueError, InvalidOperation):
        pass
    raise EvidenceError(place, f"«{raw}» no es {_TYPE_WORDS[kind]}.")


@dataclass(frozen=True, slots=True)
class KindSpec:
    """An item kind a rubric accepts, e.g. ``titulo`` or ``experiencia``."""

    name: str
    label: str
    fields: Mapping[str, FieldSpec]
    period: bool = False
    """Items of this kind have ``start`` and ``end`` (blank end: still going on at ``as_of``)."""


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    kind: str
    fields: Mapping[str, FieldValue]
    period: tuple[date, date] | None
    open_ended: bool = False
    after_cut: bool = False
    """The period starts after the cut date (``as_of``): it cannot count."""

    def get(self, name: str) -> FieldValue:
        return self.fields.get(name)

    def describe(self) -> str:
        label = self.fields.get("label") or self.fields.get("title")
        return f"{self.id} ({label})" if label else self.id


@dataclass(frozen=True, slots=True)
class Evidence:
    applicant_id: str
    as_of: date
    facts: Mapping[str, FieldValue]
    tests: Mapping[str, Decimal]
    items: tuple[Item, ...]

    def of_kind(self, kind: str) -> list[Item]:
        return [item for item in self.items if item.kind == kind]


def field_spec(name: str, raw: object, place: str) -> FieldSpec:
    """A field declaration from a rubric file (``{"type": "date", "required": true}``)."""
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict):
        raise RubricError(place, 'cada campo se declara con un objeto {"type": …}.')
    kind = raw.get("type")
    if kind not in TYPES:
        raise RubricError(
            f"{place}.type", f"tipo «{kind}» desconocido; use uno de: {', '.join(TYPES)}."
        )
    choices = raw.get("choices", [])
    if kind == "choice" and (not isinstance(choices, list) or not choices):
        raise RubricError(
            f"{place}.choices", "un campo de tipo choice necesita la lista de valores."
        )
    minimum = raw.get("min")
    spec = FieldSpec(
        name=name,
        type=kind,
        label=str(raw.get("label", "")),
        required=bool(raw.get("required", False)),
        choices=tuple(str(choice) for choice in choices),
        minimum=Decimal(str(minimum)) if minimum is not None else None,
        labels={str(k): str(v) for k, v in raw.get("labels", {}).items()}
        if isinstance(raw.get("labels"), dict)
        else None,
    )
    default = raw.get("default")
    if default is not None:
        try:
            spec = FieldSpec(
                **{**_asdict(spec), "default": spec.parse(default, f"{place}.default")}
            )
        except EvidenceError as error:
            raise RubricError(error.place, error.message) from None
    unknown = set(raw) - {"type", "label", "required", "choices", "min", "default", "labels"}
    if unknown:
        raise RubricError(place, f"claves desconocidas: {', '.join(sorted(unknown))}.")
    return spec


def _asdict(spec: FieldSpec) -> dict[str, Any]:
    return {name: getattr(spec, name) for name in spec.__slots__}


RESERVED = ("id", "kind", "start", "end")


def parse_evidence(
    raw: object,
    kinds: Mapping[str, KindSpec],
    facts: Mapping[str, FieldSpec],
    tests: Mapping[str, Decimal],
    default_as_of: date | None,
) -> Evidence:
    """Check ``raw`` (decoded JSON) against the rubric's declarations."""
    if not isinstance(raw, dict):
        raise EvidenceError("", "el documento de evidencia debe ser un objeto JSON.")
    unknown = set(raw) - {"applicant_id", "as_of", "facts", "tests", "items", "rubric", "$schema"}
    if unknown:
        raise EvidenceError(sorted(unknown)[0], "clave desconocida en la evidencia.")
    applicant_id = raw.get("applicant_id", "")
    if not isinstance(applicant_id, str):
        raise EvidenceError("applicant_id", "debe ser un texto.")
    as_of_raw = raw.get("as_of")
    if as_of_raw is None:
        if default_as_of is None:
            raise EvidenceError("as_of", "falta la fecha de corte (as_of) de la convocatoria.")
        as_of = default_as_of
    else:
        parsed = _convert("date", as_of_raw, "as_of")
        assert isinstance(parsed, date)
        as_of = parsed

    raw_facts = raw.get("facts", {})
    if not isinstance(raw_facts, dict):
        raise EvidenceError("facts", "debe ser un objeto.")
    for name in raw_facts:
        if name not in facts:
            raise EvidenceError(f"facts.{name}", "dato desconocido para esta rúbrica.")
    fact_values = {
        name: spec.parse(raw_facts.get(name), f"facts.{name}") for name, spec in facts.items()
    }

    raw_tests = raw.get("tests", {})
    if not isinstance(raw_tests, dict):
        raise EvidenceError("tests", "debe ser un objeto.")
    test_values: dict[str, Decimal] = {}
    for name, value in raw_tests.items():
        place = f"tests.{name}"
        if name not in tests:
            raise EvidenceError(place, "prueba desconocida para esta rúbrica.")
        if value is None:
            continue
        number = _convert("decimal", value, place)
        assert isinstance(number, Decimal)
        if number < 0 or number > tests[name]:
            raise EvidenceError(place, f"el resultado {value} debe estar entre 0 y {tests[name]}.")
        test_values[name] = number

    raw_items = raw.get("items", [])
    if not isinstance(raw_items, list):
        raise EvidenceError("items", "debe ser una lista.")
    items: list[Item] = []
    seen: set[str] = set()
    fast = _fast_kinds(kinds)
    for index, raw_item in enumerate(raw_items):
        item = _fast_item(raw_item, fast, as_of)
        if item is None:  # anything unusual: the full check, with its exact messages
            item = _parse_item(raw_item, f"items[{index}]", kinds, as_of, index)
        if item.id in seen:
            raise EvidenceError(
                f"items[{index}].id", f"el identificador «{item.id}» está repetido."
            )
        seen.add(item.id)
        items.append(item)
    return Evidence(applicant_id, as_of, fact_values, test_values, tuple(items))


# --------------------------------------------------------------------------- fast path
#
# Most evidence is well formed. ``_fast_item`` checks an item with per-kind tables built
# once per rubric and, when everything is in order, returns exactly the ``Item`` that
# ``_parse_item`` would; at the first thing out of the ordinary it returns ``None`` and
# ``_parse_item`` runs instead, so every message (and its place) stays the same.

_MISSING = object()
_FAST_STR, _FAST_CHOICE, _FAST_BOOL, _FAST_INT, _FAST_DATE, _FAST_OTHER = range(6)
_FAST_CODES = {
    "string": _FAST_STR,
    "choice": _FAST_CHOICE,
    "bool": _FAST_BOOL,
    "int": _FAST_INT,
    "date": _FAST_DATE,
}

_FastField = tuple[str, int, bool, frozenset[str], Any, FieldValue]
_FastKind = tuple[KindSpec, frozenset[str], tuple[_FastField, ...]]
_fast_cache: dict[int, tuple[Mapping[str, KindSpec], dict[str, _FastKind]]] = {}


def _fast_kinds(kinds: Mapping[str, KindSpec]) -> dict[str, _FastKind]:
    cached = _fast_cache.get(id(kinds))
    if cached is not None and cached[0] is kinds:
        return cached[1]
    table: dict[str, _FastKind] = {}
    for name, kind in kinds.items():
        fields = tuple(
            (
                spec.name,
                _FAST_CODES.get(spec.type, _FAST_OTHER),
                spec.required,
                frozenset(spec.choices),
                spec.minimum,
                spec.default,
            )
            for spec in kind.fields.values()
        )
        if any(field[0] != key for field, key in zip(fields, kind.fields, strict=True)):
            continue  # a field stored under another name: leave it to the full check
        table[name] = (kind, frozenset(kind.fields) | frozenset(RESERVED), fields)
    if len(_fast_cache) >= 64:
        _fast_cache.clear()
    _fast_cache[id(kinds)] = (kinds, table)  # keeps ``kinds`` alive: its id stays its own
    return table


def _fast_item(raw: object, fast: dict[str, _FastKind], as_of: date) -> Item | None:
    if type(raw) is not dict:
        return None
    kind_name = raw.get("kind")
    if type(kind_name) is not str:
        return None
    entry = fast.get(kind_name)
    if entry is None:
        return None
    kind, allowed, fields = entry
    item_id = raw.get("id", _MISSING)
    if type(item_id) is str:
        if item_id == "":
            return None
    elif type(item_id) is int:
        item_id = str(item_id)
    else:
        return None
    if not raw.keys() <= allowed:
        return None
    values: dict[str, FieldValue] = {}
    get = raw.get
    for name, code, required, choices, minimum, default in fields:
        value = get(name)
        if value is None:
            if required:
                return None
            values[name] = default
        elif code in (_FAST_CHOICE, _FAST_STR):
            if type(value) is not str or (code == _FAST_CHOICE and value not in choices):
                return None
            values[name] = value
        elif code == _FAST_BOOL:
            if value is not True and value is not False:
                return None
            values[name] = value
        elif code == _FAST_INT:
            if type(value) is not int or (minimum is not None and value < minimum):
                return None
            values[name] = value
        elif code == _FAST_DATE:
            if type(value) is not str:
                return None
            try:
                values[name] = date.fromisoformat(value)
            except ValueError:
                return None
        else:
            return None
    if kind.period:
        start_raw = get("start")
        end_raw = get("end")
        if type(start_raw) is not str or (end_raw is not None and type(end_raw) is not str):
            return None
        try:
            start = date.fromisoformat(start_raw)
            end = date.fromisoformat(end_raw) if end_raw is not None else None
        except ValueError:
            return None
        if end is not None and end < start:
            return None
        if start > as_of:
            return Item(item_id, kind.name, values, None, end is None, after_cut=True)
        open_ended = False
        if end is None or end > as_of:
            open_ended = end is None
            end = as_of
        return Item(item_id, kind.name, values, (start, end), open_ended)
    if "start" in raw or "end" in raw:
        return None
    return Item(item_id, kind.name, values, None, False)


def _parse_item(
    raw: object, place: str, kinds: Mapping[str, KindSpec], as_of: date, index: int
) -> Item:
    if not isinstance(raw, dict):
        raise EvidenceError(place, "cada elemento debe ser un objeto.")
    kind_name = raw.get("kind")
    kind = kinds.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        allowed = ", ".join(kinds)
        raise EvidenceError(
            f"{place}.kind", f"tipo «{kind_name}» desconocido; use uno de: {allowed}."
        )
    item_id = raw.get("id", f"#{index + 1}")
    if not isinstance(item_id, str | int) or isinstance(item_id, bool) or item_id == "":
        raise EvidenceError(f"{place}.id", "el identificador debe ser un texto no vacío.")
    for name in raw:
        if name not in kind.fields and name not in RESERVED:
            raise EvidenceError(f"{place}.{name}", f"campo desconocido para «{kind.name}».")
    values = {
        name: spec.parse(raw.get(name), f"{place}.{name}") for name, spec in kind.fields.items()
    }
    period = None
    open_ended = False
    if kind.period:
        start = (
            _convert("date", raw.get("start"), f"{place}.start")
            if raw.get("start") is not None
            else None
        )
        if start is None:
            raise EvidenceError(f"{place}.start", "falta la fecha de inicio del periodo.")
        end_raw = raw.get("end")
        end = _convert("date", end_raw, f"{place}.end") if end_raw is not None else None
        assert isinstance(start, date) and (end is None or isinstance(end, date))
        if end is not None and end < start:
            raise EvidenceError(
                f"{place}.end", f"la fecha final {end} es anterior a la inicial {start}."
            )
        if start > as_of:
            return Item(str(item_id), kind.name, values, None, end is None, after_cut=True)
        if end is None or end > as_of:
            open_ended = end is None
            end = as_of
        period = (start, end)
    elif "start" in raw or "end" in raw:
        raise EvidenceError(place, f"los elementos «{kind.name}» no llevan periodo (start/end).")
    return Item(str(item_id), kind.name, values, period, open_ended)


def kinds_schema(kinds: Sequence[KindSpec]) -> list[dict[str, Any]]:
    """One JSON Schema branch per item kind (used by ``Rubric.evidence_schema``)."""
    branches = []
    for kind in kinds:
        properties: dict[str, Any] = {
            "id": {
                "type": ["string", "integer"],
                "description": "Identificador del elemento (único).",
            },
            "kind": {"const": kind.name, "description": kind.label},
        }
        required = ["kind"]
        if kind.period:
            properties["start"] = {
                "type": "string",
                "format": "date",
                "description": "Fecha de inicio.",
            }
            properties["end"] = {
                "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
                "description": "Fecha final (vacía: vigente a la fecha de corte).",
            }
            required.append("start")
        for name, spec in kind.fields.items():
            properties[name] = spec.json_schema()
            if spec.required:
                required.append(name)
        branches.append(
            {"title": kind.label or kind.name, "type": "object", "properties": properties,
             "required": required, "additionalProperties": False}
        )  # fmt: skip
    return branches
