"""The hash chain becomes the Merkle log's first leaves: checked first, sealed in id order,
its last hash stated by the first signed head; a broken chain stops the migration."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from merito.audit.log import audit_seal, audit_verify
from merito.audit.models import AuditEvent, AuditLeaf, LegacyChain, TreeHead
from merito.audit.notes import Signer
from tests.migrating import latest, migrate

BEFORE = [("audit", "0003_chain_functions")]
AFTER = [("audit", "0004_merkle_log")]


def _chain_rows(apps, n, *, break_at=None):
    """Rows as the chain wrote them: each entry_hash = SHA-256(previous ‖ canonical JSON)."""
    event = apps.get_model("audit", "AuditEvent")
    previous = "0" * 64
    start = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    for i in range(n):
        created = start + timedelta(minutes=i)
        fields = {
            "created_at": created.isoformat(timespec="microseconds"),
            "actor_id": None, "actor_label": "", "action": "tests.old.row",
            "object_type": "tests.thing", "object_id": str(i), "object_label": f"Cosa {i}",
            "before": None, "after": {"n": i, "texto": "acción"}, "request_id": "",
        }  # fmt: skip
        text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256((previous + text).encode()).hexdigest()
        row_fields = {**fields, "created_at": created}
        if i == break_at:
            row_fields["object_label"] = "cambiada"
        event.objects.create(**row_fields, previous_hash=previous, entry_hash=digest)
        previous = digest
    return previous


@pytest.mark.django_db(transaction=True)
def test_the_chain_is_verified_then_sealed_and_the_first_head_names_its_tip():
    try:
        apps = migrate(BEFORE)
        tip = _chain_rows(apps, 4)
        migrate(AFTER)
        leaves = list(AuditLeaf.objects.order_by("index").values_list("event_id", flat=True))
        assert leaves == list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
        assert LegacyChain.objects.get().tip == tip
        key = Signer.generate("pruebas/migracion")
        audit_seal(key=key)
        head = TreeHead.objects.get()
        assert head.size == 4 and head.legacy_tip == tip
        assert f"\nmerito-cadena-anterior 4 {tip}\n" in head.note
        migrate(latest())  # the later migrations (redaction) keep the log whole
        assert audit_verify(verifiers=[key.verifier]).ok
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_a_broken_chain_stops_the_migration():
    try:
        apps = migrate(BEFORE)
        _chain_rows(apps, 3, break_at=1)
        with pytest.raises(RuntimeError, match="rota en el evento"):
            migrate(AFTER)
    finally:
        _repair_and_finish()


def _repair_and_finish():
    """Wipe the test's rows (the guard allows it in tests) and migrate to the latest."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    migrate(latest())
