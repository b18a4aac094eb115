"""PostgreSQL: the chain's lock, last hash and append as functions, so that a write needs
fewer statements.

``merito_audit_tip(key)`` waits for the transaction-level advisory lock that serialises
appends, then reads the newest ``entry_hash`` (NULL for an empty trail). The read is a
statement of its own inside a VOLATILE function, so under READ COMMITTED it takes a fresh
snapshot after the lock is granted and sees every append committed before it; the caller's
statement snapshot, taken before waiting, would not.

``merito_audit_append(key, payload, …columns)`` does the same, then inserts the row with
``entry_hash`` = SHA-256 of the previous hash followed by ``payload`` — the row's canonical
JSON, made in Python by ``merito.audit.chain`` exactly as for a row written from Python —
and returns ``[previous_hash, entry_hash]``. It lets a write of several rows be one
statement (``merito.rows.together``).
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

CREATE OR REPLACE FUNCTION merito_audit_append(
    lock_key bigint, payload text, p_created_at timestamptz, p_actor_id bigint,
    p_actor_label varchar, p_action varchar, p_object_type varchar, p_object_id varchar,
    p_object_label varchar, p_before jsonb, p_after jsonb, p_request_id varchar
) RETURNS varchar[] AS $$
DECLARE
    previous varchar;
    digest varchar;
BEGIN
    previous := coalesce(merito_audit_tip(lock_key), repeat('0', 64));
    digest := encode(sha256(convert_to(previous || payload, 'UTF8')), 'hex');
    INSERT INTO audit_auditevent (
        created_at, actor_id, actor_label, action, object_type, object_id, object_label,
        before, after, request_id, previous_hash, entry_hash
    ) VALUES (
        p_created_at, p_actor_id, p_actor_label, p_action, p_object_type, p_object_id,
        p_object_label, p_before, p_after, p_request_id, previous, digest
    );
    RETURN ARRAY[previous, digest];
END;
$$ LANGUAGE plpgsql VOLATILE;
"""
BACKWARD = """
DROP FUNCTION IF EXISTS merito_audit_append(
    bigint, text, timestamptz, bigint, varchar, varchar, varchar, varchar, varchar, jsonb,
    jsonb, varchar
);
DROP FUNCTION IF EXISTS merito_audit_tip(bigint);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_guard")]
    operations = [migrations.RunPython(forward, backward)]
