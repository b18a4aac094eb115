"""The audit log becomes a Merkle tree (RFC 9162) with signed heads.

In order: the append-only triggers are lifted for the change; the chain's columns become
optional (later rows have none); the leaf, head and legacy-chain tables are created; the
existing chain is verified — the migration stops if any row does not match — and its rows
become the first leaves, in id order, with the chain's last hash kept for the first signed
head; the PL/pgSQL functions of 0003 are dropped; the triggers come back, on the new
tables too.
"""

import hashlib
import json

from django.db import migrations, models

import merito.audit.guard  # noqa: F401 - its SQLite function is registered on connect

TABLES = ("audit_auditevent", "audit_auditleaf", "audit_treehead")
GENESIS = "0" * 64
FIELDS = (
    "id", "created_at", "actor_id", "actor_label", "action", "object_type", "object_id",
    "object_label", "before", "after", "request_id", "previous_hash", "entry_hash",
)  # fmt: skip


def _pg_guard(table):
    return f"""
CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only();
"""


def _sqlite_guard(table):
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
       WHEN NOT merito_audit_purge_allowed()
       BEGIN SELECT RAISE(ABORT, '{table} es de solo inserción: UPDATE no permitido'); END;""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
       WHEN NOT merito_audit_purge_allowed()
       BEGIN SELECT RAISE(ABORT, '{table} es de solo inserción: DELETE no permitido'); END;""",
    ]


def _drop_guards(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};"
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
                params=None,
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def _add_guards(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(_pg_guard(table), params=None)
        elif vendor == "sqlite":
            for statement in _sqlite_guard(table):
                schema_editor.execute(statement)


def lift_guard(apps, schema_editor):
    _drop_guards(schema_editor, TABLES[:1])


def restore_guard(apps, schema_editor):
    _add_guards(schema_editor, TABLES[:1])


def guard_all(apps, schema_editor):
    _add_guards(schema_editor, TABLES)


def unguard_all(apps, schema_editor):
    _drop_guards(schema_editor, TABLES)


def _canonical(fields):
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _row(values):
    """The fields the chain hashed, as ``merito.audit.canonical.row_fields`` gives them (frozen
    here: a migration keeps the code of its day)."""
    return {
        "created_at": values["created_at"].isoformat(timespec="microseconds"),
        "actor_id": values["actor_id"],
        "actor_label": values["actor_label"],
        "action": values["action"],
        "object_type": values["object_type"],
        "object_id": values["object_id"],
        "object_label": values["object_label"],
        "before": values["before"],
        "after": values["after"],
        "request_id": values["request_id"],
    }


def seal_the_chain(apps, schema_editor):
    """Verify the old chain in id order, then make each row a leaf, in that order."""
    from datetime import UTC

    event_model = apps.get_model("audit", "AuditEvent")
    leaf_model = apps.get_model("audit", "AuditLeaf")
    legacy_model = apps.get_model("audit", "LegacyChain")
    previous = GENESIS
    leaves = []
    count = 0
    for values in event_model.objects.order_by("id").values(*FIELDS).iterator(chunk_size=5000):
        values["created_at"] = values["created_at"].astimezone(UTC)
        fields = _row(values)
        text = _canonical(fields)
        digest = hashlib.sha256((previous + text).encode("utf-8")).hexdigest()
        if values["previous_hash"] != previous or values["entry_hash"] != digest:
            raise RuntimeError(
                f"La cadena de auditoría está rota en el evento #{values['id']}: no se migra. "
                "Revise el registro con 'merito audit verify' en la versión anterior."
            )
        previous = digest
        content = hashlib.sha256(text.encode("utf-8")).hexdigest()
        leaf = hashlib.sha256(b"\x00" + f"{values['id']}:{content}".encode()).hexdigest()
        leaves.append(
            leaf_model(index=count, event_id=values["id"], content_hash=content, leaf_hash=leaf)
        )
        count += 1
        if len(leaves) >= 5000:
            leaf_model.objects.bulk_create(leaves)
            leaves = []
    leaf_model.objects.bulk_create(leaves)
    if count:
        legacy_model.objects.create(rows=count, tip=previous)


def unseal(apps, schema_editor):
    apps.get_model("audit", "AuditLeaf").objects.all().delete()
    apps.get_model("audit", "LegacyChain").objects.all().delete()


def drop_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS merito_audit_append(bigint, text, timestamptz, bigint, "
            "varchar, varchar, varchar, varchar, varchar, jsonb, jsonb, varchar);"
            "DROP FUNCTION IF EXISTS merito_audit_tip(bigint);",
            params=None,
        )


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("audit", "0003_chain_functions")]
    operations = [
        migrations.RunPython(lift_guard, restore_guard),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="hash anterior (cadena)"
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(
                blank=True, max_length=64, null=True, unique=True, verbose_name="hash (cadena)"
            ),
        ),
        migrations.CreateModel(
            name="LegacyChain",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rows", models.BigIntegerField(verbose_name="filas")),
                ("tip", models.CharField(max_length=64, verbose_name="último hash")),
            ],
            options={
                "verbose_name": "cadena anterior del registro de auditoría",
                "verbose_name_plural": "cadena anterior del registro de auditoría",
            },
        ),
        migrations.CreateModel(
            name="TreeHead",
            fields=[
                (
                    "size",
                    models.BigIntegerField(primary_key=True, serialize=False, verbose_name="hojas"),
                ),
                ("root_hash", models.CharField(max_length=64, verbose_name="raíz")),
                ("frontier", models.JSONField(default=list, verbose_name="frontera")),
                ("note", models.TextField(verbose_name="cabeza firmada")),
                ("key_name", models.CharField(max_length=200, verbose_name="clave")),
                ("created_at", models.DateTimeField(verbose_name="firmada el")),
                (
                    "legacy_tip",
                    models.CharField(
                        blank=True, max_length=64, verbose_name="último hash de la cadena anterior"
                    ),
                ),
            ],
            options={
                "verbose_name": "cabeza firmada del registro de auditoría",
                "verbose_name_plural": "cabezas firmadas del registro de auditoría",
                "ordering": ["size"],
            },
        ),
        migrations.CreateModel(
            name="AuditLeaf",
            fields=[
                (
                    "index",
                    models.BigIntegerField(
                        primary_key=True, serialize=False, verbose_name="posición"
                    ),
                ),
                (
                    "content_hash",
                    models.CharField(max_length=64, verbose_name="hash del contenido"),
                ),
                ("leaf_hash", models.CharField(max_length=64, verbose_name="hash de la hoja")),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=models.deletion.PROTECT,
                        related_name="leaf",
                        to="audit.auditevent",
                        verbose_name="evento",
                    ),
                ),
            ],
            options={
                "verbose_name": "hoja del registro de auditoría",
                "verbose_name_plural": "hojas del registro de auditoría",
                "ordering": ["index"],
            },
        ),
        migrations.RunPython(seal_the_chain, unseal),
        migrations.RunPython(drop_functions, migrations.RunPython.noop),
        migrations.RunPython(guard_all, unguard_all),
    ]
