"""Every URL pattern of the project, the admin site included, against every demo role, the
staff of a second organization of the same kind, a superuser and an anonymous visitor.

The expected answers are the table in ``authorization_matrix.txt``. A refused request (sign
in, 403, 404, 405) writes nothing: no row changes, no audit event. An object of another
organization answers 404, the same page as an id that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from merito.audit.models import AuditEvent
from tests.web.matrix_routes import (
    ROUTES,
    admin_path,
    admin_routes,
    answer,
    client_for,
    named_patterns,
    path_of,
    signed_cookies,
)
from tests.web.matrix_world import PERSONAS, build_world

TABLE_FILE = Path(__file__).with_name("authorization_matrix.txt")
REFUSED = {"in", "403", "404", "405"}
# Writes a refused request may make: its own session (a sign-in redirect keeps ``next``).
HARMLESS_WRITES = re.compile(r'"?(django_session|axes_accessattempt)"?', re.IGNORECASE)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _read_table() -> dict[tuple[str, str], list[str]]:
    rows: dict[tuple[str, str], list[str]] = {}
    for number, line in enumerate(TABLE_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        method, key, *cells = line.split()
        assert method in {"GET", "POST"}, f"línea {number}: método {method!r}"
        assert len(cells) == len(PERSONAS), f"línea {number}: {len(cells)} columnas"
        assert (method, key) not in rows, f"línea {number}: {method} {key} repetida"
        rows[(method, key)] = cells
    return rows


TABLE = _read_table()
ROWS = sorted(TABLE)
LEAKS = [
    (method, key, persona)
    for (method, key), cells in sorted(TABLE.items())
    for persona, cell in zip(PERSONAS, cells, strict=True)
    if cell.endswith("!")
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), build_world(tmp_path_factory.mktemp("media")) as built:
        # Admin paths name each model's first row as it is before anyone signs in.
        built.ids["paths"] = {
            key: admin_path(key) if key.startswith("admin/") else path_of(key, built)
            for _method, key in TABLE
        }
        built.ids["cookies"] = {persona: signed_cookies(persona, built) for persona in PERSONAS}
        yield built


def _path(key: str, world: Any) -> str:
    return world["paths"][key]


def _knock(method: str, path: str, persona: str, world: Any) -> tuple[str, list[str], int]:
    """The answer ``persona`` gets, the writes the request made and how many audit events it
    added; whatever it changed is rolled back."""
    cache.clear()  # rate limits count per connection: each visitor starts afresh
    client = client_for(world["cookies"][persona])
    savepoint = transaction.savepoint()
    try:
        audit_before = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path) if method == "GET" else client.post(path, {})
        audit_added = AuditEvent.objects.count() - audit_before
    finally:
        transaction.savepoint_rollback(savepoint)
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if WRITE.match(query["sql"]) and not HARMLESS_WRITES.search(query["sql"].split("(")[0])
    ]
    return answer(response), writes, audit_added


def test_every_url_pattern_is_in_the_matrix():
    """A new URL without a row fails here; so does a row for a pattern that is gone."""
    named = set(named_patterns())
    assert named == set(ROUTES), (
        f"sin argumentos en matrix_routes.ROUTES: {sorted(named - set(ROUTES))}; "
        f"ya no existen: {sorted(set(ROUTES) - named)}"
    )
    keys = named | set(admin_routes())
    in_table = {key for _method, key in TABLE}
    assert keys == in_table, (
        f"sin fila en la tabla: {sorted(keys - in_table)}; "
        f"filas de patrones que ya no existen: {sorted(in_table - keys)}"
    )
    for key in keys:
        assert ("GET", key) in TABLE and ("POST", key) in TABLE, f"{key}: falta GET o POST"


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "key"), ROWS, ids=[f"{m} {k}" for m, k in ROWS])
def test_each_visitor_gets_the_declared_answer(world, method, key):
    path = _path(key, world)
    wrong = []
    for persona, cell in zip(PERSONAS, TABLE[(method, key)], strict=True):
        if cell.endswith("!"):
            continue  # a known leak: its own expected failure below
        got, writes, audit_added = _knock(method, path, persona, world)
        if got != cell:
            wrong.append(f"{persona}: se esperaba {cell}, respondió {got}")
        elif cell in REFUSED and (writes or audit_added):
            wrong.append(
                f"{persona}: rechazada ({got}) pero escribió {audit_added} eventos y {writes}"
            )
    assert not wrong, f"{method} {path}\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.xfail(strict=True, reason="fuga conocida, marcada con ! en la tabla")
@pytest.mark.parametrize(
    ("method", "key", "persona"), LEAKS, ids=[f"{m} {k} {p}" for m, k, p in LEAKS]
)
def test_known_leak_is_closed(world, method, key, persona):
    cell = TABLE[(method, key)][PERSONAS.index(persona)].rstrip("!")
    got, writes, audit_added = _knock(method, _path(key, world), persona, world)
    assert got == cell
    assert not writes and not audit_added


# Another organization's object, and the same URL with an id that names nothing: the visitor
# must not learn which of the two exists.
FOREIGN = [
    ("otro_gerencia", "backoffice:evaluation:process_detail", {}, {"pk": 999_999}),
    ("otro_gerencia", "backoffice:evaluation:job_detail", {}, {"job_pk": 999_999}),
    ("otro_admin_op", "backoffice:evaluation:test_detail", {}, {"test_pk": 999_999}),
    ("otro_admin_op", "backoffice:evaluation:operator_detail", {}, {"pk": 999_999}),
    ("otro_admin_op", "backoffice:evaluation:user_edit", {}, {"pk": 999_999}),
    ("otro_analista", "backoffice:evaluation:my_folder", {}, {"folder_pk": 999_999}),
    ("otro_analista", "backoffice:evaluation:folio_document", {}, {"folder_pk": 999_999}),
    ("postulante", "portal:documents:receipt", {"pk": "foreign_document"}, {"pk": 999_999}),
    ("postulante", "portal:documents:download", {"pk": "foreign_document"}, {"pk": 999_999}),
    (
        "postulante",
        "portal:profiles:entry_edit",
        {"pk": "foreign_experience"},
        {"pk": 999_999},
    ),
    ("postulante", "portal:applications:receipt", {}, {"number": "NO-EXISTE-1"}),
    ("gerencia", "portal:cases:detail", {}, {"number": "GP-2026-999999"}),
]
CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+')


def _page(world: Any, persona: str, name: str, arguments: dict[str, Any]) -> tuple[int, bytes]:
    path = path_of(name, world, **arguments)
    response = client_for(world["cookies"][persona]).get(path)
    body = CSRF_VALUE.sub(rb"\1-", response.content).replace(path.encode(), b"{ruta}")
    return response.status_code, body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "name", "foreign", "missing"),
    FOREIGN,
    ids=[f"{persona} {name}" for persona, name, _f, _m in FOREIGN],
)
def test_another_organizations_object_answers_like_a_missing_one(
    world, persona, name, foreign, missing
):
    foreign_arguments = {key: world[value] for key, value in foreign.items()}
    status, body = _page(world, persona, name, foreign_arguments)
    missing_status, missing_body = _page(world, persona, name, missing)
    assert status == missing_status == 404
    assert body == missing_body
