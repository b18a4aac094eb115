"""``FolderTally``: folder counts kept by the database itself.

A test's counters (seed 004 §3.2.6: per level and state, per linked user) and the totals of
its folder lists would otherwise count up to 1,000,000 folders on every page. Instead, one
row per (test, role, holder, level, state) holds how many folders still in the contest
(``active``) are there: ``role`` "" / ``user_id`` 0 for all of them, and one row per role
for the folder's current supervisor, analyst and auditor.

Triggers keep it, so nothing in Python can forget to: on PostgreSQL one statement-level
trigger per INSERT / UPDATE / DELETE aggregates the statement's old and new rows (a
distribution chunk of thousands of folders costs one upsert, not thousands) and applies
the deltas in key order, so concurrent writers take the tally rows' locks in the same
order; on SQLite, row-level triggers do the same one folder at a time. ``rebuild``
recomputes everything from the folders (the migration, and ``merito folder-tally``);
``drift`` compares the two — tests run it after every kind of write.
"""

# Every SQL text here is built from this module's constants; values go as parameters.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from merito.evaluation.models import FOLDER_ROLE_FIELDS

FOLDER = "evaluation_folder"
TALLY = "evaluation_foldertally"
KEY = "test_id, role, user_id, level, state"
HOLDERS = tuple((str(role.value), f"{field}_id") for role, field in FOLDER_ROLE_FIELDS.items())
TRIGGERS = ("insert", "update", "delete")


def _keyed(source: str) -> str:
    """The tally keys of the rows of ``source`` (with a ``d`` column): all, and per holder."""
    parts = [f"SELECT test_id, '' AS role, 0 AS user_id, level, state, d FROM {source}"]
    parts += [
        f"SELECT test_id, '{role}', {column}, level, state, d FROM {source} "
        f"WHERE {column} IS NOT NULL"
        for role, column in HOLDERS
    ]
    return " UNION ALL ".join(parts)


def _upsert(select: str) -> str:
    return (
        f"INSERT INTO {TALLY} ({KEY}, n) {select} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = {TALLY}.n + excluded.n"
    )


COLUMNS = "test_id, level, state, supervisor_id, analyst_id, auditor_id"


def _postgresql_function() -> str:
    def delta(sources: Iterable[tuple[str, int]]) -> str:
        # The statement's rows are summed once per distinct folder key (a handful of groups
        # for thousands of folders) before being spread over the tally's keys.
        rows = " UNION ALL ".join(
            f"SELECT {COLUMNS}, {sign} AS d FROM {table} WHERE active" for table, sign in sources
        )
        return (
            "WITH changed AS MATERIALIZED ("
            + (f"SELECT {COLUMNS}, SUM(d) AS d FROM ({rows}) AS moved GROUP BY {COLUMNS}) ")
            + _upsert(
                f"SELECT {KEY}, SUM(d) FROM ({_keyed('changed')}) AS keyed "
                f"GROUP BY {KEY} HAVING SUM(d) <> 0 ORDER BY {KEY}"
            )
        )

    return f"""
CREATE OR REPLACE FUNCTION {TALLY}_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {delta([("new_rows", 1)])};
    ELSIF TG_OP = 'DELETE' THEN
        {delta([("old_rows", -1)])};
    ELSE
        {delta([("new_rows", 1), ("old_rows", -1)])};
    END IF;
    RETURN NULL;
END
$$;
"""


def _postgresql_trigger(event: str) -> str:
    tables = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }[event]
    return (
        f"CREATE TRIGGER {TALLY}_{event} AFTER {event.upper()} ON {FOLDER} "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {TALLY}_apply()"
    )


def _sqlite_trigger(event: str) -> str:
    def rows(alias: str, sign: int) -> list[str]:
        source = (
            f"(SELECT {', '.join(f'{alias}.{c} AS {c}' for c in COLUMNS.split(', '))}, "
            f"{sign} AS d WHERE {alias}.active)"
        )
        # "WHERE true" tells SQLite's parser the ON CONFLICT belongs to the INSERT.
        return [_upsert(f"SELECT {KEY}, d FROM ({_keyed(source)}) WHERE true") + ";"]

    body = {
        "insert": rows("NEW", 1),
        "update": rows("OLD", -1) + rows("NEW", 1),
        "delete": rows("OLD", -1),
    }[event]
    return (
        f"CREATE TRIGGER {TALLY}_{event} AFTER {event.upper()} ON {FOLDER} "
        f"FOR EACH ROW BEGIN {' '.join(body)} END"
    )


def install(schema_editor: Any) -> None:
    """Create (or re-create) the triggers on this database."""
    vendor = schema_editor.connection.vendor
    uninstall(schema_editor)
    if vendor == "postgresql":
        schema_editor.execute(_postgresql_function())
        for event in TRIGGERS:
            schema_editor.execute(_postgresql_trigger(event))
    elif vendor == "sqlite":
        for event in TRIGGERS:
            schema_editor.execute(_sqlite_trigger(event))
    else:  # pragma: no cover - only the two databases the project runs on
        raise NotImplementedError(vendor)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for event in TRIGGERS:
        on = f" ON {FOLDER}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TALLY}_{event}{on}")
    if vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TALLY}_apply()")


def _scope(test_id: int | None) -> tuple[str, list[int]]:
    """`` AND test_id = %s`` and its parameter for one test; nothing for all of them."""
    return (" AND test_id = %s", [test_id]) if test_id is not None else ("", [])


def _recount(where: str) -> str:
    """A fresh count (``where`` filters the folders, with at most one parameter)."""
    return (
        f"WITH counted AS (SELECT {COLUMNS}, 1 AS d FROM {FOLDER} WHERE active{where}) "
        f"SELECT {KEY}, SUM(d) FROM ({_keyed('counted')}) AS keyed GROUP BY {KEY} ORDER BY {KEY}"
    )


def rebuild(test_id: int | None = None, *, using: Any = None) -> None:
    """Recompute the tally of one test (or all) from its folders (on ``using``, a
    connection; the default one when not given — a migration passes its own)."""
    where, params = _scope(test_id)
    with (using or connection).cursor() as cursor:
        cursor.execute(f"DELETE FROM {TALLY} WHERE true{where}", params)
        cursor.execute(f"INSERT INTO {TALLY} ({KEY}, n) {_recount(where)}", params)


def drift(test_id: int | None = None) -> list[tuple[Any, ...]]:
    """Keys whose tally differs from a fresh count: ``[(key..., tally, counted)]``."""
    where, params = _scope(test_id)
    kept = f"SELECT {KEY}, n FROM {TALLY} WHERE n <> 0{where}"
    with connection.cursor() as cursor:
        cursor.execute(_recount(where), params)
        counted = {tuple(row[:5]): int(row[5]) for row in cursor.fetchall()}
        cursor.execute(kept, params)
        tallied = {tuple(row[:5]): int(row[5]) for row in cursor.fetchall()}
    return [
        (*key, tallied.get(key, 0), counted.get(key, 0))
        for key in sorted(set(counted) | set(tallied))
        if tallied.get(key, 0) != counted.get(key, 0)
    ]
