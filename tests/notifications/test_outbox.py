import smtplib

import pytest
from django.core import mail
from django.test import override_settings

from merito.notifications.models import OutboundEmail
from merito.notifications.services import email_deliver, email_enqueue, email_resend
from merito.notifications.tasks import send_queued_emails


def enqueue(**overrides) -> OutboundEmail:
    fields = {
        "to": "par@example.org",
        "subject": "Verifique su correo electrónico en Mérito",
        "template": "accounts/email/verify_email",
        "context": {"user": {"given_names": "Luis"}, "link": "http://x/y", "days": 3},
        "kind": "accounts.verify_email",
    }
    fields.update(overrides)
    return email_enqueue(**fields)


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("servidor SMTP caído")


@pytest.mark.django_db
def test_queued_mail_is_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = enqueue()
    assert mail.outbox == []
    assert message.status == OutboundEmail.Status.QUEUED
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.sent_at is not None
    assert mail.outbox[0].subject == "Verifique su correo electrónico en Mérito"
    assert "Hola, Luis:" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                enqueue()
                raise RuntimeError("falla después de encolar")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_smtp_failure_is_recorded_and_retried_until_the_limit():
    message = enqueue()
    with override_settings(EMAIL_BACKEND="tests.notifications.test_outbox.FailingBackend"):
        assert email_deliver(pk=message.pk, max_attempts=2) is False
        message.refresh_from_db()
        assert message.status == OutboundEmail.Status.QUEUED
        assert "servidor SMTP caído" in message.last_error
        assert email_deliver(pk=message.pk, max_attempts=2) is False
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.FAILED
    assert message.attempts == 2


@pytest.mark.django_db
def test_staff_resend_puts_a_failed_message_back_and_delivers_it(
    django_capture_on_commit_callbacks,
):
    message = enqueue()
    OutboundEmail.objects.filter(pk=message.pk).update(
        status=OutboundEmail.Status.FAILED, attempts=5
    )
    with django_capture_on_commit_callbacks(execute=True):
        email_resend(message=message)
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_delivering_twice_sends_once():
    message = enqueue()
    assert email_deliver(pk=message.pk, max_attempts=5)
    assert not email_deliver(pk=message.pk, max_attempts=5)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_beat_job_sends_what_is_still_queued():
    first, second = enqueue(), enqueue(to="otro@example.org")
    assert send_queued_emails() == 2
    assert {m.to[0] for m in mail.outbox} == {first.to, second.to}
