"""The one helper every service calls to leave a trace: ``audit_record``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model

from merito.audit import context
from merito.audit.chain import GENESIS_HASH, entry_hash, row_fields
from merito.audit.models import AuditEvent

# Any constant works; it names the one PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 7_202_611
_LAST_HASH_SQL = f"SELECT entry_hash FROM {AuditEvent._meta.db_table} ORDER BY id DESC LIMIT 1"  # noqa: S608


def _jsonable(data: Any) -> Any:
    """Round-trip through JSON so what we hash is exactly what the database keeps."""
    if data is None:
        return None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    ``action`` is a dotted name (``accounts.user.signed_up``). Pass ``obj`` or the
    ``object_*`` strings. ``before``/``after`` are JSON-serialisable snapshots.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:255]
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    actor_label = str(actor)[:255] if actor_id else ""
    values = {
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "object_label": object_label[:255],
        "before": _jsonable(before),
        "after": _jsonable(after),
    }
    # No savepoint: a failure here must roll back the caller's whole transaction anyway.
    # The lock is held until that commit and serialises every writer, so little happens
    # after it: the JSON is ready beforehand and the last hash is read with plain SQL.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The lock, then the last hash read after it (audit migration 0003).
            cursor.execute("SELECT merito_audit_tip(%s)", [_CHAIN_LOCK_KEY])
        else:  # SQLite: every transaction already holds the database's write lock
            cursor.execute(_LAST_HASH_SQL)
        last = cursor.fetchone()
        previous = last[0] if last and last[0] else GENESIS_HASH
        created_at = datetime.now(UTC)
        fields = row_fields(created_at=created_at, request_id=context.request_id.get(), **values)
        # The row is the hashed fields themselves (the time as a datetime, not its text).
        return AuditEvent.objects.create(
            **{**fields, "created_at": created_at},
            previous_hash=previous,
            entry_hash=entry_hash(previous, fields),
        )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def audit_verify(*, batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order and report the first row that does not match."""
    previous = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.previous_hash != previous:
            return ChainReport(
                checked, event.pk, "su hash anterior no coincide con la fila precedente"
            )
        fields = row_fields(
            created_at=event.created_at.astimezone(UTC),
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            object_label=event.object_label,
            before=event.before,
            after=event.after,
            request_id=event.request_id,
        )
        if entry_hash(previous, fields) != event.entry_hash:
            return ChainReport(checked, event.pk, "su contenido no coincide con su hash")
        previous = event.entry_hash
        checked += 1
    return ChainReport(checked, None, "")
