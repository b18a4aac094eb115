"""Erasing the personal data of a sealed audit event, for a legal request, without breaking
the log: the row keeps its id, action, object, actor and time; ``before``, ``after`` and
``object_label`` become ``REDACTED``. The leaf commits to the content hash the row had, so
its inclusion proof and every signed head still verify, and ``merito audit verify`` counts
it as redacted instead of edited. The redaction is itself an event of the log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from merito.audit.guard import redacting
from merito.audit.models import (
    REDACTED,
    REDACTED_ACTION,
    REDACTED_LABEL,
    AuditEvent,
    AuditLeaf,
    AuditRedaction,
)
from merito.audit.services import audit_record
from merito.errors import DomainError


def audit_redact(*, event_id: int, reason: str, by: Any = None) -> AuditRedaction:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Escriba el motivo: la solicitud y su fundamento legal."))
    with transaction.atomic():
        event = AuditEvent.objects.filter(pk=event_id).first()
        if event is None:
            raise DomainError(_("No existe el evento #%(id)s.") % {"id": event_id})
        if not AuditLeaf.objects.filter(event_id=event.pk).exists():
            raise DomainError(
                _("El evento #%(id)s aún no está sellado; redáctelo cuando lo esté.")
                % {"id": event.pk}
            )
        if AuditRedaction.objects.filter(event_id=event.pk).exists():
            raise DomainError(_("El evento #%(id)s ya fue redactado.") % {"id": event.pk})
        redaction = AuditRedaction.objects.create(
            event=event,
            reason=reason,
            redacted_by=by if getattr(by, "pk", None) else None,
            redacted_at=timezone.now(),
        )
        with redacting():
            AuditEvent.objects.filter(pk=event.pk).update(
                before=None if event.before is None else REDACTED,
                after=None if event.after is None else REDACTED,
                object_label=REDACTED_LABEL if event.object_label else "",
            )
        audit_record(
            action=REDACTED_ACTION,
            actor=by,
            object_type="audit.auditevent",
            object_id=str(event.pk),
            after={"reason": reason},
        )
    return redaction
