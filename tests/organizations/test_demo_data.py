import re
from base64 import b32decode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP

from merito.accounts.models import User
from merito.calls.models import Position, Stage
from merito.demo.people import ACCOUNTS, DEMO_PASSWORD
from merito.organizations.models import Organization, Role, RoleAssignment


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_covers_every_role(capsys):
    def counts():
        return (
            User.objects.count(),
            Organization.objects.count(),
            RoleAssignment.objects.count(),
            Stage.objects.count(),
            Position.objects.count(),
        )

    call_command("demo_data")
    first = counts()
    call_command("demo_data")
    assert first == counts()
    assert Position.objects.filter(call__code="CNSC-2026-01").exists()
    assert {a.role for a in ACCOUNTS} == set(Role)
    assert set(Organization.objects.values_list("short_name", flat=True)) >= {
        "MEN",
        "CNSC",
        "MINEDU",
        "DRE-ANCASH",
        "UGEL-HUARAZ",
    }
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output
    assert "admin.operador" in output


@pytest.mark.django_db
@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.username)
def test_every_printed_demo_account_can_log_in(client, account):
    call_command("demo_data")
    response = client.post(
        reverse("public:accounts:login"),
        {"identifier": account.username, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    landing = client.get(response["Location"], follow=True)
    assert landing.status_code == 200


@pytest.mark.django_db
def test_a_newcomer_signs_in_as_staff_with_the_printed_totp_secret(client, capsys, settings):
    call_command("demo_data")
    printed = re.search(
        r"usuario: verificador1 .* clave TOTP: ([A-Z2-7]+)", capsys.readouterr().out
    )
    assert printed, "demo-data prints each staff account's TOTP secret"
    code = f"{TOTP(b32decode(printed.group(1))).token():06d}"
    first = client.post(
        reverse("public:accounts:login"), {"identifier": "verificador1", "password": DEMO_PASSWORD}
    )
    assert first["Location"] == reverse("public:accounts:login_otp")
    assert client.post(reverse("public:accounts:login_otp"), {"token": code}).status_code == 302
    assert client.get("/gestion/verificacion/").status_code == 200
    settings.DEBUG = True
    call_command("demo_code", "verificador1")
    assert capsys.readouterr().out.split()[0] == code
