"""Inscriptions: window in legal local time, frozen snapshot, receipt, idempotency, withdraw."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from merito.applications import services
from merito.applications.models import Inscription, InscriptionState
from merito.audit.models import AuditEvent
from merito.calls.models import Position
from merito.demo.profiles import _fill_profile, load_demo_catalogue
from merito.errors import DomainError
from merito.profiles.models import Membership
from merito.profiles.selectors import snapshot_sha256
from merito.profiles.services import profile_entry_save
from tests.arrange import arranged
from tests.calls.conftest import add_inscriptions, add_positions
from tests.conftest import make_user, sign_in
from tests.documents.conftest import storage_dir  # noqa: F401
from tests.web.moved import assert_old_address_leads_to


@pytest.fixture(autouse=True)
def _mail_now(monkeypatch):
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


@pytest.fixture
def call(organization, make_call):
    call = make_call(organization, "CNSC-2026-01", name="Entidades del Orden Nacional 2026")
    add_inscriptions(call, open_now=True)
    add_positions(call, 3)
    return call


@pytest.fixture
def applicant(db):
    user = make_user(email="aspirante@example.org", given_names="Ana", phone="3001234567")
    load_demo_catalogue()
    _fill_profile(user)
    return user


def position(call, code: str = "P0001") -> Position:
    return call.positions.get(code=code)


def apply_url(call) -> str:
    return reverse("portal:applications:apply", args=[call.code])


@pytest.mark.django_db
def test_apply_freezes_the_profile_and_gives_a_receipt(client, call, applicant, mailoutbox):
    sign_in(client, applicant)
    page = client.get(apply_url(call))
    key = page.context["request_key"]
    response = client.post(apply_url(call), {"request_key": key, "position": "P0001"}, follow=True)
    inscription = Inscription.objects.get()
    assert inscription.registry_number == f"CNSC-2026-01-{inscription.pk:07d}"
    assert inscription.snapshot_sha256 == snapshot_sha256(inscription.snapshot)
    html = response.content.decode()
    assert f"Quedó inscrito con el número {inscription.registry_number}." in html
    assert inscription.snapshot_sha256 in html
    assert "(hora de Colombia)" in html
    [message] = [m for m in mailoutbox if m.subject.startswith("Inscripción")]
    assert inscription.registry_number in message.subject
    assert inscription.snapshot_sha256 in message.body
    assert AuditEvent.objects.filter(action="applications.inscription.submitted").count() == 1
    number = inscription.registry_number
    assert_old_address_leads_to(
        client, f"/inscripciones/{number}/", f"/portal/inscripciones/{number}/", message.body
    )


@pytest.mark.django_db
def test_a_double_click_or_retry_makes_one_inscription(client, call, applicant):
    sign_in(client, applicant)
    key = str(uuid.uuid4())
    first = client.post(apply_url(call), {"request_key": key, "position": "P0001"})
    second = client.post(apply_url(call), {"request_key": key, "position": "P0001"})
    assert first["Location"] == second["Location"]
    assert Inscription.objects.count() == 1


@pytest.mark.django_db
def test_the_form_refuses_a_second_inscription_and_anothers_request_key(client, call, applicant):
    """Through the form, where the earlier inscriptions are read with the position."""
    sign_in(client, applicant)
    key = str(uuid.uuid4())
    client.post(apply_url(call), {"request_key": key, "position": "P0001"})
    number = Inscription.objects.get().registry_number
    again = client.post(
        apply_url(call), {"request_key": str(uuid.uuid4()), "position": "P0002"}, follow=True
    )
    html = again.content.decode()
    assert f"Ya está inscrito en esta convocatoria con el número {number}" in html
    assert Inscription.objects.count() == 1
    other = make_user(email="otra@example.org", document_number="52000111")
    load_demo_catalogue()
    _fill_profile(other)
    sign_in(client, other)
    taken = client.post(apply_url(call), {"request_key": key, "position": "P0001"}, follow=True)
    assert "Esa solicitud no es suya." in taken.content.decode()
    assert Inscription.objects.count() == 1
    # A withdrawn inscription does not count as active.
    with arranged():
        Inscription.objects.update(state=InscriptionState.WITHDRAWN)
    sign_in(client, applicant)
    response = client.post(apply_url(call), {"request_key": str(uuid.uuid4()), "position": "P0002"})
    assert response.status_code == 302
    assert Inscription.objects.filter(state=InscriptionState.ACTIVE).count() == 1


@pytest.mark.django_db
def test_a_second_inscription_in_the_same_call_is_refused(call, applicant):
    services.inscription_submit(user=applicant, position=position(call), request_key=uuid.uuid4())
    with pytest.raises(DomainError, match="Ya está inscrito en esta convocatoria"):
        services.inscription_submit(
            user=applicant, position=position(call, "P0002"), request_key=uuid.uuid4()
        )


@pytest.mark.django_db
def test_the_window_closes_at_235959_local_time(call, applicant):
    stage = services.inscription_stage(call)
    with pytest.raises(DomainError, match=r"cerraron el .* 23:59:59 \(hora de Colombia\)"):
        services.inscription_submit(
            user=applicant,
            position=position(call),
            request_key=uuid.uuid4(),
            now=stage.closes_at + timedelta(microseconds=1),
        )
    _inscription, created = services.inscription_submit(
        user=applicant, position=position(call), request_key=uuid.uuid4(), now=stage.closes_at
    )
    assert created
    with pytest.raises(DomainError, match="abren el"):
        services.inscription_submit(
            user=make_user(email="temprano@example.org"),
            position=position(call),
            request_key=uuid.uuid4(),
            now=stage.opens_at - timedelta(seconds=1),
        )


@pytest.mark.django_db
def test_the_snapshot_stays_as_submitted_after_the_profile_changes(call, applicant):
    inscription, _ = services.inscription_submit(
        user=applicant, position=position(call), request_key=uuid.uuid4()
    )
    frozen, digest = inscription.snapshot, inscription.snapshot_sha256
    membership = Membership.objects.get(profile__user=applicant)
    membership.society = "Otra sociedad"
    profile_entry_save(user=applicant, entry=membership)
    inscription.refresh_from_db()
    assert inscription.snapshot == frozen
    assert inscription.snapshot_sha256 == digest == snapshot_sha256(frozen)
    assert "Otra sociedad" not in str(frozen)


@pytest.mark.django_db
def test_withdraw_then_apply_again_while_open_and_never_after_closing(client, call, applicant):
    inscription, _ = services.inscription_submit(
        user=applicant, position=position(call), request_key=uuid.uuid4()
    )
    sign_in(client, applicant)
    client.post(reverse("portal:applications:withdraw", args=[inscription.registry_number]))
    inscription.refresh_from_db()
    assert inscription.state == InscriptionState.WITHDRAWN
    again, created = services.inscription_submit(
        user=applicant, position=position(call, "P0002"), request_key=uuid.uuid4()
    )
    assert created
    closed = services.inscription_stage(call).closes_at + timedelta(seconds=1)
    with pytest.raises(DomainError, match="ya no se reciben inscripciones ni cambios"):
        services.inscription_withdraw(inscription=again, user=applicant, now=closed)


@pytest.mark.django_db
def test_an_incomplete_profile_cannot_apply(call):
    with pytest.raises(DomainError, match="Antes de inscribirse complete su hoja de vida"):
        services.inscription_submit(
            user=make_user(email="nuevo@example.org"),
            position=position(call),
            request_key=uuid.uuid4(),
        )


@pytest.mark.django_db
def test_tampered_input_and_other_peoples_receipts(client, call, applicant):
    sign_in(client, applicant)
    bad_position = client.post(
        apply_url(call), {"request_key": str(uuid.uuid4()), "position": "NOPE"}
    )
    assert bad_position.status_code == 400
    assert "Empleo o plaza: elija uno de la lista." in bad_position.content.decode()
    assert (
        client.post(apply_url(call), {"request_key": "x", "position": "P0001"}).status_code == 404
    )
    inscription, _ = services.inscription_submit(
        user=applicant, position=position(call), request_key=uuid.uuid4()
    )
    other = make_user(email="otro@example.org")
    sign_in(client, other)
    assert (
        client.get(
            reverse("portal:applications:receipt", args=[inscription.registry_number])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("portal:applications:withdraw", args=[inscription.registry_number])
        ).status_code
        == 404
    )
    with pytest.raises(DomainError, match="Esa solicitud no es suya"):
        services.inscription_submit(
            user=other, position=position(call), request_key=inscription.request_key
        )


@pytest.mark.django_db
def test_the_call_page_offers_to_apply_only_while_open(client, call, make_call, organization):
    html = client.get(reverse("public:calls:detail", args=[call.code])).content.decode()
    assert reverse("portal:applications:apply", args=[call.code]) in html
    closed = make_call(organization, "CNSC-2025-01")
    add_inscriptions(closed, open_now=False)
    html = client.get(reverse("public:calls:detail", args=[closed.code])).content.decode()
    assert reverse("portal:applications:apply", args=[closed.code]) not in html


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_make_one_inscription(call, applicant):
    if connection.vendor != "postgresql":
        pytest.skip("La prueba de concurrencia necesita PostgreSQL (CI la corre con DATABASE_URL)")
    same_key = uuid.uuid4()
    results: list[object] = []
    barrier = threading.Barrier(8)

    def attempt(key: uuid.UUID) -> None:
        barrier.wait()
        try:
            results.append(
                services.inscription_submit(
                    user=applicant, position=position(call), request_key=key
                )
            )
        except DomainError as error:
            results.append(error)
        finally:
            connection.close()

    keys = [same_key] * 4 + [uuid.uuid4() for _ in range(4)]
    threads = [threading.Thread(target=attempt, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Inscription.objects.filter(state=InscriptionState.ACTIVE).count() == 1
    created = [r for r in results if isinstance(r, tuple) and r[1]]
    assert len(created) == 1
    errors = [r for r in results if isinstance(r, DomainError)]
    assert all("Ya está inscrito" in e.message for e in errors)
    # The losers wrote nothing: one receipt, one audit event.
    from merito.audit.models import AuditEvent
    from merito.notifications.models import OutboundEmail

    assert OutboundEmail.objects.filter(kind="applications.receipt").count() == 1
    assert AuditEvent.objects.filter(action="applications.inscription.submitted").count() == 1


@pytest.mark.django_db
def test_applying_reads_each_thing_once(client, call, applicant, monkeypatch):
    monkeypatch.setattr("merito.notifications.services._deliver_after_commit", lambda pk: None)
    # Sealing runs after the commit, off the request (here on_commit runs at once).
    monkeypatch.setattr("merito.audit.services.seal_after_commit", lambda: None)
    sign_in(client, applicant)
    sections = 6  # the demo profile leaves one section empty
    # Session, user, the user's roles (does the account need a second factor?), the position
    # with its call and organization, the inscription stage, the earlier inscriptions
    # (same request key or active in the call), the profile with its documents, and each
    # section that has entries with theirs (the audit row reads nothing: no chain tip, no
    # lock); the writes (inscription, registry number, receipt, audit row) are not counted.
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            apply_url(call), {"request_key": str(uuid.uuid4()), "position": "P0001"}
        )
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    assert len(reads) == 3 + 1 + 1 + 1 + 1 + sections, "\n".join(reads)
    assert response.status_code == 302
