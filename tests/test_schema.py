"""On PostgreSQL, ``migrate`` leaves the database with everything the models and the
migrations' hand-written SQL declare: partial indexes and unique constraints (with their
WHERE), check constraints, the trigram index of the staff search, and the audit tables'
append-only triggers — and without the PL/pgSQL hash functions the audit log no longer
uses. A migration that forgot one would pass every other test on SQLite."""

import pytest
from django.apps import apps
from django.db import connection, models

from merito.evaluation import tally

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue"),
]

AUDIT_TABLES = ("audit_auditevent", "audit_auditleaf", "audit_treehead", "audit_auditredaction")


def _merito_models():
    return [m for m in apps.get_models() if m.__module__.startswith("merito.")]


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_every_partial_index_and_unique_constraint_exists_with_its_condition():
    declared = []
    for model in _merito_models():
        meta = model._meta
        for item in [*meta.indexes, *meta.constraints]:
            if isinstance(item, models.Index | models.UniqueConstraint) and item.condition:
                declared.append((meta.db_table, item.name))
    assert len(declared) >= 10  # the folder, version, outbox, case and request uniqueness
    definitions = dict(
        _rows("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
    )
    missing = [name for _table, name in declared if name not in definitions]
    assert not missing, f"índices parciales que migrate no creó: {missing}"
    for table, name in declared:
        assert f" ON public.{table} " in definitions[name], (name, definitions[name])
        assert " WHERE " in definitions[name], f"{name} perdió su condición"


def test_every_check_constraint_exists():
    declared = {
        (model._meta.db_table, item.name)
        for model in _merito_models()
        for item in model._meta.constraints
        if isinstance(item, models.CheckConstraint)
    }
    assert len(declared) >= 10
    present = set(
        _rows(
            "SELECT rel.relname, con.conname FROM pg_constraint con "
            "JOIN pg_class rel ON rel.oid = con.conrelid WHERE con.contype = 'c'"
        )
    )
    assert declared <= present, f"restricciones CHECK ausentes: {sorted(declared - present)}"


def test_the_staff_name_search_has_its_trigram_index():
    [(definition,)] = _rows(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'accounts_user_name_trgm'"
    )
    assert "USING gin" in definition and "gin_trgm_ops" in definition
    assert _rows("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")


def test_the_audit_tables_are_append_only_by_trigger():
    triggers = set(
        _rows(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal"
        )
    )
    for table in AUDIT_TABLES:
        assert (table, f"{table}_no_update_delete") in triggers
        assert (table, f"{table}_no_truncate") in triggers
    assert _rows("SELECT 1 FROM pg_proc WHERE proname = 'audit_auditevent_append_only'")


def test_the_folder_tally_is_kept_by_its_triggers():
    """The counters of the folder lists (``evaluation.tally``) follow every write to folders."""
    triggers = {
        name
        for (name,) in _rows(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = %s AND NOT t.tgisinternal",
            [tally.FOLDER],
        )
    }
    assert {f"{tally.TALLY}_{event}" for event in tally.TRIGGERS} <= triggers
    assert _rows("SELECT 1 FROM pg_proc WHERE proname = %s", [f"{tally.TALLY}_apply"])


def test_the_old_hash_functions_are_gone():
    """One hash implementation (Python); migration audit/0004 dropped the PL/pgSQL copy."""
    left = _rows(
        "SELECT proname FROM pg_proc WHERE proname IN ('merito_audit_tip', 'merito_audit_append')"
    )
    assert left == []
