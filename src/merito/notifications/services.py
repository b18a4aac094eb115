"""Queue e-mail in the outbox; a Celery task delivers it after the transaction commits.

Mail sent in bulk at a surge (inscription receipts: hundreds a second at a deadline) is
not published as one Celery task per message from the request, which costs the web
process about a millisecond of CPU each: the row is written and nothing more. The beat
job ``fan_out_outbox`` (every ``OUTBOX_FAN_OUT_SECONDS``) takes the queued rows no task was
published for yet (``handed_at`` empty), oldest first, marks them and publishes one
``send_email`` task each, from the worker side. A row whose task is lost (a worker killed
between the mark and the publish, the broker down) is still *En cola*, and the 60-second
sweep sends it.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from merito.notifications.models import OutboundEmail


def email_enqueue(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    kind: str,
    user: Any = None,
    bulk: bool = False,
) -> OutboundEmail:
    """Render ``template``.txt (and .html when it exists) into a queued outbox row.

    ``bulk``: left for the fan-out job (a second or two later) rather than a task published
    from this process; without a broker, sent as any other.
    """
    body_text = render_to_string(f"{template}.txt", context)
    body_html: str
    try:
        body_html = render_to_string(f"{template}.html", context)
    except Exception:  # noqa: BLE001 - the HTML part is optional
        body_html = ""
    fan_out = bulk and not _celery().conf.task_always_eager
    message = OutboundEmail.objects.create(
        kind=kind, to=to, user=user, subject=subject, body_text=body_text,
        body_html=body_html, handed_at=None if fan_out else timezone.now(),
    )  # fmt: skip
    if not fan_out:
        _deliver_after_commit(message.pk)
    return message


def email_resend(*, message: OutboundEmail) -> None:
    """Queue a message again (staff action); attempts start over."""
    OutboundEmail.objects.filter(pk=message.pk).update(
        status=OutboundEmail.Status.QUEUED, attempts=0, last_error=""
    )
    _deliver_after_commit(message.pk)


def _deliver_after_commit(pk: int) -> None:
    transaction.on_commit(lambda: send_email.delay(pk))


def _celery() -> Any:
    from merito.celery import app

    return app


def outbox_fan_out(*, batch: int = 500, max_batches: int = 20) -> int:
    """Publish a ``send_email`` task for each bulk message waiting, oldest first; how many.

    Each batch is marked (``handed_at``) and committed before its tasks go out, rows locked
    by another run are skipped, so two runs never publish the same message."""
    queued = 0
    for _ in range(max_batches):
        with transaction.atomic():
            ids = list(
                OutboundEmail.objects.select_for_update(skip_locked=True)
                .filter(status=OutboundEmail.Status.QUEUED, handed_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            OutboundEmail.objects.filter(pk__in=ids).update(handed_at=timezone.now())
        for pk in ids:
            send_email.delay(pk)
        queued += len(ids)
    return queued


def email_deliver(*, pk: int, max_attempts: int) -> bool:
    """Send one queued message; return True when it went out. Safe to call twice."""
    from django.core.mail import EmailMultiAlternatives

    with transaction.atomic():
        message = OutboundEmail.objects.select_for_update().filter(pk=pk).first()
        if message is None or message.status == OutboundEmail.Status.SENT:
            return False
        message.attempts += 1
        mail = EmailMultiAlternatives(message.subject, message.body_text, to=[message.to])
        if message.body_html:
            mail.attach_alternative(message.body_html, "text/html")
        try:
            mail.send()
        except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= max_attempts:
                message.status = OutboundEmail.Status.FAILED
            message.save(update_fields=["attempts", "last_error", "status"])
            return False
        message.status = OutboundEmail.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return True


def notice_add(*, user: Any, title: str, body: str = "", url: str = "") -> Any:
    """Leave an in-app notice for ``user`` (shown in the portal until read)."""
    from merito.notifications.models import Notice

    return Notice.objects.create(user=user, title=title, body=body, url=url)


def notices_mark_read(*, user: Any) -> int:
    from merito.notifications.models import Notice

    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@shared_task(name="merito.notifications.tasks.send_email")
def send_email(pk: int) -> bool:
    """Deliver one queued e-mail (the worker side of ``email_enqueue``)."""
    return email_deliver(pk=pk, max_attempts=settings.OUTBOX_MAX_ATTEMPTS)
