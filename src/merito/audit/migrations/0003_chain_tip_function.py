"""PostgreSQL: take the chain's lock and read its last hash in one statement.

``merito_audit_tip(key)`` waits for the transaction-level advisory lock that serialises
appends, then reads the newest ``entry_hash`` (NULL for an empty trail). The read is a
statement of its own inside a VOLATILE function, so under READ COMMITTED it takes a fresh
snapshot after the lock is granted and sees every append committed before it; the caller's
statement snapshot, taken before waiting, would not.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION merito_audit_tip(lock_key bigint) RETURNS varchar AS $$
DECLARE
    tip varchar;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT entry_hash INTO tip FROM audit_auditevent ORDER BY id DESC LIMIT 1;
    RETURN tip;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""
BACKWARD = "DROP FUNCTION IF EXISTS merito_audit_tip(bigint);"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_guard")]
    operations = [migrations.RunPython(forward, backward)]
