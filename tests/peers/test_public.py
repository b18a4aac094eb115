"""Seed 000: reaching the peers — the public check, links that work once, a dead e-mail,
and the recognition of a person not found."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from merito.accounts.models import User
from merito.audit.models import AuditEvent
from merito.peers import services
from merito.peers.models import EmailChangeRequest, PeerGroup, RecognitionRequest, RequestState
from merito.peers.selectors import mask_email
from tests.conftest import PASSWORD, make_user, sign_in
from tests.documents.conftest import PNG_BYTES
from tests.peers.conftest import link_in_last_mail, pdf_upload

pytestmark = pytest.mark.django_db

LOOKUP = {"document_country": "CO", "document_type": "CC", "document_number": "52.123.456"}


# --- ¿Estoy en el banco de pares? ------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("ana.ruiz@unal.edu.co", "a*****z@u****.edu.co"),
        ("a@gmail.com", "a*****@g****.com"),
        ("", ""),
    ],
)
def test_the_e_mail_is_masked(address, masked):
    assert mask_email(address) == masked


def test_a_member_gets_yes_and_a_masked_e_mail_and_never_a_name(client, peer):
    html = client.post(reverse("public:peers:lookup"), LOOKUP).content.decode()
    assert "Sí, está en el banco de pares." in html
    assert "a*****z@u****.edu.co" in html
    assert "ana.ruiz" not in html and "Ana María" not in html and "Rojas" not in html


def test_a_person_not_found_is_told_to_bring_evidence_and_where(client, peer):
    data = {**LOOKUP, "document_number": "79999999"}
    html = client.post(reverse("public:peers:lookup"), data).content.decode()
    assert "No, sus datos no se encuentran en el banco de pares." in html
    assert "Si tiene evidencia de su ingreso anterior" in html
    assert f'href="{reverse("public:peers:recognition")}"' in html


def test_an_account_without_membership_is_not_in_the_bank(client):
    make_user(document_number="79999999")
    data = {**LOOKUP, "document_number": "79999999"}
    assert "No, sus datos" in client.post(reverse("public:peers:lookup"), data).content.decode()


def test_a_malformed_document_is_refused_naming_the_rule(client):
    data = {**LOOKUP, "document_number": "0123"}
    response = client.post(reverse("public:peers:lookup"), data)
    html = response.content.decode()
    assert "no puede iniciar con cero (0)" in html
    assert 'aria-invalid="true"' in html and "id_document_number-errors" in html


def test_the_check_is_limited_to_ten_a_window_per_address(client, peer):
    for _ in range(10):
        assert client.post(reverse("public:peers:lookup"), LOOKUP).status_code == 200
    response = client.post(reverse("public:peers:lookup"), LOOKUP)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Hizo demasiadas consultas" in html and "a*****z" not in html
    other = client.post(reverse("public:peers:lookup"), LOOKUP, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


# --- links that set a password ----------------------------------------------------------


def set_password(client, path: str):
    response = client.get(path)
    assert response.status_code == 302, "the link should be valid"
    return client.post(
        response.url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )


def test_the_activation_link_works_once_and_proves_the_e_mail(client):
    services.peers_import(
        content=b"tipo_documento,numero_documento,nombres,primer_apellido,correo,grupo\n"
        b"CC,79123456,Carlos,Perez,carlos@uni.edu.co,cna\n",
        file_name="b.csv",
        confirm=True,
    )
    path = link_in_last_mail("carlos@uni.edu.co")
    set_password(client, path)
    carlos = User.objects.get(email="carlos@uni.edu.co")
    assert carlos.check_password(PASSWORD) and carlos.email_verified_at is not None
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False


def test_an_earlier_link_stops_working_when_a_new_one_is_sent(client, peer, verifier):
    services.send_access_link(user=peer, purpose="activation")
    first = link_in_last_mail(peer.email)
    services.account_unlock_and_reset(user=peer, by=verifier)
    second = link_in_last_mail(peer.email)
    assert first != second
    assert client.get(first, follow=True).context["validlink"] is False
    set_password(client, second)
    peer.refresh_from_db()
    assert peer.check_password(PASSWORD)


# --- my registered e-mail no longer works -------------------------------------------------


def change_data(**extra):
    return {
        **LOOKUP,
        "new_email": "ana@personal.example",
        "identity_document": pdf_upload(),
    } | extra


def test_a_peer_asks_for_an_e_mail_change_with_the_identity_document(client, peer):
    response = client.post(reverse("public:peers:email_change"), change_data(), follow=True)
    assert "Recibimos su solicitud" in response.content.decode()
    request = EmailChangeRequest.objects.get()
    assert (request.user, request.previous_email, request.new_email) == (
        peer,
        "ana.ruiz@unal.edu.co",
        "ana@personal.example",
    )
    assert request.identity_document.kind == "identity"
    assert any(m.to == ["ana@personal.example"] for m in mail.outbox)
    peer.refresh_from_db()
    assert peer.email == "ana.ruiz@unal.edu.co"  # nothing changes before staff check


def test_a_renamed_image_is_not_an_identity_document(client, peer):
    upload = pdf_upload(PNG_BYTES, name="cedula.pdf")
    html = client.post(
        reverse("public:peers:email_change"), change_data(identity_document=upload)
    ).content.decode()
    assert "El archivo no es un PDF válido." in html
    assert "id_identity_document-errors" in html
    assert not EmailChangeRequest.objects.exists()


def test_the_e_mail_of_another_account_is_refused(client, peer):
    make_user(email="ana@personal.example")
    html = client.post(reverse("public:peers:email_change"), change_data()).content.decode()
    assert "Ya existe una cuenta con este correo electrónico." in html
    assert not EmailChangeRequest.objects.exists()


def test_a_document_outside_the_bank_cannot_ask_for_a_change(client, peer):
    data = change_data(document_number="79999999")
    html = client.post(reverse("public:peers:email_change"), data).content.decode()
    assert "Ese documento no está en el banco de pares." in html


def test_a_second_pending_change_is_refused(client, peer):
    client.post(reverse("public:peers:email_change"), change_data())
    html = client.post(
        reverse("public:peers:email_change"), change_data(new_email="otra@personal.example")
    ).content.decode()
    assert "Ya hay una solicitud de cambio de correo pendiente" in html
    assert EmailChangeRequest.objects.count() == 1


def test_approval_sends_a_link_to_the_new_e_mail_which_takes_effect_when_opened(
    client, peer, verifier
):
    request = services.email_change_request(
        user=peer, new_email="Ana@Personal.example", uploaded_file=pdf_upload()
    )
    services.email_change_approve(request=request, reviewer=verifier)
    peer.refresh_from_db()
    # Nothing changes before the new mailbox answers; the old address is told.
    assert peer.email == "ana.ruiz@unal.edu.co" and peer.pending_email == "ana@personal.example"
    event = AuditEvent.objects.get(action="peers.email_change.approved")
    assert event.before == {"email": "ana.ruiz@unal.edu.co"}
    assert event.actor_id == verifier.pk and event.after["identity_checked"] is True
    assert any(m.to == ["ana.ruiz@unal.edu.co"] for m in mail.outbox)
    link = confirm_link_in_last_mail("ana@personal.example")
    assert client.post(link).status_code == 200
    peer.refresh_from_db()
    assert peer.email == "ana@personal.example" and peer.email_verified_at is not None
    # Then the peer sets a password with a link sent to the new address.
    client.post(reverse("public:accounts:password_reset"), {"identifier": "ana@personal.example"})
    assert set_password(client, reset_link_in_last_mail("ana@personal.example")).status_code == 200


def confirm_link_in_last_mail(to: str) -> str:
    body = [m for m in mail.outbox if m.to == [to]][-1].body
    found = re.search(r"https?://\S+(/cuentas/correo/confirmar/\S+/)", body)
    assert found, body
    return found.group(1)


def reset_link_in_last_mail(to: str) -> str:
    body = [m for m in mail.outbox if m.to == [to]][-1].body
    found = re.search(r"https?://\S+(/cuentas/contrasena/restablecer/\S+/)", body)
    assert found, body
    return found.group(1)


def test_rejection_needs_a_reason_which_is_sent(peer, verifier):
    request = services.email_change_request(
        user=peer, new_email="ana@personal.example", uploaded_file=pdf_upload()
    )
    with pytest.raises(services.DomainError, match="Motivo del rechazo: es obligatorio"):
        services.email_change_reject(request=request, reviewer=verifier, reason=" ")
    services.email_change_reject(
        request=request, reviewer=verifier, reason="El documento no coincide."
    )
    request.refresh_from_db()
    assert request.state == RequestState.REJECTED
    assert "El documento no coincide." in mail.outbox[-1].body
    with pytest.raises(services.DomainError, match="ya fue decidida"):
        services.email_change_approve(request=request, reviewer=verifier)


# --- recognition of a person not found ----------------------------------------------------


def test_recognition_needs_an_account(client):
    response = client.get(reverse("public:peers:recognition"))
    assert response.status_code == 302 and "/ingresar/" in response.url


def test_a_person_not_found_asks_for_recognition_with_a_pdf(client, alice):
    sign_in(client, alice)
    data = {"group": PeerGroup.CNA, "region": "Cauca", "proof": pdf_upload()}
    response = client.post(reverse("public:peers:recognition"), data, follow=True)
    assert "Recibimos su solicitud de reconocimiento" in response.content.decode()
    request = RecognitionRequest.objects.get()
    assert (request.user, request.group, request.state) == (alice, "cna", "pending")
    assert AuditEvent.objects.filter(action="peers.recognition.requested").exists()


def test_recognition_refuses_a_file_that_is_not_a_pdf(client, alice):
    sign_in(client, alice)
    upload = pdf_upload(PNG_BYTES, name="constancia.pdf")
    html = client.post(
        reverse("public:peers:recognition"), {"group": "cna", "proof": upload}
    ).content.decode()
    assert "El archivo no es un PDF válido." in html
    assert not RecognitionRequest.objects.exists()


def test_recognition_refuses_rc_for_a_cna_peer(client, peer):
    sign_in(client, peer)
    html = client.post(
        reverse("public:peers:recognition"), {"group": "rc", "proof": pdf_upload()}
    ).content.decode()
    assert "no debe ser Par de Registro Calificado" in html


def test_approval_adds_the_person_to_the_bank_and_tells_them(alice, verifier):
    request = services.recognition_request(user=alice, group="conaces", uploaded_file=pdf_upload())
    membership = services.recognition_approve(request=request, reviewer=verifier)
    assert (membership.user, membership.group, membership.source) == (
        alice,
        "conaces",
        "recognition",
    )
    assert "quedó en el banco de pares" in mail.outbox[-1].body
    with pytest.raises(services.DomainError, match="ya fue decidida"):
        services.recognition_reject(request=request, reviewer=verifier, reason="x")


@pytest.mark.parametrize("name", ["public:peers:lookup", "public:peers:email_change"])
def test_empty_posts_past_the_limit_answer_429_not_a_crash(client, name):
    """A script that posts nothing still meets the limit's message, never a server error."""
    for _ in range(10):
        assert client.post(reverse(name), {}).status_code == 200
    response = client.post(reverse(name), {})
    assert response.status_code == 429
    assert "Hizo demasiadas consultas" in response.content.decode()
