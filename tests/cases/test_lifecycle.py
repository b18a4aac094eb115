"""Seed 000: the update case from "Nueva solicitud" to Aprobado, Corrección and Desistido."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from merito.cases import services
from merito.cases.models import CaseEvent, CaseState, UpdateCase
from merito.errors import DomainError
from merito.notifications.models import Notice, OutboundEmail
from merito.profiles.models import Experience, Membership
from merito.profiles.selectors import snapshot_sha256
from merito.profiles.services import profile_entry_save
from tests.conftest import make_user, sign_in
from tests.web.moved import assert_old_address_leads_to

pytestmark = pytest.mark.django_db


def open_and_submit(peer) -> UpdateCase:
    case = services.case_open(user=peer)
    return services.case_submit(case=case, user=peer, consent=True)


# --- opening ------------------------------------------------------------------------------


def test_only_members_of_the_bank_open_cases_and_are_told_why(client):
    outsider = make_user(email="fuera@example.org")
    with pytest.raises(DomainError, match="no aparecen en el banco de pares"):
        services.case_open(user=outsider)
    sign_in(client, outsider)
    html = client.get(reverse("portal:cases:dashboard")).content.decode()
    assert "Sus datos no aparecen en el banco de pares académicos." in html
    assert "Nueva solicitud de actualización de información" not in html


def test_one_open_case_at_a_time_with_a_link_to_it(client, peer):
    case = services.case_open(user=peer)
    assert case.number.startswith("GP-") and case.state == CaseState.DRAFT
    with pytest.raises(DomainError, match=f"Ya tiene abierto el caso {case.number}"):
        services.case_open(user=peer)
    sign_in(client, peer)
    html = client.get(reverse("portal:cases:dashboard")).content.decode()
    assert f'href="/portal/pares/casos/{case.number}/"' in html
    assert "Nueva solicitud de actualización de información</button>" not in html


def test_the_database_refuses_a_second_open_case():
    from django.db import IntegrityError, transaction

    peer = make_user(email="x@example.org")
    UpdateCase.objects.create(user=peer, last_activity_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        UpdateCase.objects.create(user=peer, last_activity_at=timezone.now())


def test_a_double_click_on_new_case_creates_one_case(client, peer):
    sign_in(client, peer)
    client.post(reverse("portal:cases:open"))
    response = client.post(reverse("portal:cases:open"), follow=True)
    assert UpdateCase.objects.filter(user=peer).count() == 1
    assert "Ya tiene abierto el caso" in response.content.decode()


# --- submitting ---------------------------------------------------------------------------


def test_submitting_requires_the_consent(client, peer):
    case = services.case_open(user=peer)
    with pytest.raises(DomainError) as refused:
        services.case_submit(case=case, user=peer, consent=False)
    assert refused.value.field == "consent"
    sign_in(client, peer)
    response = client.post(reverse("portal:cases:submit", args=[case.number]), follow=True)
    assert (
        "Autorización de tratamiento de datos personales: es obligatoria"
        in response.content.decode()
    )
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT


def test_an_incomplete_profile_cannot_be_submitted(peer):
    case = services.case_open(user=peer)
    Experience.objects.filter(profile__user=peer).update(document=None)
    with pytest.raises(DomainError, match="Certificación laboral de"):
        services.case_submit(case=case, user=peer, consent=True)


def test_submission_freezes_the_profile_records_consent_and_tells_the_peer(peer, mailoutbox):
    case = open_and_submit(peer)
    assert case.state == CaseState.VERIFICATION
    assert case.round == 1
    assert case.consent_version == services.CONSENT_VERSION and case.consent_at is not None
    assert case.snapshot["person"]["email"] == "par@example.org"
    assert case.snapshot_sha256 == snapshot_sha256(case.snapshot)
    [message] = [m for m in mailoutbox if "Recibimos su caso" in m.subject]
    assert case.snapshot_sha256 in message.body
    assert Notice.objects.filter(user=peer, title__contains=case.number).exists()


def test_in_verification_the_profile_is_locked_with_a_clear_message(client, peer):
    case = open_and_submit(peer)
    entry = Membership.objects.filter(profile__user=peer).first()
    entry.society = "Otra"
    with pytest.raises(DomainError, match=f"Su caso {case.number} está en Verificación"):
        profile_entry_save(user=peer, entry=entry)
    sign_in(client, peer)
    response = client.get(
        reverse("portal:profiles:entry_edit", args=["sociedades", entry.pk]), follow=True
    )
    assert "está en Verificación: no se pueden hacer cambios" in response.content.decode()


def test_another_persons_case_is_not_found(client, peer):
    case = services.case_open(user=peer)
    sign_in(client, make_user(email="otro@example.org"))
    assert client.get(reverse("portal:cases:detail", args=[case.number])).status_code == 404
    assert client.post(reverse("portal:cases:submit", args=[case.number])).status_code == 404


# --- verification -------------------------------------------------------------------------


def test_only_verifiers_see_the_queue(client, peer, verifier):
    sign_in(client, peer)
    assert client.get(reverse("backoffice:cases:queue")).status_code == 403
    case = open_and_submit(peer)
    sign_in(client, verifier)
    html = client.get(
        reverse("backoffice:cases:queue"), {"estado": "verification"}
    ).content.decode()
    assert case.number in html
    assert "Verificación: <strong>1</strong>" in html
    csv = client.get(reverse("backoffice:cases:queue"), {"formato": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert case.number in csv.splitlines()[1]


def test_correction_round_trip(client, peer, verifier, mailoutbox):
    case = open_and_submit(peer)
    membership = Membership.objects.get(profile__user=peer)
    sign_in(client, verifier)
    url = reverse("backoffice:cases:verify", args=[case.number])
    page = client.get(url).content.decode()
    assert "Asociación Colombiana de Facultades de Educación" in page
    client.post(url, {"accion": "asignar"})
    client.post(
        url,
        {"accion": "observar", "section": "memberships", "entry_id": membership.pk,
         "text": "La constancia no tiene fecha de expedición."},
    )  # fmt: skip
    with pytest.raises(DomainError, match="Hay observaciones en esta revisión"):
        services.case_approve(case=case, verifier=verifier)
    client.post(url, {"accion": "devolver"})
    case.refresh_from_db()
    assert case.state == CaseState.CORRECTION
    [returned] = [m for m in mailoutbox if "requiere correcciones" in m.subject]
    assert "La constancia no tiene fecha de expedición." in returned.body

    # The peer sees the observation beside the flagged entry, and may edit again.
    sign_in(client, peer)
    section = client.get(reverse("portal:profiles:section", args=["sociedades"])).content.decode()
    assert "Observación del verificador:" in section
    assert "La constancia no tiene fecha de expedición." in section
    membership.society = "Asociación Colombiana de Facultades de Educación (ASCOFADE)"
    profile_entry_save(user=peer, entry=membership)
    services.case_submit(case=case, user=peer, consent=True)
    case.refresh_from_db()
    assert (case.state, case.round) == (CaseState.VERIFICATION, 2)

    services.case_approve(case=case, verifier=verifier)
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert "ASCOFADE" in str(case.snapshot["memberships"])
    assert services.published_snapshot(user=peer) == case
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "submitted", "assigned", "returned", "submitted", "approved"]
    [approved] = [m for m in mailoutbox if "fue aprobado" in m.subject]
    # The addresses these e-mails carried before the portal had its own root still lead there.
    sign_in(client, peer)
    number = case.number
    assert_old_address_leads_to(
        client, f"/pares/casos/{number}/", f"/portal/pares/casos/{number}/", returned.body
    )
    assert_old_address_leads_to(
        client, f"/pares/casos/{number}/", f"/portal/pares/casos/{number}/", approved.body
    )


def test_returning_needs_an_observation_and_a_case_in_verification(peer, verifier):
    case = open_and_submit(peer)
    with pytest.raises(DomainError, match="al menos una observación"):
        services.case_return(case=case, verifier=verifier)
    services.case_approve(case=case, verifier=verifier)
    with pytest.raises(DomainError, match="no en Verificación"):
        services.case_approve(case=case, verifier=verifier)


def test_a_case_assigned_to_another_verifier_is_refused(peer, verifier, men):
    from merito.organizations.models import Role
    from merito.organizations.services import role_assign

    other = make_user(email="otra@example.org", username="otra.verifica")
    role_assign(user=other, role=Role.VERIFIER, organization=men, by=None)
    case = open_and_submit(peer)
    services.case_assign(case=case, verifier=verifier, actor=verifier)
    with pytest.raises(DomainError, match="asignado a otro verificador"):
        services.case_approve(case=case, verifier=other)


def test_the_verifier_opens_only_pdfs_of_the_submitted_profile(client, peer, verifier):
    case = open_and_submit(peer)
    sign_in(client, verifier)
    sections = client.get(reverse("backoffice:cases:verify", args=[case.number])).context[
        "sections"
    ]
    document_id = sections[1].items[0].documents[0]["id"]
    ok = client.get(reverse("backoffice:cases:verify_document", args=[case.number, document_id]))
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf"
    assert (
        client.get(
            reverse("backoffice:cases:verify_document", args=[case.number, 999999])
        ).status_code
        == 404
    )


def test_staff_can_resend_a_message(client, peer, verifier):
    case = open_and_submit(peer)
    message = OutboundEmail.objects.get(kind="cases.submitted")
    OutboundEmail.objects.filter(pk=message.pk).update(status=OutboundEmail.Status.FAILED)
    sign_in(client, verifier)
    client.post(
        reverse("backoffice:cases:verify", args=[case.number]),
        {"accion": "reenviar", "email": message.pk},
    )
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT  # eager delivery in tests


# --- desistimiento --------------------------------------------------------------------------


def test_reminders_then_desistido_and_a_new_case_starts_from_the_saved_profile(
    peer, mailoutbox, settings
):
    settings.CASE_LAPSE_DAYS = 30
    settings.CASE_REMINDER_DAYS = [15, 25]
    case = services.case_open(user=peer)
    start = case.last_activity_at
    assert services.cases_lapse(now=start + datetime.timedelta(days=14)) == {
        "reminded": 0,
        "lapsed": 0,
    }
    assert services.cases_lapse(now=start + datetime.timedelta(days=15)) == {
        "reminded": 1,
        "lapsed": 0,
    }
    assert services.cases_lapse(now=start + datetime.timedelta(days=16)) == {
        "reminded": 0,
        "lapsed": 0,
    }
    assert services.cases_lapse(now=start + datetime.timedelta(days=25)) == {
        "reminded": 1,
        "lapsed": 0,
    }
    reminder = [m for m in mailoutbox if "se cerrará en 5 días" in m.subject]
    assert reminder and "usted sigue en el banco de pares" in reminder[0].body
    assert services.cases_lapse(now=start + datetime.timedelta(days=30)) == {
        "reminded": 0,
        "lapsed": 1,
    }
    case.refresh_from_db()
    assert case.state == CaseState.LAPSED
    [lapsed] = [m for m in mailoutbox if "se cerró por inactividad" in m.subject]
    assert "usted no ha sido retirado del banco de pares" in lapsed.body
    # Only the case closed: a new one opens on the same, saved profile.
    new = services.case_open(user=peer)
    assert services.case_submit(case=new, user=peer, consent=True).state == CaseState.VERIFICATION


def test_work_on_the_profile_restarts_the_inactivity_clock(peer, settings):
    settings.CASE_LAPSE_DAYS = 30
    case = services.case_open(user=peer)
    UpdateCase.objects.filter(pk=case.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=29), reminders_sent=1
    )
    membership = Membership.objects.get(profile__user=peer)
    profile_entry_save(user=peer, entry=membership)
    services.cases_lapse(now=timezone.now() + datetime.timedelta(days=2))
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT and case.reminders_sent == 0


def test_a_case_in_verification_never_lapses(peer, settings):
    case = open_and_submit(peer)
    services.cases_lapse(now=timezone.now() + datetime.timedelta(days=400))
    case.refresh_from_db()
    assert case.state == CaseState.VERIFICATION
    assert not case.events.filter(kind=CaseEvent.Kind.LAPSED).exists()


def test_the_peer_sees_the_timeline(client, peer):
    case = open_and_submit(peer)
    sign_in(client, peer)
    html = client.get(reverse("portal:cases:detail", args=[case.number])).content.decode()
    assert "Caso creado" in html and "Enviado a verificación" in html
    assert "no se pueden hacer cambios" in html
