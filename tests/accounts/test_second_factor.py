import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from merito.organizations.models import Role
from tests.conftest import PASSWORD


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` windows later)."""
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits):06d}"


@pytest.fixture
def supervisor(user_with_role):
    return user_with_role(Role.SUPERVISOR, username="supervisor1", email="sup@example.org")


@pytest.mark.django_db
def test_staff_enables_totp_and_is_asked_for_it_at_login(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("accounts:security"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    wrong = client.post(reverse("accounts:security"), {"action": "enable", "token": "000000"})
    assert "no es válido" in wrong.content.decode() or current_code(device) == "000000"
    # django-otp throttles after a wrong code (1 s, then 2 s…); a person simply waits.
    device.refresh_from_db()
    device.throttle_reset()
    client.post(reverse("accounts:security"), {"action": "enable", "token": current_code(device)})
    device.refresh_from_db()
    assert device.confirmed
    client.post(reverse("accounts:logout"))

    response = client.post(
        reverse("accounts:login"), {"identifier": "supervisor1", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_otp")
    assert "_auth_user_id" not in client.session
    bad = client.post(reverse("accounts:login_otp"), {"token": "12345a"})
    assert "_auth_user_id" not in client.session
    assert bad.status_code == 200
    device.refresh_from_db()
    device.throttle_reset()
    # A code is accepted once (replay protection): use the one of the next 30 s window.
    ok = client.post(reverse("accounts:login_otp"), {"token": current_code(device, 1)})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(supervisor.pk)


@pytest.mark.django_db
def test_an_applicant_cannot_open_the_second_factor_page(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:security")).status_code == 403


@pytest.mark.django_db
def test_otp_page_without_a_password_step_goes_back_to_login(client):
    response = client.get(reverse("accounts:login_otp"))
    assert response.status_code == 302
    assert re.search(r"/cuentas/ingresar/$", response["Location"])
