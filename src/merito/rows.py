"""Model instances read and written with plain SQL, for the few paths that run on every request
of a surge (an inscription, the signed-in user, the session).

Compiling an ORM query to SQL costs about a millisecond of CPU, more than PostgreSQL takes to
run it; an inscription compiled a dozen. Here the SQL of each shape (model, joined relations,
extra columns) is written once per process from the models' metadata and kept; every call
only sends it with its parameters. The rows become real model instances, through the same
converters the ORM applies, with the joined relations in their caches, so the code that reads
them does not know the difference.

``where`` and ``extra`` are SQL fragments written in the code, never input: the main table is
``t0``, the joined ones ``t1``, ``t2``… in the order of ``related``; values go in ``params``.

Limits (each refused loudly, not worked around): joins follow foreign keys to the related
primary key (no ``to_field``); the default order is the model's ``Meta.ordering`` on its
own columns; rows come from the table, not through a custom manager; ``insert`` and
``update`` do not run an overridden ``save()``, so they refuse models that have one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Part:
    """One model's columns in a joined row."""

    model: type[Model]
    start: int
    attnames: list[str]
    converters: list[tuple[int, list[Converter], Any]]
    pk_index: int
    parent: int  # index of the part it hangs from (-1 for the main model)
    field: Any  # the foreign key on the parent (None for the main model)


@dataclass(frozen=True)
class _Plan:
    select: str
    parts: list[_Part]
    extra: list[str]
    order_by: str


_plans: dict[tuple[Any, ...], _Plan] = {}


def _converters(model: type[Model], alias: str) -> list[tuple[int, list[Converter], Any]]:
    """The converters the ORM applies to each column (backend's, then the field's)."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(alias)
        chain = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if chain:
            found.append((index, chain, column))
    return found


def _plan(
    model: type[Model], related: tuple[str, ...], extra: tuple[tuple[str, str], ...]
) -> _Plan:
    key = (connection.vendor, model, related, extra)
    plan = _plans.get(key)
    if plan is not None:
        return plan
    quote = connection.ops.quote_name
    parts: list[_Part] = []
    columns: list[str] = []
    joins: list[str] = []
    aliases: dict[str, int] = {"": 0}

    def add(part_model: type[Model], parent: int, field: Any) -> None:
        alias = f"t{len(parts)}"
        fields = part_model._meta.concrete_fields
        parts.append(
            _Part(
                model=part_model,
                start=len(columns),
                attnames=[f.attname for f in fields],
                converters=_converters(part_model, alias),
                pk_index=fields.index(part_model._meta.pk),
                parent=parent,
                field=field,
            )
        )
        columns.extend(f"{alias}.{quote(f.column)}" for f in fields)

    add(model, -1, None)
    for path in related:
        head, _, name = path.rpartition("__")
        parent = aliases[head]
        field: Any = parts[parent].model._meta.get_field(name)
        target: Any = field.related_model
        assert field.many_to_one and field.target_field == target._meta.pk, path
        alias = f"t{len(parts)}"
        joins.append(
            f"LEFT OUTER JOIN {quote(target._meta.db_table)} {alias} ON "
            f"{alias}.{quote(target._meta.pk.column)} = t{parent}.{quote(field.column)}"
        )
        aliases[path] = len(parts)
        add(target, parent, field)
    columns.extend(sql for _, sql in extra)
    table = quote(model._meta.db_table)
    select = f"SELECT {', '.join(columns)} FROM {table} t0 {' '.join(joins)}"  # noqa: S608
    plan = _Plan(
        select=select, parts=parts, extra=[name for name, _ in extra], order_by=_order(model)
    )
    _plans[key] = plan
    return plan


def _order(model: type[Model]) -> str:
    """The model's ``Meta.ordering`` (fields of its own table) as SQL on ``t0``."""
    terms = []
    for name in model._meta.ordering or ():
        assert isinstance(name, str)
        bare = name.lstrip("-")
        field: Any = model._meta.pk if bare == "pk" else model._meta.get_field(bare)
        column = connection.ops.quote_name(field.column)
        terms.append(f"t0.{column}" + (" DESC" if name.startswith("-") else ""))
    return ", ".join(terms)


def fetch(
    model: type[M],
    where: str,
    params: Sequence[Any] = (),
    *,
    related: tuple[str, ...] = (),
    extra: tuple[tuple[str, str], ...] = (),
    order_by: str | None = None,
) -> list[M]:
    """Instances of ``model`` whose rows match ``where``, with ``related`` foreign keys (paths
    like ``call__organization``) joined and cached, and ``extra`` SQL columns set as
    attributes (name, SQL); in the model's own order unless ``order_by`` (SQL) says another."""
    plan = _plan(model, related, extra)
    sql = f"{plan.select} WHERE {where}"
    order_by = plan.order_by if order_by is None else order_by
    if order_by:
        sql += f" ORDER BY {order_by}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: list[M] = []
    db = connection.alias
    for row in rows:
        made: list[Model | None] = []
        for part in plan.parts:
            values = list(row[part.start : part.start + len(part.attnames)])
            if part.parent >= 0 and values[part.pk_index] is None:
                made.append(None)  # the left join found nothing: a null foreign key
            else:
                for index, chain, column in part.converters:
                    for convert in chain:
                        values[index] = convert(values[index], column, connection)
                made.append(part.model.from_db(db, part.attnames, values))
            if part.field is not None:
                parent = made[part.parent]
                if parent is not None:
                    part.field.set_cached_value(parent, made[-1])
        instance = made[0]
        for offset, name in enumerate(plan.extra, start=len(row) - len(plan.extra)):
            setattr(instance, name, row[offset])
        found.append(instance)  # type: ignore[arg-type]
    return found


def first(model: type[M], where: str, params: Sequence[Any] = (), **options: Any) -> M | None:
    rows = fetch(model, where, params, **options)
    return rows[0] if rows else None


_writes: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}


def _plain_save(model: type[Model]) -> None:
    if model.save is not Model.save:
        raise TypeError(f"{model.__name__} overrides save(): write it with the ORM")


def insert(obj: M) -> M:
    """Save a new instance, as ``save()`` would (field defaults and ``pre_save``, the save
    signals when anything listens), with an INSERT written once per model. An id already
    set (from ``next_id``) is inserted as it is."""
    model = type(obj)
    _plain_save(model)
    meta = model._meta
    auto = meta.auto_field
    given = auto is None or obj.pk is not None
    returning = not given and connection.features.can_return_columns_from_insert
    key = (connection.vendor, model, given)
    if key not in _writes:
        quote = connection.ops.quote_name
        fields = [f for f in meta.local_concrete_fields if given or f is not auto]
        names = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        if returning:
            sql += f" RETURNING {quote(auto.column)}"  # type: ignore[union-attr]
        _writes[key] = (sql, fields)
    sql, fields = _writes[key]
    if pre_save.has_listeners(model):
        pre_save.send(model, instance=obj, raw=False, using=connection.alias, update_fields=None)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if not given:
            if returning:
                new_id = cursor.fetchone()[0]
            else:
                new_id = connection.ops.last_insert_id(cursor, meta.db_table, auto.column)  # type: ignore[union-attr]
            setattr(obj, auto.attname, new_id)  # type: ignore[union-attr]
    obj._state.adding = False
    obj._state.db = connection.alias
    if post_save.has_listeners(model):
        post_save.send(
            model, instance=obj, created=True, update_fields=None, raw=False,
            using=connection.alias,
        )  # fmt: skip
    return obj


def next_id(model: type[Model]) -> int | None:
    """The id the next row of ``model`` will get, taken from its PostgreSQL sequence (so a
    value derived from it, like a registry number, goes in the same INSERT); ``None`` on a
    database without sequences (SQLite), where the caller inserts first."""
    if connection.vendor != "postgresql":
        return None
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))",
            [quote(model._meta.db_table), model._meta.pk.column],
        )
        return int(cursor.fetchone()[0])


def update(obj: Model, *names: str) -> None:
    """``obj.save(update_fields=names)`` with an UPDATE written once per model and fields."""
    model = type(obj)
    _plain_save(model)
    meta = model._meta
    key = (connection.vendor, model, names)
    if key not in _writes:
        quote = connection.ops.quote_name
        fields: list[Any] = [meta.get_field(name) for name in names]
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        pk = quote(meta.pk.column)
        _writes[key] = (f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {pk} = %s", fields)  # noqa: S608
    sql, fields = _writes[key]
    updated = frozenset(names)
    if pre_save.has_listeners(model):
        pre_save.send(model, instance=obj, raw=False, using=connection.alias, update_fields=updated)
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, obj.pk])
    if post_save.has_listeners(model):
        post_save.send(
            model, instance=obj, created=False, update_fields=updated, raw=False,
            using=connection.alias,
        )  # fmt: skip
