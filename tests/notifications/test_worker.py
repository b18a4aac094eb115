"""The e-mail task through a real Celery worker consuming from a real Redis broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from merito.celery import app
from merito.notifications.models import OutboundEmail
from merito.notifications.services import email_enqueue
from tests.conftest import REDIS_TEST_URL, require_service


@pytest.fixture
def redis_worker():
    require_service("Redis", REDIS_TEST_URL)
    previous = {
        key: app.conf[key]
        for key in (
            "broker_url",
            "task_always_eager",
            "result_backend",
            "broker_connection_retry_on_startup",
        )
    }
    app.conf.update(
        broker_url=REDIS_TEST_URL,
        task_always_eager=False,
        result_backend=REDIS_TEST_URL,
        broker_connection_retry_on_startup=False,
    )
    _forget_connections()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    app.conf.update(previous)
    _forget_connections()


def _forget_connections() -> None:
    """Drop broker connections and producers made for the in-memory broker, so that
    sending and consuming both use the broker configured now."""
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


def _wait_sent(message) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status != OutboundEmail.Status.QUEUED:
            return
        time.sleep(0.1)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_outbox_mail_is_delivered_by_a_worker_through_redis(redis_worker):
    message = email_enqueue(
        to="par@example.org",
        subject="Restablecer su contraseña de Mérito",
        template="accounts/email/password_reset",
        context={"user": {"given_names": "Luis"}, "link": "http://x/r", "hours": 24},
        kind="accounts.password_reset",
    )
    # No transaction block is open, so on_commit queued the task on Redis at once (the row
    # is not left for the fan-out job); the worker thread takes it from there. Wait
    # (bounded) for the worker to deliver it.
    assert message.handed_at is not None and _waiting() == []
    _wait_sent(message)
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Restablecer su contraseña de Mérito"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_worker_task_reports_its_result_through_redis(redis_worker):
    from merito.notifications.tasks import send_queued_emails

    assert send_queued_emails.delay().get(timeout=30) == 0


def _bulk_receipt():
    return email_enqueue(
        to="aspirante@example.org",
        subject="Inscripción CNSC-2026-0000001",
        template="applications/email/receipt",
        context={"inscription": {"registry_number": "CNSC-2026-0000001"}, "url": "http://x/"},
        kind="applications.receipt",
        bulk=True,
    )


def _waiting() -> list[int]:
    """Ids the fan-out job has not published a task for yet."""
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, handed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_bulk_mail_waits_in_the_outbox_until_the_fan_out_then_a_worker_sends_it(redis_worker):
    from merito.notifications.tasks import fan_out_outbox

    message = _bulk_receipt()
    time.sleep(0.5)
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.QUEUED  # no task was published for it
    assert message.handed_at is None
    assert _waiting() == [message.pk]
    assert fan_out_outbox.delay().get(timeout=30) == 1
    assert _waiting() == []
    _wait_sent(message)
    assert message.status == OutboundEmail.Status.SENT
    assert message.handed_at is not None
    assert [m.subject for m in mail.outbox] == ["Inscripción CNSC-2026-0000001"]
    assert fan_out_outbox.delay().get(timeout=30) == 0  # never published twice


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_bulk_mail_whose_task_was_lost_stays_queued_and_the_sweep_sends_it(redis_worker):
    from merito.notifications.tasks import send_queued_emails

    message = _bulk_receipt()
    # Marked as handed, but its task never reached the broker (a worker killed in between).
    OutboundEmail.objects.filter(pk=message.pk).update(handed_at=message.created_at)
    assert _waiting() == []
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.QUEUED
    assert send_queued_emails.delay().get(timeout=30) == 1
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_fan_out_takes_the_waiting_mail_in_batches_oldest_first(redis_worker):
    from merito.notifications.services import outbox_fan_out

    messages = [_bulk_receipt() for _ in range(5)]
    assert _waiting() == [m.pk for m in messages]
    assert outbox_fan_out(batch=2, max_batches=2) == 4  # two batches of two, in order
    assert _waiting() == [messages[-1].pk]
    assert outbox_fan_out(batch=2) == 1
    assert _waiting() == []
    for message in messages:
        _wait_sent(message)
        assert message.status == OutboundEmail.Status.SENT
