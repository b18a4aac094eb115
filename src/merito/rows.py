"""Model instances read and written with plain SQL, for the few paths that run on every request
of a surge (an inscription, the signed-in user, the session).

Compiling an ORM query to SQL costs about a millisecond of CPU, more than PostgreSQL takes to
run it; an inscription compiled a dozen. Here the SQL of each shape (model, joined relations,
extra columns) is written once per process from the models' metadata and kept; every call
only sends it with its parameters. The rows become real model instances, through the same
converters the ORM applies, with the joined relations in their caches, so the code that reads
them does not know the difference.

Statements go through one database cursor kept per connection (``cursor()``), not a new
Django cursor each: that wrapper costs about 50 µs of Python per statement. Whenever
something watches the queries (``DEBUG``, ``assertNumQueries``, an ``execute_wrapper``) they
go through Django's cursor as any other, so they are seen and counted.

``where`` and ``extra`` are SQL fragments written in the code, never input: the main table is
``t0``, the joined ones ``t1``, ``t2``… in the order of ``related``; values go in ``params``.

Limits (each refused loudly, not worked around): joins follow foreign keys to the related
primary key (no ``to_field``); the default order is the model's ``Meta.ordering`` on its
own columns; rows come from the table, not through a custom manager; ``insert`` and
``update`` do not run an overridden ``save()``, so they refuse models that have one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
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
    field: Any  # the foreign key on the parent (None for the main model and attached rows)
    attribute: str = ""  # attached rows: the name they are set under on the parent


@dataclass(frozen=True)
class _Plan:
    select: str
    parts: list[_Part]
    extra: list[str]
    order_by: str


_plans: dict[tuple[Any, ...], _Plan] = {}


# A connection that answered this recently is not pinged again at the start of a request.
RECENT_ANSWER_SECONDS = 1.0


def _db() -> Any:
    """The thread's connection itself: each attribute read through ``django.db.connection``
    (a proxy to a thread-local) costs a few microseconds, and a statement made a dozen."""
    return connections[DEFAULT_DB_ALIAS]


class _Kept:
    """The cursor kept for one connection, with Django's checks and error translation."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.raw = db.connection
        self.cursor = db.create_cursor()
        self.answered = -RECENT_ANSWER_SECONDS

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        self.db.validate_no_broken_transaction()
        with self.db.wrap_database_errors:
            self.cursor.execute(sql, params)
        self.answered = time.monotonic()

    def fetchone(self) -> Any:
        with self.db.wrap_database_errors:
            return self.cursor.fetchone()

    def fetchall(self) -> Any:
        with self.db.wrap_database_errors:
            return self.cursor.fetchall()

    @property
    def lastrowid(self) -> Any:
        return self.cursor.lastrowid


@contextmanager
def cursor(db: Any = None) -> Iterator[Any]:
    """A cursor for a few statements (``execute``, ``fetchone``, ``fetchall``)."""
    db = db or _db()
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as django_cursor:
            yield django_cursor
        return
    kept = getattr(db, "_rows_cursor", None)
    if (
        not db.health_check_done
        and kept is not None
        and kept.raw is db.connection
        and time.monotonic() - kept.answered < RECENT_ANSWER_SECONDS
    ):
        # CONN_HEALTH_CHECKS would send a SELECT 1 first; a connection that answered a
        # statement under a second ago is taken as alive (if the server went away in that
        # second, this request fails and Django drops the connection at its end).
        db.health_check_done = True
    db.close_if_health_check_failed()
    db.ensure_connection()
    if kept is None or kept.raw is not db.connection:
        with db.wrap_database_errors:
            kept = db._rows_cursor = _Kept(db)
    yield kept


def _converters(db: Any, model: type[Model], alias: str) -> list[tuple[int, list[Converter], Any]]:
    """The converters the ORM applies to each column (backend's, then the field's)."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(alias)
        chain = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if chain:
            found.append((index, chain, column))
    return found


Attach = tuple[str, str, type[Model], str]


def _plan(
    db: Any,
    model: type[Model],
    related: tuple[str, ...],
    extra: tuple[tuple[str, str], ...],
    attach: tuple[Attach, ...] = (),
) -> _Plan:
    key = (db.vendor, model, related, extra, attach)
    plan = _plans.get(key)
    if plan is not None:
        return plan
    quote = db.ops.quote_name
    parts: list[_Part] = []
    columns: list[str] = []
    joins: list[str] = []
    aliases: dict[str, int] = {"": 0}

    def add(part_model: type[Model], parent: int, field: Any, attribute: str = "") -> None:
        alias = f"t{len(parts)}"
        fields = part_model._meta.concrete_fields
        parts.append(
            _Part(
                model=part_model,
                start=len(columns),
                attnames=[f.attname for f in fields],
                converters=_converters(db, part_model, alias),
                pk_index=fields.index(part_model._meta.pk),
                parent=parent,
                field=field,
                attribute=attribute,
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
    for path, attribute, target, on in attach:
        joins.append(f"LEFT OUTER JOIN {quote(target._meta.db_table)} t{len(parts)} ON {on}")
        add(target, aliases[path], None, attribute)
    columns.extend(sql for _, sql in extra)
    table = quote(model._meta.db_table)
    select = f"SELECT {', '.join(columns)} FROM {table} t0 {' '.join(joins)}"  # noqa: S608
    plan = _Plan(
        select=select, parts=parts, extra=[name for name, _ in extra], order_by=_order(db, model)
    )
    _plans[key] = plan
    return plan


def _order(db: Any, model: type[Model]) -> str:
    """The model's ``Meta.ordering`` (fields of its own table) as SQL on ``t0``."""
    terms = []
    for name in model._meta.ordering or ():
        assert isinstance(name, str)
        bare = name.lstrip("-")
        field: Any = model._meta.pk if bare == "pk" else model._meta.get_field(bare)
        column = db.ops.quote_name(field.column)
        terms.append(f"t0.{column}" + (" DESC" if name.startswith("-") else ""))
    return ", ".join(terms)


def fetch(
    model: type[M],
    where: str,
    params: Sequence[Any] = (),
    *,
    related: tuple[str, ...] = (),
    extra: tuple[tuple[str, str], ...] = (),
    attach: tuple[Attach, ...] = (),
    order_by: str | None = None,
) -> list[M]:
    """Instances of ``model`` whose rows match ``where``, with ``related`` foreign keys (paths
    like ``call__organization``) joined and cached, and ``extra`` SQL columns set as
    attributes (name, SQL); in the model's own order unless ``order_by`` (SQL) says another.

    ``attach`` left-joins other tables on a condition of your own: each item is (the path of
    the instance it goes on, ``""`` for the main one; attribute name; model; ``ON`` SQL with
    the next alias), and the joined row, or ``None``, is set under that name. The condition
    must match one row at most."""
    db = _db()
    plan = _plan(db, model, related, extra, attach)
    sql = f"{plan.select} WHERE {where}"
    order_by = plan.order_by if order_by is None else order_by
    if order_by:
        sql += f" ORDER BY {order_by}"
    with cursor(db) as kept:
        kept.execute(sql, params)
        rows = kept.fetchall()
    found: list[M] = []
    alias = db.alias
    for row in rows:
        made: list[Model | None] = []
        for part in plan.parts:
            values = list(row[part.start : part.start + len(part.attnames)])
            if part.parent >= 0 and values[part.pk_index] is None:
                made.append(None)  # the left join found nothing (a null foreign key)
            else:
                for index, chain, column in part.converters:
                    for convert in chain:
                        values[index] = convert(values[index], column, db)
                made.append(part.model.from_db(alias, part.attnames, values))
            parent = made[part.parent] if part.parent >= 0 else None
            if parent is not None:
                if part.field is not None:
                    part.field.set_cached_value(parent, made[-1])
                else:
                    setattr(parent, part.attribute, made[-1])
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
    db = _db()
    meta = model._meta
    auto = meta.auto_field
    given = auto is None or obj.pk is not None
    returning = not given and db.features.can_return_columns_from_insert
    key = (db.vendor, model, given)
    if key not in _writes:
        quote = db.ops.quote_name
        fields = [f for f in meta.local_concrete_fields if given or f is not auto]
        names = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        if returning:
            sql += f" RETURNING {quote(auto.column)}"  # type: ignore[union-attr]
        _writes[key] = (sql, fields)
    sql, fields = _writes[key]
    if pre_save.has_listeners(model):
        pre_save.send(model, instance=obj, raw=False, using=db.alias, update_fields=None)
    values = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    held = _held.get()
    if held is not None and held.db is db:
        held.writes.append((sql, values, obj, None if given else auto))
        return obj
    with cursor(db) as kept:
        kept.execute(sql, values)
        if not given:
            if returning:
                new_id = kept.fetchone()[0]
            else:
                new_id = db.ops.last_insert_id(kept, meta.db_table, auto.column)  # type: ignore[union-attr]
            setattr(obj, auto.attname, new_id)  # type: ignore[union-attr]
    _saved(db, obj)
    return obj


def _saved(db: Any, obj: Model) -> None:
    obj._state.adding = False
    obj._state.db = db.alias
    model = type(obj)
    if post_save.has_listeners(model):
        post_save.send(
            model, instance=obj, created=True, update_fields=None, raw=False,
            using=db.alias,
        )  # fmt: skip


class _Held:
    """The writes of a ``together()`` block on PostgreSQL, sent as one statement at its end."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.writes: list[tuple[str, list[Any], Model, Any]] = []
        self.tails: list[tuple[str, list[Any], Callable[[Any], None]]] = []
        self.after: list[Callable[[], None]] = []


_held: ContextVar[_Held | None] = ContextVar("merito_rows_held", default=None)


@contextmanager
def together() -> Iterator[None]:
    """The writes of the block are committed together, or none is.

    On PostgreSQL the ``insert``s of the block are held and sent when it ends as ONE
    statement (each a data-modifying ``WITH`` clause), followed by the expressions given to
    ``tail`` (a function that appends the audit row, say); outside a transaction that
    statement commits by itself, so the block costs no BEGIN and no COMMIT either. Ids the
    database makes are set on the objects afterwards, then the ``post_save`` signals and the
    ``after`` callbacks run. Inside a caller's transaction the statement is wrapped in a
    savepoint. Inside the block nothing can read what the block wrote, and only ``insert``,
    ``tail`` and ``after`` may write; ``update`` is refused. Elsewhere
    (SQLite) the block is a plain ``transaction.atomic()`` and everything runs at once."""
    db = _db()
    if db.vendor != "postgresql" or _held.get() is not None:
        with transaction.atomic():
            yield
        return
    held = _Held(db)
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    _send(held)


def holding() -> bool:
    """Whether this is a ``together()`` block on PostgreSQL (writes held to its end)."""
    return _held.get() is not None


def tail(sql: str, params: Sequence[Any], then: Callable[[Any], None]) -> None:
    """In a ``together()`` block on PostgreSQL (``holding()``): add the SQL expression
    ``sql`` to the end of the block's statement and call ``then`` with its value once it
    has run."""
    held = _held.get()
    if held is None:
        raise RuntimeError("rows.tail outside a rows.together() block on PostgreSQL")
    held.tails.append((sql, list(params), then))


def after(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the writes of the ``together()`` block are sent (at once outside
    one). For callbacks that need the ids the database gives, like queuing a task."""
    held = _held.get()
    if held is None:
        callback()
    else:
        held.after.append(callback)


def _send(held: _Held) -> None:
    db = held.db
    quote = db.ops.quote_name
    clauses: list[str] = []
    results: list[str] = []
    params: list[Any] = []
    for n, (sql, values, _obj, auto) in enumerate(held.writes):
        if auto is not None:  # its INSERT ends in RETURNING the id
            results.append(f"(SELECT {quote(auto.column)} FROM w{n})")  # noqa: S608
        clauses.append(f"w{n} AS ({sql})")
        params.extend(values)
    for sql, values, _then in held.tails:
        results.append(sql)
        params.extend(values)
    if not clauses and not results:
        return
    statement = ("WITH " + ", ".join(clauses) + " " if clauses else "") + (
        "SELECT " + (", ".join(results) or "1")
    )
    # Inside a caller's transaction the statement gets a savepoint, so that a failure (a
    # unique key taken meanwhile) leaves that transaction usable, as atomic() would.
    savepoint = transaction.atomic(using=db.alias) if db.in_atomic_block else nullcontext()
    with savepoint, cursor(db) as kept:
        kept.execute(statement, params)
        row = list(kept.fetchone())
    for _sql, _values, obj, auto in held.writes:
        if auto is not None:
            setattr(obj, auto.attname, row.pop(0))
        _saved(db, obj)
    for _sql, _values, then in held.tails:
        then(row.pop(0))
    for callback in held.after:
        callback()


def next_id(model: type[Model]) -> int | None:
    """The id the next row of ``model`` will get, taken from its PostgreSQL sequence (so a
    value derived from it, like a registry number, goes in the same INSERT); ``None`` on a
    database without sequences (SQLite), where the caller inserts first."""
    db = _db()
    if db.vendor != "postgresql":
        return None
    quote = db.ops.quote_name
    with cursor(db) as kept:
        kept.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))",
            [quote(model._meta.db_table), model._meta.pk.column],
        )
        return int(kept.fetchone()[0])


def update(obj: Model, *names: str) -> None:
    """``obj.save(update_fields=names)`` with an UPDATE written once per model and fields."""
    model = type(obj)
    _plain_save(model)
    db = _db()
    meta = model._meta
    key = (db.vendor, model, names)
    if key not in _writes:
        quote = db.ops.quote_name
        fields: list[Any] = [meta.get_field(name) for name in names]
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        pk = quote(meta.pk.column)
        _writes[key] = (f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {pk} = %s", fields)  # noqa: S608
    sql, fields = _writes[key]
    if _held.get() is not None:
        raise RuntimeError("rows.update inside rows.together(): write it after the block")
    updated = frozenset(names)
    if pre_save.has_listeners(model):
        pre_save.send(model, instance=obj, raw=False, using=db.alias, update_fields=updated)
    values = [f.get_db_prep_save(f.pre_save(obj, False), db) for f in fields]
    with cursor(db) as kept:
        kept.execute(sql, [*values, obj.pk])
    if post_save.has_listeners(model):
        post_save.send(
            model, instance=obj, created=False, update_fields=updated, raw=False,
            using=db.alias,
        )  # fmt: skip
