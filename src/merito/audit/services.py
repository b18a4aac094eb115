"""The one helper every service calls to leave a trace: ``audit_record``; and the log's
sealing and verification (``merito.audit.log``), re-exported."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet

from merito.audit import context
from merito.audit.log import audit_seal, audit_verify, inclusion_proof, seal_after_commit
from merito.audit.models import AuditEvent, AuditTouch

__all__ = [
    "audit_list_read",
    "audit_read",
    "audit_record",
    "audit_seal",
    "audit_type",
    "audit_verify",
    "inclusion_proof",
    "object_history",
]


def audit_type(model: Model | type[Model]) -> str:
    """The name an object's history is filed under (``object_type``): the model's
    ``audit_type`` when it declares one, else its label (``evaluation.folder``).

    The name must outlive a move: a model that changes context (its app label) declares
    ``audit_type`` with its old label, so no object's history splits under two names.
    ``tests/audit/audit_types.txt`` pins every model's name; a move without the
    declaration fails there."""
    declared = getattr(model, "audit_type", None)
    return declared if isinstance(declared, str) and declared else model._meta.label_lower


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
    touched: tuple[type[Model], Iterable[Any]] | None = None,
) -> AuditEvent:
    """Append one event to the log, inside the caller's transaction: a plain row (no lock,
    no hash); the sealing task makes it a leaf of the signed tree after the commit.

    ``action`` is a dotted name (``accounts.user.signed_up``). Pass ``obj`` or the
    ``object_*`` strings. ``before``/``after`` are JSON-serialisable snapshots.

    A bulk operation writes one event per chunk and names the objects it touched,
    ``touched=(Folder, ids)`` (listed in ``after`` too): each gets an ``AuditTouch`` row,
    so ``object_history`` of any of them finds the event.
    """
    if obj is not None:
        object_type = object_type or audit_type(obj)
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
    event = AuditEvent.objects.create(
        created_at=datetime.now(UTC), request_id=context.request_id.get(), **values
    )
    if touched is not None:
        model, ids = touched
        kind = audit_type(model)
        AuditTouch.objects.bulk_create(
            [AuditTouch(event=event, object_type=kind, object_id=str(pk)) for pk in ids],
            batch_size=1000,
        )
    seal_after_commit()
    return event


def object_history(obj: Model) -> QuerySet[AuditEvent]:
    """Every event of ``obj``, oldest first: those filed under it and the bulk ones that
    touched it."""
    kind, pk = audit_type(obj), str(obj.pk)
    touching = AuditTouch.objects.filter(object_type=kind, object_id=pk).values("event_id")
    return AuditEvent.objects.filter(
        Q(object_type=kind, object_id=pk) | Q(pk__in=touching)
    ).order_by("id")


def audit_read(*, actor: Any, obj: Model, what: str, after: Any = None) -> AuditEvent:
    """A staff read of another person's personal data (a profile, a document, a folder, an
    export) as an audit row: ``<app>.<model>.viewed`` or the given ``what``."""
    return audit_record(
        action=what or f"{audit_type(obj)}.viewed", actor=actor, obj=obj, after=after
    )


def audit_list_read(
    *, actor: Any, model: type[Model], ids: list[Any], what: str, after: Any = None
) -> AuditEvent | None:
    """A staff read of a page of other people's rows (a search result): one audit row for
    the page, indexed under each row shown, so every person's history finds it. Nothing
    when the page is empty."""
    if not ids:
        return None
    return audit_record(
        action=what,
        actor=actor,
        object_type=audit_type(model),
        after={**(after or {}), "shown": ids},
        touched=(model, ids),
    )
