"""Queue e-mail in the outbox; a Celery task delivers it after the transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from merito import rows
from merito.notifications.models import OutboundEmail


def email_enqueue(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    kind: str,
    user: Any = None,
) -> OutboundEmail:
    """Render ``template``.txt (and .html when it exists) into a queued outbox row."""
    body_text = render_to_string(f"{template}.txt", context)
    body_html: str
    try:
        body_html = render_to_string(f"{template}.html", context)
    except Exception:  # noqa: BLE001 - the HTML part is optional
        body_html = ""
    message = rows.insert(
        OutboundEmail(
            kind=kind, to=to, user=user, subject=subject, body_text=body_text, body_html=body_html
        )
    )
    _deliver_after_commit(message.pk)
    return message


def email_resend(*, message: OutboundEmail) -> None:
    """Queue a message again (staff action); attempts start over."""
    OutboundEmail.objects.filter(pk=message.pk).update(
        status=OutboundEmail.Status.QUEUED, attempts=0, last_error=""
    )
    _deliver_after_commit(message.pk)


def _deliver_after_commit(pk: int) -> None:
    from merito.notifications.tasks import send_email

    transaction.on_commit(lambda: send_email.delay(pk))


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
