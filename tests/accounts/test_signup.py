import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from merito.accounts.models import User
from merito.accounts.services import user_sign_up
from merito.audit.models import AuditEvent
from merito.errors import DomainError
from merito.organizations.models import Role, RoleAssignment

SIGNUP = {
    "document_country": "CO",
    "document_type": "CC",
    "document_number": "1020304050",
    "given_names": "Ana María",
    "first_surname": "Rojas",
    "second_surname": "",
    "sex": "F",
    "email": "Ana.Rojas@Example.org",
    "phone": "6013078079",
    "password1": "Merito.2026x",
    "password2": "Merito.2026x",
}


def link_in(message) -> str:
    return re.search(r"http://\S+", message.body).group(0)


@pytest.mark.django_db
def test_sign_up_creates_an_unverified_applicant_and_mails_the_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("public:accounts:signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "ana.rojas@example.org"
    assert user.document_label == "CC 1020304050"
    assert not user.email_verified
    assert RoleAssignment.objects.filter(user=user, role=Role.APPLICANT).exists()
    assert AuditEvent.objects.filter(action="accounts.user.signed_up", object_id=user.pk).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana.rojas@example.org"]
    assert "Verifique su correo" in mail.outbox[0].subject

    path = link_in(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert "Correo verificado" in page.content.decode()
    user.refresh_from_db()
    assert user.email_verified


@pytest.mark.django_db
def test_login_is_refused_until_the_email_is_verified(client):
    from tests.conftest import make_user

    make_user(email="sinverificar@example.org", verified=False)
    response = client.post(
        reverse("public:accounts:login"),
        {"identifier": "sinverificar@example.org", "password": "Clave.Segura-2026"},
    )
    assert "Debe verificar su correo electrónico" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_tampered_verification_link_is_refused(client):
    response = client.get(reverse("public:accounts:verify_email", args=["abc:def:ghi"]))
    assert response.status_code == 400
    assert "no es válido" in response.content.decode()


@pytest.mark.django_db
def test_duplicate_document_is_refused_on_its_field(client, alice):
    data = dict(SIGNUP, document_number=alice.document_number, email="otra@example.org")
    response = client.post(reverse("public:accounts:signup"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Ya existe una cuenta con este documento" in errors["document_number"][0]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_email_is_refused_whatever_its_case(client, alice):
    data = dict(SIGNUP, email="ALICE@example.org")
    response = client.post(reverse("public:accounts:signup"), data)
    assert "Ya existe una cuenta con este correo" in response.context["form"].errors["email"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("document_number", "0123456", "no puede iniciar con cero"),
        ("document_type", "DNI", "no existe para el país"),
        ("password2", "Otra.Clave-99", "no coincide"),
        ("password1", "corta", "mínimo 8 y máximo 20"),
        ("email", "no-es-correo", "correo electrónico válida"),
        ("phone", "601-307-8079", "sin caracteres especiales"),
        ("given_names", "", "obligatorio"),
    ],
)
def test_bad_sign_up_input_names_the_field_and_rule(client, field, value, message):
    response = client.post(reverse("public:accounts:signup"), dict(SIGNUP, **{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    messages = " ".join(form.errors.get(field, []))
    assert message in messages, form.errors
    assert User.objects.count() == 0


def _unsaved(**overrides) -> User:
    fields = {k: v for k, v in SIGNUP.items() if not k.startswith("password")}
    fields.update(overrides)
    fields["email"] = fields["email"].lower()
    return User(**fields)


@pytest.mark.django_db
def test_service_turns_a_lost_race_into_a_spanish_error(alice):
    twin = _unsaved(document_number=alice.document_number, email="gemela@example.org")
    with pytest.raises(DomainError) as excinfo:
        user_sign_up(user=twin, password="Merito.2026x")
    assert excinfo.value.field == "document_number"
    assert User.objects.count() == 1
    assert not AuditEvent.objects.filter(object_id=str(twin.pk or "")).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sign_ups_with_one_document_leave_one_account():
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign_up(email: str) -> None:
        try:
            barrier.wait(timeout=10)
            user_sign_up(user=_unsaved(email=email), password="Merito.2026x")
            outcomes.append("created")
        except DomainError as exc:
            outcomes.append(exc.field or "error")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(f"hilo{n}@example.org",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["created", "document_number"]
    assert User.objects.filter(document_number="1020304050").count() == 1
    assert RoleAssignment.objects.count() == 1
