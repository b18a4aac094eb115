"""The technical admin: platform superusers with a verified second factor, and only them."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from merito.accounts.models import User
from merito.organizations.models import Role
from merito.organizations.services import role_assign
from tests.accounts.test_second_factor import fresh_code
from tests.conftest import PASSWORD, make_user, sign_in

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/accounts/user/", "/admin/otp_totp/totpdevice/"]


@pytest.fixture
def root(db) -> User:
    user = make_user(username="raiz.plataforma", email="raiz@example.org")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_admin_login_form_does_not_skip_the_second_factor(client, root):
    TOTPDevice.objects.create(user=root, name="Teléfono", confirmed=True)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "raiz.plataforma", "password": PASSWORD, "next": "/admin/"},
    )
    # The form is not Mérito's way in: it sends the visitor to the login with its code step.
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('public:accounts:login')}?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    for page in ADMIN_PAGES:
        answer = client.get(page, follow=True)
        assert answer.redirect_chain[-1][0].startswith(reverse("public:accounts:login"))
        assert "Documento, correo o usuario" in answer.content.decode()


def test_a_superuser_reaches_the_admin_through_the_code_step(client, root):
    device = TOTPDevice.objects.create(user=root, name="Teléfono", confirmed=True)
    first = client.post(
        reverse("public:accounts:login") + "?next=/admin/",
        {"identifier": "raiz.plataforma", "password": PASSWORD, "next": "/admin/"},
    )
    assert first["Location"] == reverse("public:accounts:login_otp")
    assert client.get("/admin/").status_code == 302  # password alone: not in
    second = client.post(reverse("public:accounts:login_otp"), {"token": fresh_code(device)})
    assert second["Location"] == "/admin/"
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 200


def test_a_superuser_signed_in_without_the_code_is_sent_to_log_in_again(client, root):
    TOTPDevice.objects.create(user=root, name="Teléfono", confirmed=True)
    client.force_login(root)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:accounts:login"))
    assert "_auth_user_id" not in client.session


def test_staff_who_are_not_superusers_never_open_the_admin(client, organization):
    verifier = make_user(username="verifica1", email="verifica@example.org")
    verifier.is_staff = True
    verifier.save()
    role_assign(user=verifier, role=Role.VERIFIER, organization=organization, by=None)
    sign_in(client, verifier)
    for page in ADMIN_PAGES:
        assert client.get(page, follow=True).status_code == 403
    assert client.get("/admin/login/").status_code == 403  # no second chance there
    applicant = Client()
    sign_in(applicant, make_user(username="postula1", email="p@example.org"))
    assert applicant.get("/admin/", follow=True).status_code == 403
