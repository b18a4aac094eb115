"""An e-mail change, from any path, takes effect only when the new address answers; it
tells the old address and ends the person's sessions and pending reset links. An
operator's administrator edits only people whose every role is in its operator."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from merito.accounts import services
from merito.accounts.models import User
from merito.audit.models import AuditEvent
from merito.errors import DomainError
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.services import role_assign
from tests.conftest import PASSWORD, make_user, sign_in
from tests.evaluation.conftest import person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_now")]

CONFIRM = re.compile(r"https?://\S+(/cuentas/correo/confirmar/\S+/)")
RESET = re.compile(r"https?://\S+(/cuentas/contrasena/restablecer/\S+/)")


def last_link(pattern: re.Pattern[str], to: str) -> str:
    body = [m for m in mail.outbox if m.to == [to]][-1].body
    found = pattern.search(body)
    assert found, body
    return found.group(1)


def page_without_tokens(response) -> str:
    """The page less what differs on every request anyway (the CSRF mask, this path)."""
    html = response.content.decode().replace(response.wsgi_request.path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


@pytest.fixture
def unal(db) -> Organization:
    return Organization.objects.create(
        name="Universidad Nacional", short_name="UNAL-OP", kind=OrganizationKind.OPERATOR
    )


@pytest.fixture
def men(db) -> Organization:
    return Organization.objects.create(
        name="Ministerio de Educación Nacional", short_name="MEN", kind=OrganizationKind.MINISTRY
    )


@pytest.fixture
def luz(unal) -> User:
    return person(Role.OPERATOR_ADMIN, unal, "luz.admin")


def user_form(user: User, **changes) -> dict[str, object]:
    data = {
        "username": user.username,
        "given_names": user.given_names,
        "first_surname": user.first_surname,
        "second_surname": user.second_surname,
        "document_type": user.document_type,
        "document_number": user.document_number,
        "email": user.email,
        "phone": "3001234567",
        "roles": [Role.ANALYST.value],
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_an_operator_admin_cannot_touch_a_user_who_also_works_for_the_men(client, unal, men, luz):
    """The attack: change the e-mail of a MEN verifier who is also an analyst of the
    operator, ask a reset, and walk into the MEN's peer bank."""
    shared = person(Role.ANALYST, unal, "doble.rol")
    role_assign(user=shared, role=Role.VERIFIER, organization=men, by=None)
    sign_in(client, luz)
    edit = reverse("backoffice:evaluation:user_edit", args=[unal.pk, shared.pk])
    missing = reverse("backoffice:evaluation:user_edit", args=[unal.pk, 999_999])
    assert client.get(edit).status_code == 404
    assert page_without_tokens(client.get(edit)) == page_without_tokens(client.get(missing))
    posted = client.post(edit, user_form(shared, email="atacante@example.org"))
    assert posted.status_code == 404
    state = reverse("backoffice:evaluation:user_set_active", args=[unal.pk, shared.pk])
    assert client.post(state, {"habilitado": "0"}).status_code == 404
    shared.refresh_from_db()
    assert shared.email == "doble.rol@example.org" and shared.pending_email == ""
    assert shared.is_active
    assert not [m for m in mail.outbox if m.to == ["atacante@example.org"]]
    # The list still shows the person, without the edit link.
    listing = client.get(
        reverse("backoffice:evaluation:operator_detail", args=[unal.pk])
    ).content.decode()
    assert "doble.rol" in listing and edit not in listing
    assert "Tiene roles en otra organización" in listing


def test_an_applicant_role_also_puts_the_person_out_of_the_operator_admins_reach(client, unal, luz):
    analyst = person(Role.ANALYST, unal, "ana.analista")
    role_assign(user=analyst, role=Role.APPLICANT, by=None)
    sign_in(client, luz)
    assert (
        client.get(
            reverse("backoffice:evaluation:user_edit", args=[unal.pk, analyst.pk])
        ).status_code
        == 404
    )


def test_a_staff_e_mail_change_waits_for_the_new_address_and_then_ends_sessions(client, unal, luz):
    analyst = person(Role.ANALYST, unal, "ana.analista")
    analyst_client = Client()
    sign_in(analyst_client, analyst)
    assert analyst_client.get("/gestion/analisis/").status_code == 200
    # A reset link asked before the change must die with it.
    Client().post(reverse("public:accounts:password_reset"), {"identifier": "ana.analista"})
    old_reset = last_link(RESET, "ana.analista@example.org")

    sign_in(client, luz)
    response = client.post(
        reverse("backoffice:evaluation:user_edit", args=[unal.pk, analyst.pk]),
        user_form(analyst, email="Ana.Nueva@Example.org"),
    )
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.email == "ana.analista@example.org"
    assert analyst.pending_email == "ana.nueva@example.org"
    notice = [m for m in mail.outbox if m.to == ["ana.analista@example.org"]][-1]
    assert "ana.nueva@example.org" in notice.body and "luz.admin" not in notice.subject
    event = AuditEvent.objects.get(action="accounts.user.email_change_requested")
    assert event.actor_id == luz.pk and event.after == {"pending_email": "ana.nueva@example.org"}
    assert analyst_client.get("/gestion/analisis/").status_code == 200  # nothing changed yet

    link = last_link(CONFIRM, "ana.nueva@example.org")
    page = Client().get(link)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and "Confirmar el cambio de correo" in page.content.decode()
    analyst.refresh_from_db()
    assert analyst.email == "ana.analista@example.org"
    done = Client().post(link)
    assert done.status_code == 200 and "Correo actualizado" in done.content.decode()
    analyst.refresh_from_db()
    assert analyst.email == "ana.nueva@example.org" and analyst.pending_email == ""
    assert AuditEvent.objects.filter(action="accounts.user.email_changed").count() == 1
    # Every session of the person ended, and so did the reset link of before.
    assert analyst_client.get("/gestion/analisis/")["Location"].startswith(
        reverse("public:accounts:login")
    )
    assert "Enlace no válido" in Client().get(old_reset, follow=True).content.decode()
    # The link works once.
    again = Client().post(link)
    assert again.status_code == 400


def test_a_person_changes_their_own_e_mail_with_the_password(client, alice):
    sign_in(client, alice)
    url = reverse("public:accounts:email_change")
    wrong = client.post(url, {"email": "alice.nueva@example.org", "password": "Mala.Clave-1"})
    assert wrong.status_code == 400 and "La contraseña no es correcta." in wrong.content.decode()
    assert not mail.outbox
    taken = make_user(email="ocupado@example.org")
    refused = client.post(url, {"email": taken.email, "password": PASSWORD})
    assert "Ya existe una cuenta con este correo electrónico." in refused.content.decode()
    ok = client.post(url, {"email": "alice.nueva@example.org", "password": PASSWORD})
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "Pendiente de confirmar: alice.nueva@example.org" in page
    assert [m.to for m in mail.outbox] == [["alice.nueva@example.org"], ["alice@example.org"]]


def test_only_the_newest_pending_address_can_be_confirmed(alice):
    services.email_change_request(user=alice, new_email="primera@example.org", by=alice)
    first = last_link(CONFIRM, "primera@example.org")
    services.email_change_request(user=alice, new_email="segunda@example.org", by=alice)
    assert Client().post(first).status_code == 400
    tampered = last_link(CONFIRM, "segunda@example.org").replace("/confirmar/", "/confirmar/x")
    assert Client().post(tampered).status_code == 400
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert Client().post(last_link(CONFIRM, "segunda@example.org")).status_code == 200
    alice.refresh_from_db()
    assert alice.email == "segunda@example.org"


def test_an_address_taken_meanwhile_is_refused_at_confirmation(alice):
    services.email_change_request(user=alice, new_email="libre@example.org", by=alice)
    make_user(email="libre@example.org")
    response = Client().post(last_link(CONFIRM, "libre@example.org"))
    assert response.status_code == 400
    assert "Ya existe una cuenta con este correo" in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"


def test_a_bad_address_is_refused_in_spanish(alice):
    with pytest.raises(DomainError, match="Escriba un correo electrónico válido"):
        services.email_change_request(user=alice, new_email="no-es-correo", by=alice)


def test_the_technical_admin_changes_an_e_mail_through_the_same_link(client, alice):
    root = make_user(username="raiz.plataforma", email="raiz@example.org")
    root.is_staff = root.is_superuser = True
    root.save()
    sign_in(client, root)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    assert client.get(url).status_code == 200
    data = {
        "given_names": alice.given_names,
        "first_surname": alice.first_surname,
        "second_surname": "",
        "sex": "",
        "email": "alice.admin@example.org",
        "email_verified_at_0": "",
        "email_verified_at_1": "",
        "phone": "",
        "is_active": "on",
        "_save": "Guardar",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    alice.refresh_from_db()
    assert alice.email == "alice@example.org" and alice.pending_email == "alice.admin@example.org"
    assert [m for m in mail.outbox if m.to == ["alice@example.org"]]
