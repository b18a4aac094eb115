"""Redaction of a sealed event's personal data (``merito.audit.redaction``).

The redaction table is append-only like the others. The guard on ``audit_auditevent``
lets one UPDATE through: inside a redaction (``merito.audit_redact`` on, PostgreSQL; the
``merito_audit_redact_allowed()`` function, SQLite), on an event that has its redaction
row, changing nothing but ``before``, ``after`` and ``object_label``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


import merito.audit.guard  # noqa: F401 - its SQLite functions are registered on connect

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('merito.audit_purge', true) = 'on' THEN
        IF TG_OP = 'UPDATE' THEN
            RETURN NEW;
        END IF;
        RETURN OLD;  -- NULL for the TRUNCATE statement trigger, where it is ignored
    END IF;
    -- Nested: PL/pgSQL does not stop at the first false AND, and the other guarded
    -- tables have no such columns.
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_auditevent'
        AND current_setting('merito.audit_redact', true) = 'on' THEN
        IF NEW.id = OLD.id AND NEW.created_at = OLD.created_at AND NEW.action = OLD.action
            AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
            AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
            AND NEW.actor_label = OLD.actor_label AND NEW.request_id = OLD.request_id
            AND NEW.previous_hash = OLD.previous_hash
            AND NEW.entry_hash IS NOT DISTINCT FROM OLD.entry_hash
            AND EXISTS (SELECT 1 FROM audit_auditredaction r WHERE r.event_id = OLD.id)
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '% es de solo inserción: % no permitido', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
PG_FUNCTION_BEFORE = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('merito.audit_purge', true) = 'on' THEN
        IF TG_OP = 'UPDATE' THEN
            RETURN NEW;
        END IF;
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditevent es de solo inserción: % no permitido', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
TABLE = "audit_auditredaction"
PG_GUARD = f"""
CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only();
"""
SQLITE_EVENT_UPDATE = """
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
   WHEN NOT merito_audit_purge_allowed() AND NOT (
       merito_audit_redact_allowed()
       AND NEW.id = OLD.id AND NEW.created_at = OLD.created_at AND NEW.action = OLD.action
       AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
       AND NEW.actor_id IS OLD.actor_id AND NEW.actor_label = OLD.actor_label
       AND NEW.request_id = OLD.request_id AND NEW.previous_hash = OLD.previous_hash
       AND NEW.entry_hash IS OLD.entry_hash
       AND EXISTS (SELECT 1 FROM audit_auditredaction r WHERE r.event_id = OLD.id)
   )
   BEGIN SELECT RAISE(ABORT, 'audit_auditevent es de solo inserción: UPDATE no permitido'); END;
"""
SQLITE_EVENT_UPDATE_BEFORE = """
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
   WHEN NOT merito_audit_purge_allowed()
   BEGIN SELECT RAISE(ABORT, 'audit_auditevent es de solo inserción: UPDATE no permitido'); END;
"""
SQLITE_GUARD = [
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
       WHEN NOT merito_audit_purge_allowed()
       BEGIN SELECT RAISE(ABORT, '{TABLE} es de solo inserción: UPDATE no permitido'); END;""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
       WHEN NOT merito_audit_purge_allowed()
       BEGIN SELECT RAISE(ABORT, '{TABLE} es de solo inserción: DELETE no permitido'); END;""",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION + PG_GUARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
        schema_editor.execute(SQLITE_EVENT_UPDATE)
        for statement in SQLITE_GUARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE};"
            f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};" + PG_FUNCTION_BEFORE,
            params=None,
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
        schema_editor.execute(SQLITE_EVENT_UPDATE_BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_touched_objects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditRedaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="motivo (solicitud y fundamento)")),
                ("redacted_at", models.DateTimeField(verbose_name="redactado el")),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="redaction",
                        to="audit.auditevent",
                        verbose_name="evento",
                    ),
                ),
                (
                    "redacted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="redactado por",
                    ),
                ),
            ],
            options={
                "verbose_name": "redacción de un evento de auditoría",
                "verbose_name_plural": "redacciones de eventos de auditoría",
                "ordering": ["event_id"],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
