import pytest
from django.urls import reverse

from merito.audit.models import AuditEvent
from tests.conftest import PASSWORD, make_user, sign_in


@pytest.fixture
def operator(db):
    return make_user(
        email="analista@example.org", username="analista_01", document_number="52345678"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "identifier",
    [
        "analista_01",
        "analista@example.org",
        "ANALISTA@example.org",
        "52345678",
        "52.345.678",
        "CC 52345678",
    ],
)
def test_login_with_username_email_or_document(client, operator, identifier):
    response = client.post(
        reverse("public:accounts:login"), {"identifier": identifier, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(operator.pk)
    assert AuditEvent.objects.filter(action="accounts.user.logged_in").count() == 1


@pytest.mark.django_db
def test_a_bare_number_shared_by_two_countries_needs_the_type(client):
    make_user(
        document_number="40123456",
        document_country="PE",
        document_type="DNI",
        email="peru@example.org",
    )
    make_user(
        document_number="40123456",
        document_country="CO",
        document_type="CC",
        email="colombia@example.org",
    )
    ambiguous = client.post(
        reverse("public:accounts:login"), {"identifier": "40123456", "password": PASSWORD}
    )
    assert "no coinciden" in ambiguous.content.decode()
    typed = client.post(
        reverse("public:accounts:login"), {"identifier": "DNI 40123456", "password": PASSWORD}
    )
    assert typed.status_code == 302


@pytest.mark.django_db
def test_wrong_password_says_so_in_spanish_and_warns_of_the_lock(client, operator):
    response = client.post(
        reverse("public:accounts:login"), {"identifier": "analista_01", "password": "Mala.Clave-1"}
    )
    body = response.content.decode()
    assert "no coinciden" in body
    assert "Tras 3 intentos fallidos la cuenta se bloquea" in body


@pytest.mark.django_db
def test_third_failure_locks_the_account_and_says_how_to_unlock(client, operator):
    for _ in range(2):
        response = client.post(
            reverse("public:accounts:login"),
            {"identifier": "analista_01", "password": "Mala.Clave-1"},
        )
        assert response.status_code == 200
    third = client.post(
        reverse("public:accounts:login"),
        {"identifier": "analista@example.org", "password": "Mala.Clave-1"},
    )
    body = third.content.decode()
    assert third.status_code == 429
    assert "Cuenta bloqueada temporalmente" in body
    assert "después de 3 intentos fallidos" in body
    assert reverse("public:accounts:password_reset") in body
    assert "O espere 1 hora e intente de nuevo" in body
    # Locked: even the right password, typed as the document, does not get in now.
    right = client.post(
        reverse("public:accounts:login"), {"identifier": "52345678", "password": PASSWORD}
    )
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_inactive_account_cannot_log_in(client, operator):
    operator.is_active = False
    operator.save()
    response = client.post(
        reverse("public:accounts:login"), {"identifier": "analista_01", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client, operator):
    sign_in(client, operator)
    assert client.get(reverse("public:accounts:logout")).status_code == 405
    response = client.post(reverse("public:accounts:logout"), follow=True)
    assert "Cerró su sesión" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_next_parameter_to_another_site_is_ignored(client, operator):
    response = client.post(
        reverse("public:accounts:login") + "?next=https://evil.example/",
        {"identifier": "analista_01", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")
