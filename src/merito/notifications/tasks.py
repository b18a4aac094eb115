from __future__ import annotations

from celery import shared_task
from django.conf import settings

from merito.notifications.models import OutboundEmail
from merito.notifications.services import email_deliver, outbox_fan_out, send_email

__all__ = ["fan_out_outbox", "send_email", "send_queued_emails"]


@shared_task(name="merito.notifications.tasks.send_queued_emails")
def send_queued_emails() -> int:
    """Beat job: retry whatever is still queued (a worker restart, an SMTP outage)."""
    sent = 0
    # Oldest first: after a surge whose tasks were lost, the first receipts
    # go out first.
    pending = (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in list(pending[:500]):
        sent += email_deliver(pk=pk, max_attempts=settings.OUTBOX_MAX_ATTEMPTS)
    return sent


@shared_task(name="merito.notifications.tasks.fan_out_outbox")
def fan_out_outbox() -> int:
    """Beat job: mail queued in bulk (inscription receipts) becomes one task per message."""
    return outbox_fan_out()
