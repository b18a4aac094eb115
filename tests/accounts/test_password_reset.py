import re

import pytest
from django.core import mail
from django.urls import reverse

from merito.audit.models import AuditEvent
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "Nueva.Clave-2027"


def reset_path(message) -> str:
    return re.search(r"http://[^/]+(/\S+)", message.body).group(1)


def ask_for_link(client, captured, identifier: str):
    with captured(execute=True):
        response = client.post(
            reverse("public:accounts:password_reset"), {"identifier": identifier}
        )
    assert response.status_code == 302
    return reset_path(mail.outbox[-1])


@pytest.fixture
def peer(db):
    return make_user(email="par@example.org", username="par.academico", given_names="Luis")


def set_password_through(client, path: str, password: str = NEW_PASSWORD):
    form_page = client.get(path, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"new_password1": password, "new_password2": password},
    )


@pytest.mark.django_db
def test_reset_link_sets_a_new_password_once(client, peer, django_capture_on_commit_callbacks):
    path = ask_for_link(client, django_capture_on_commit_callbacks, "par@example.org")
    assert "Solo funciona el enlace más reciente" in mail.outbox[-1].body
    response = set_password_through(client, path)
    assert response.status_code == 302
    peer.refresh_from_db()
    assert peer.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.user.password_reset").exists()
    # Used once: the same link no longer works.
    again = client.get(path, follow=True)
    assert "Este enlace ya no funciona" in again.content.decode()


@pytest.mark.django_db
def test_the_second_reset_link_invalidates_the_first(
    client, peer, django_capture_on_commit_callbacks
):
    first = ask_for_link(client, django_capture_on_commit_callbacks, "par.academico")
    second = ask_for_link(client, django_capture_on_commit_callbacks, peer.document_number)
    assert first != second

    stale = client.get(first, follow=True)
    assert "Este enlace ya no funciona" in stale.content.decode()
    response = set_password_through(client, first)
    peer.refresh_from_db()
    assert peer.check_password(PASSWORD), "the superseded link must not change the password"
    assert response.status_code == 200

    set_password_through(client, second)
    peer.refresh_from_db()
    assert peer.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_an_expired_link_is_refused(client, peer, settings, django_capture_on_commit_callbacks):
    path = ask_for_link(client, django_capture_on_commit_callbacks, "par@example.org")
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.get(path, follow=True)
    assert "Este enlace ya no funciona" in page.content.decode()


@pytest.mark.django_db
def test_unknown_identifier_gets_the_same_answer_and_no_mail(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("public:accounts:password_reset"),
            {"identifier": "nadie@example.org"},
            follow=True,
        )
    assert "Si los datos corresponden a una cuenta" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_reset_unlocks_a_locked_account(client, peer, django_capture_on_commit_callbacks):
    for _ in range(3):
        client.post(
            reverse("public:accounts:login"),
            {"identifier": "par.academico", "password": "Mala.Clave-1"},
        )
    locked = client.post(
        reverse("public:accounts:login"), {"identifier": "par.academico", "password": PASSWORD}
    )
    assert locked.status_code == 429
    path = ask_for_link(client, django_capture_on_commit_callbacks, "par@example.org")
    set_password_through(client, path)
    response = client.post(
        reverse("public:accounts:login"), {"identifier": "par.academico", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_reset_records_when_the_last_link_went_out(
    client, peer, django_capture_on_commit_callbacks
):
    assert peer.password_reset_sent_at is None
    ask_for_link(client, django_capture_on_commit_callbacks, "par@example.org")
    peer.refresh_from_db()
    assert peer.password_reset_sent_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("uid", ["MTIzNDU2Nzg5", "no-es-base64", "MQ"])
def test_a_tampered_user_id_in_the_reset_link_is_refused(client, peer, uid):
    page = client.get(f"/cuentas/contrasena/restablecer/{uid}/abc-123/", follow=True)
    assert page.status_code == 200
    assert "Este enlace ya no funciona" in page.content.decode()


@pytest.mark.django_db
def test_a_reset_link_also_proves_an_unverified_email(client, django_capture_on_commit_callbacks):
    imported = make_user(email="importado@example.org", verified=False)
    path = ask_for_link(client, django_capture_on_commit_callbacks, "importado@example.org")
    set_password_through(client, path)
    imported.refresh_from_db()
    assert imported.email_verified_at is not None
    response = client.post(
        reverse("public:accounts:login"),
        {"identifier": "importado@example.org", "password": NEW_PASSWORD},
    )
    assert response.status_code == 302  # logged in, not "verifique su correo"
