"""The second factor of staff accounts: enrolled at the first login, asked at every login,
replaced only with the password and the current device, reset by an administrator."""

import hashlib
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from merito.accounts.models import RecoveryCode, RecoveryCodeDevice, User
from merito.audit.models import AuditEvent
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.services import role_assign
from tests.conftest import PASSWORD, sign_in
from tests.evaluation.conftest import person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_now")]

SUPERVISION = "/gestion/supervision/"
CODE_SHAPE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` windows later)."""
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits):06d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device has not accepted yet (a code works once: replay protection)."""
    device.refresh_from_db()
    device.throttle_reset()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return current_code(device, 1 if device.last_t >= now else 0)


def password_login(client: Client, username: str):
    return client.post(
        reverse("public:accounts:login"), {"identifier": username, "password": PASSWORD}
    )


def enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Teléfono", confirmed=True)


@pytest.fixture
def supervisor(user_with_role):
    return user_with_role(Role.SUPERVISOR, username="supervisor1", email="sup@example.org")


def test_a_staff_account_enrols_at_its_first_login_before_any_staff_page(client, supervisor):
    response = password_login(client, "supervisor1")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:accounts:security"))
    # Every other page sends it back to enrol, the landing of its role included.
    blocked = client.get(SUPERVISION)
    assert blocked.status_code == 302
    assert (
        blocked["Location"]
        == f"{reverse('public:accounts:security')}?next=%2Fgestion%2Fsupervision%2F"
    )
    assert client.get(reverse("public:calls:list")).status_code == 302

    page = client.get(reverse("public:accounts:security"), {"next": SUPERVISION})
    html = page.content.decode()
    assert "¿Por qué se lo pedimos?" in html and "<svg" in html
    assert "Supervisor — CNSC" in html
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)

    # The password is asked again, and a wrong one enrols nothing.
    wrong = client.post(
        f"{reverse('public:accounts:security')}?next=/gestion/supervision/",
        {"action": "enrol", "password": "Otra.Clave-2026", "token": current_code(device)},
    )
    assert wrong.status_code == 400
    assert "La contraseña no es correcta." in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post(
        f"{reverse('public:accounts:security')}?next=/gestion/supervision/",
        {"action": "enrol", "password": PASSWORD, "token": fresh_code(device)},
    )
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(done["Location"])
    codes = CODE_SHAPE.findall(codes_page.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "única vez" in codes_page.content.decode()
    # Shown once; kept only as SHA-256 of the code without its dashes.
    assert client.get(done["Location"]).status_code == 302
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert client.get(SUPERVISION).status_code == 200
    assert AuditEvent.objects.filter(
        action="accounts.user.second_factor_enabled", object_id=str(supervisor.pk)
    ).exists()


def test_an_enrolled_account_gives_a_code_at_login_or_a_recovery_code_once(client, supervisor):
    device = enrolled(supervisor)
    sign_in(client, supervisor)
    client.post(
        reverse("public:accounts:security"),
        {"action": "codes", "password": PASSWORD, "token": fresh_code(device)},
    )
    codes = CODE_SHAPE.findall(
        client.get(reverse("public:accounts:recovery_codes")).content.decode()
    )
    client.post(reverse("public:accounts:logout"))

    response = password_login(client, "supervisor1")
    assert response["Location"] == reverse("public:accounts:login_otp")
    assert "_auth_user_id" not in client.session
    bad = client.post(reverse("public:accounts:login_otp"), {"token": "12345a"})
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    # django-otp throttles after a wrong code (1 s, then 2 s…); a person simply waits.
    RecoveryCodeDevice.objects.get(user=supervisor).throttle_reset()

    # Lower case and without dashes is the same code.
    ok = client.post(
        reverse("public:accounts:login_otp"), {"token": codes[0].replace("-", "").lower()}
    )
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(supervisor.pk)
    landing = client.get(SUPERVISION)
    assert landing.status_code == 200 and "le quedan 9" in landing.content.decode()
    client.post(reverse("public:accounts:logout"))

    password_login(client, "supervisor1")
    again = client.post(reverse("public:accounts:login_otp"), {"token": codes[0]})
    assert again.status_code == 200 and "_auth_user_id" not in client.session
    RecoveryCodeDevice.objects.get(user=supervisor).throttle_reset()
    by_app = client.post(reverse("public:accounts:login_otp"), {"token": fresh_code(device)})
    assert by_app.status_code == 302 and client.session["_auth_user_id"] == str(supervisor.pk)


def test_a_password_only_session_of_an_enrolled_account_is_ended(client, supervisor):
    enrolled(supervisor)
    client.force_login(supervisor)  # a session begun without the second step
    response = client.get(SUPERVISION)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:accounts:login"))
    assert "_auth_user_id" not in client.session


def test_changing_the_device_asks_for_the_password_and_a_code_of_the_current_one(
    client, supervisor
):
    old = enrolled(supervisor)
    sign_in(client, supervisor)
    page = client.get(reverse("public:accounts:security"))
    assert "<svg" not in page.content.decode()  # no QR of a new device yet
    refused = client.post(
        reverse("public:accounts:security"),
        {"action": "replace", "password": PASSWORD, "token": "000000"},
    )
    assert refused.status_code == 400
    assert not TOTPDevice.objects.filter(user=supervisor, confirmed=False).exists()
    client.post(
        reverse("public:accounts:security"),
        {"action": "replace", "password": PASSWORD, "token": fresh_code(old)},
    )
    assert "<svg" in client.get(reverse("public:accounts:security")).content.decode()
    new = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    client.post(reverse("public:accounts:security"), {"action": "enrol", "token": fresh_code(new)})
    assert list(TOTPDevice.objects.filter(user=supervisor).values_list("pk", "confirmed")) == [
        (new.pk, True)
    ]
    assert AuditEvent.objects.filter(action="accounts.user.second_factor_replaced").exists()
    assert client.get(SUPERVISION).status_code == 200


def test_an_applicant_logs_in_with_the_password_alone(client, alice):
    response = password_login(client, "alice.rojas")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/portal/").status_code == 200
    assert client.get(reverse("public:accounts:security")).status_code == 403


def test_otp_page_without_a_password_step_goes_back_to_login(client):
    response = client.get(reverse("public:accounts:login_otp"))
    assert response.status_code == 302
    assert re.search(r"/cuentas/ingresar/$", response["Location"])


def an_operator() -> Organization:
    return Organization.objects.create(
        name="Universidad Nacional", short_name="UNAL-OP", kind=OrganizationKind.OPERATOR
    )


def test_the_operator_administrator_resets_a_lost_device(client):
    operator = an_operator()
    luz = person(Role.OPERATOR_ADMIN, operator, "luz.admin")
    analyst = person(Role.ANALYST, operator, "ana.analista")
    enrolled(analyst)
    analyst_client = Client()
    sign_in(analyst_client, analyst)
    assert analyst_client.get("/gestion/analisis/").status_code == 200

    sign_in(client, luz)
    url = reverse("backoffice:evaluation:user_second_factor_reset", args=[operator.pk, analyst.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    event = AuditEvent.objects.get(action="accounts.user.second_factor_reset")
    assert event.actor_id == luz.pk and event.object_id == str(analyst.pk)
    assert mail.outbox[-1].to == ["ana.analista@example.org"]
    assert "restableció el segundo factor" in mail.outbox[-1].body
    # The analyst's open session ended; at the next login it enrols a new device.
    assert analyst_client.get("/gestion/analisis/")["Location"].startswith(
        reverse("public:accounts:login")
    )
    assert password_login(analyst_client, "ana.analista")["Location"].startswith(
        reverse("public:accounts:security")
    )


def test_an_administrator_cannot_reset_a_device_outside_its_reach(client):
    operator = an_operator()
    men = Organization.objects.create(
        name="Ministerio de Educación Nacional", short_name="MEN", kind=OrganizationKind.MINISTRY
    )
    luz = person(Role.OPERATOR_ADMIN, operator, "luz.admin")
    shared = person(Role.ANALYST, operator, "doble.rol")
    role_assign(user=shared, role=Role.VERIFIER, organization=men, by=None)
    enrolled(shared)
    sign_in(client, luz)
    url = reverse("backoffice:evaluation:user_second_factor_reset", args=[operator.pk, shared.pk])
    assert client.post(url).status_code == 404
    assert (
        client.post(
            reverse("backoffice:evaluation:user_second_factor_reset", args=[operator.pk, luz.pk])
        ).status_code
        == 403
    )  # not its own: another administrator, or a superuser
    assert TOTPDevice.objects.filter(user=shared).exists()
    assert not AuditEvent.objects.filter(action="accounts.user.second_factor_reset").exists()
