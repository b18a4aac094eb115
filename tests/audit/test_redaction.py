"""A sealed event's personal data can be erased on a legal request without breaking the
log: the leaf, its proof and every head still verify, verify counts the row as redacted,
and the database lets an event change in no other way."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from merito.audit import guard
from merito.audit.models import (
    REDACTED,
    REDACTED_ACTION,
    REDACTED_LABEL,
    AuditEvent,
    AuditRedaction,
)
from merito.audit.notes import Signer
from merito.audit.redaction import audit_redact
from merito.audit.services import audit_record, audit_seal, audit_verify, inclusion_proof
from merito.errors import DomainError
from tests.conftest import make_user


@pytest.fixture
def key():
    return Signer.generate("pruebas.merito.local/auditoria")


@pytest.fixture
def sealed(db, key, monkeypatch):
    # The guard as in production: only a redaction opens the door.
    monkeypatch.setattr(guard, "purge_allowed", False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET merito.audit_purge = 'off'")
    actor = make_user()
    events = [
        audit_record(
            action="profiles.profile.viewed",
            actor=actor,
            object_type="profiles.profile",
            object_id=str(n),
            object_label=f"Hoja de vida de María Peña {n}",
            after={"documento": f"52.{n}00.100", "nombre": "María Peña"},
        )
        for n in range(3)
    ]
    audit_seal(key=key)
    return events


def _verify(key):
    return audit_verify(verifiers=[key.verifier])


def test_a_redacted_event_keeps_its_leaf_proof_and_heads(sealed, key):
    target = sealed[1]
    proof_before = inclusion_proof(target)

    audit_redact(event_id=target.pk, reason="Solicitud de supresión 2026-118 (Ley 1581)")

    target.refresh_from_db()
    assert (target.after, target.object_label) == (REDACTED, REDACTED_LABEL)
    assert "Peña" not in str(AuditEvent.objects.filter(pk=target.pk).values().get())
    assert target.action == "profiles.profile.viewed" and target.object_id == "1"
    redacted = AuditEvent.objects.get(action=REDACTED_ACTION)
    assert (redacted.object_id, redacted.after["reason"]) == (
        str(target.pk),
        "Solicitud de supresión 2026-118 (Ley 1581)",
    )
    audit_seal(key=key)
    report = _verify(key)
    assert report.ok, report.problems
    assert (report.leaves, report.redacted) == (4, 1)
    proof = inclusion_proof(target)
    assert proof.verifies and proof.leaf_hash == proof_before.leaf_hash


def test_an_edit_that_is_not_a_redaction_is_still_caught(sealed, key):
    """A redaction row does not excuse content other than the redacted form."""
    target = sealed[0]
    with transaction.atomic():
        AuditRedaction.objects.create(event=target, reason="x", redacted_at=timezone.now())
        with guard.redacting():
            AuditEvent.objects.filter(pk=target.pk).update(after={"nombre": "Otra persona"})
        audit_record(
            action=REDACTED_ACTION, object_type="audit.auditevent", object_id=str(target.pk)
        )
    report = _verify(key)
    assert report.first == f"evento #{target.pk} (hoja 0): su contenido cambió después de sellado"


def test_a_redaction_the_log_does_not_record_is_caught(sealed, key):
    target = sealed[2]
    with transaction.atomic():
        AuditRedaction.objects.create(event=target, reason="x", redacted_at=timezone.now())
        with guard.redacting():
            AuditEvent.objects.filter(pk=target.pk).update(after=REDACTED, object_label="")
    report = _verify(key)
    assert report.first == f"evento #{target.pk} (hoja 2): su contenido cambió después de sellado"


@pytest.mark.parametrize(
    "change",
    [{"after": REDACTED}, {"action": "otra.cosa"}, {"object_id": "99"}],
    ids=["without-redaction-row", "action", "object"],
)
def test_the_database_lets_an_event_change_only_by_its_redaction(sealed, change):
    target = sealed[0]
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
        if "after" not in change:
            AuditRedaction.objects.create(event=target, reason="x", redacted_at=timezone.now())
        with guard.redacting():
            AuditEvent.objects.filter(pk=target.pk).update(**change)
    assert "solo inserción" in str(excinfo.value)
    target.refresh_from_db()
    assert target.action == "profiles.profile.viewed" and target.after["nombre"] == "María Peña"


def test_a_redaction_cannot_itself_be_changed_or_removed(sealed):
    redaction = audit_redact(event_id=sealed[0].pk, reason="Solicitud 1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRedaction.objects.filter(pk=redaction.pk).update(reason="otra")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRedaction.objects.filter(pk=redaction.pk).delete()


def test_unsealed_twice_or_without_a_reason_is_refused(sealed):
    fresh = audit_record(action="tests.thing.changed", object_type="t", object_id="1")
    with pytest.raises(DomainError, match="aún no está sellado"):
        audit_redact(event_id=fresh.pk, reason="Solicitud")
    with pytest.raises(DomainError, match="Escriba el motivo"):
        audit_redact(event_id=sealed[0].pk, reason="  ")
    audit_redact(event_id=sealed[0].pk, reason="Solicitud")
    with pytest.raises(DomainError, match="ya fue redactado"):
        audit_redact(event_id=sealed[0].pk, reason="Solicitud")


def test_the_command_redacts_and_verify_says_so(sealed, key, capsys):
    call_command("audit", "redact", str(sealed[0].pk), "--reason", "Solicitud 2026-7")
    assert "redactado: su hoja y sus pruebas siguen válidas" in capsys.readouterr().out
    audit_seal(key=key)
    call_command("audit", "verify", "--key", key.verifier.text())
    out = capsys.readouterr().out
    assert "Registro íntegro: 4 hojas" in out and "1 eventos redactados" in out
    with pytest.raises(CommandError, match="ya fue redactado"):
        call_command("audit", "redact", str(sealed[0].pk), "--reason", "otra")
