"""Seed 000: the staff side of the bank — search, exports, report, bounces, unlocking,
and the review of requests."""

from __future__ import annotations

import io

import openpyxl
import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from merito.audit.models import AuditEvent
from merito.cases.models import CaseState, UpdateCase
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.services import role_assign
from merito.peers import services
from merito.peers.models import EmailBounce, PeerGroup, PeerMembership, RequestState
from tests.arrange import arranged
from tests.conftest import make_user, sign_in
from tests.peers.conftest import pdf_upload
from tests.web.moved import assert_old_address_leads_to

pytestmark = pytest.mark.django_db


def member(group, *, email, name, area="", region="", state=None, **fields):
    user = make_user(email=email, given_names=name, **fields)
    PeerMembership.objects.create(user=user, group=group, knowledge_area=area, region=region)
    if state:
        with arranged():
            UpdateCase.objects.create(
                number=f"T-{user.pk}", user=user, state=state, last_activity_at=timezone.now()
            )
    return user


@pytest.fixture
def bank(db):
    return {
        "ana": member("cna", email="ana@u.co", name="Ana", area="Ingeniería", region="Antioquia"),
        "beto": member(
            "rc", email="beto@u.co", name="Beto", area="Salud", region="Cauca", state="draft"
        ),
        "cami": member("conaces", email="cami@u.co", name="Camila", area="Salud", state="approved"),
        "dani": member("rc", email="=dani@u.co", name="Daniel", region="Cauca", state="correction"),
    }


def names(response) -> list[str]:
    return [p.given_names for p in response.context["page"].object_list]


STAFF_PAGES = [
    ("backoffice:peers:search", []),
    ("backoffice:peers:report", []),
    ("backoffice:peers:import", []),
    ("backoffice:peers:requests", []),
    ("backoffice:peers:person", [1]),
    ("backoffice:peers:recognition_review", [1]),
    ("backoffice:peers:recognition_proof", [1]),
    ("backoffice:peers:email_change_review", [1]),
    ("backoffice:peers:email_change_document", [1]),
]


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_staff_pages_are_forbidden_to_other_roles(client, alice, name, args):
    sign_in(client, alice)
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), [p for p in STAFF_PAGES if p[1]])
def test_unknown_ids_are_404_for_staff(client, verifier, name, args):
    sign_in(client, verifier)
    assert client.get(reverse(name, args=[9999])).status_code == 404


def test_someone_outside_the_bank_is_404_on_the_person_page(client, verifier):
    sign_in(client, verifier)
    assert client.get(reverse("backoffice:peers:person", args=[verifier.pk])).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Ana", "Beto", "Camila", "Daniel"]),
        ({"grupo": "rc"}, ["Beto", "Daniel"]),
        ({"area": "salud"}, ["Beto", "Camila"]),
        ({"region": "cauca"}, ["Beto", "Daniel"]),
        ({"estado": "none"}, ["Ana"]),
        ({"estado": "approved"}, ["Camila"]),
        ({"pendiente": "not_started"}, ["Ana"]),
        ({"pendiente": "not_finished"}, ["Beto", "Daniel"]),
        ({"q": "beto@u"}, ["Beto"]),
        ({"grupo": "rc", "estado": "correction"}, ["Daniel"]),
        ({"grupo": "nada"}, ["Ana", "Beto", "Camila", "Daniel"]),
    ],
)
def test_the_search_filters(client, verifier, bank, query, expected):
    sign_in(client, verifier)
    response = client.get(reverse("backoffice:peers:search"), query)
    assert sorted(names(response)) == expected


def test_the_latest_case_gives_the_state_of_the_update(client, verifier, bank):
    UpdateCase.objects.filter(user=bank["cami"]).update(created_at=timezone.now())
    with arranged():
        UpdateCase.objects.create(
            number="T-new",
            user=bank["cami"],
            state=CaseState.VERIFICATION,
            last_activity_at=timezone.now(),
        )
    sign_in(client, verifier)
    assert names(client.get(reverse("backoffice:peers:search"), {"estado": "verification"})) == [
        "Camila"
    ]
    assert names(client.get(reverse("backoffice:peers:search"), {"estado": "approved"})) == []


def test_the_csv_export_follows_the_filters_and_defuses_formulas(client, verifier, bank):
    sign_in(client, verifier)
    response = client.get(reverse("backoffice:peers:search"), {"grupo": "rc", "formato": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="banco-de-pares.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Tipo de documento,Número de documento,País,Nombres")
    assert len(lines) == 3
    assert (
        "Beto,Rojas,,beto@u.co,No,Par académico de Registro Calificado,Salud,Cauca,"
        "En diligenciamiento" in lines[1]
    )
    assert ",'=dani@u.co," in lines[2]


def test_the_excel_export_has_the_same_rows(client, verifier, bank):
    EmailBounce.objects.create(address="ana@u.co", user=bank["ana"])
    sign_in(client, verifier)
    response = client.get(reverse("backoffice:peers:search"), {"formato": "xlsx", "estado": "none"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][3] == "Nombres" and len(rows) == 2
    assert rows[1][3] == "Ana" and rows[1][7] == "Sí" and rows[1][11] == "Sin caso"


def test_the_report_counts_who_has_not_started_or_finished(client, verifier, bank):
    sign_in(client, verifier)
    lines = {
        line.group: line for line in client.get(reverse("backoffice:peers:report")).context["lines"]
    }
    assert (lines[""].members, lines[""].not_started, lines[""].not_finished) == (4, 1, 2)
    assert (lines["rc"].members, lines["rc"].not_started, lines["rc"].not_finished) == (2, 0, 2)
    assert lines["cna"].not_started == 1


def test_a_bounce_is_recorded_and_shown_until_the_e_mail_changes(client, verifier, bank):
    services.email_bounced(address="ANA@u.co", reason="550 mailbox closed")
    sign_in(client, verifier)
    html = client.get(reverse("backoffice:peers:search")).content.decode()
    assert html.count("Rebotado</strong>") == 1
    bounce = EmailBounce.objects.get()
    assert (bounce.user, bounce.address) == (bank["ana"], "ana@u.co")
    ana = bank["ana"]
    ana.email = "ana@nuevo.co"
    ana.save()
    assert (
        "Rebotado</strong>" not in client.get(reverse("backoffice:peers:search")).content.decode()
    )


def test_staff_mark_an_e_mail_as_bounced(client, verifier, bank):
    sign_in(client, verifier)
    url = reverse("backoffice:peers:person", args=[bank["beto"].pk])
    client.post(url, {"accion": "rebote", "reason": "Buzón cerrado"})
    bounce = EmailBounce.objects.get()
    assert (bounce.address, bounce.reason, bounce.recorded_by) == (
        "beto@u.co",
        "Buzón cerrado",
        verifier,
    )
    assert AuditEvent.objects.filter(action="peers.email.bounced", actor_id=verifier.pk).exists()


def test_an_invalid_bounce_address_is_refused():
    with pytest.raises(services.DomainError, match="No es un correo electrónico válido"):
        services.email_bounced(address="nada")


def test_staff_unlock_and_send_a_reset_and_see_when(client, verifier, bank):
    beto = bank["beto"]
    AccessAttempt.objects.create(
        username=f"user:{beto.pk}",
        ip_address="10.0.0.1",
        failures_since_start=3,
        user_agent="x",
        path_info="/",
        get_data="",
        post_data="",
        http_accept="",
    )
    sign_in(client, verifier)
    url = reverse("backoffice:peers:person", args=[beto.pk])
    assert "Bloqueada (3 intentos fallidos)" in client.get(url).content.decode()
    html = client.post(url, {"accion": "desbloquear"}, follow=True).content.decode()
    assert not AccessAttempt.objects.exists()
    assert "Se levantó el bloqueo" in html and "No bloqueada (0 intentos fallidos)" in html
    beto.refresh_from_db()
    assert beto.password_reset_sent_at is not None
    assert timezone.localtime(beto.password_reset_sent_at).strftime("%Y-%m-%d %H:%M") in html
    assert mail.outbox[-1].to == ["beto@u.co"]
    assert "/banco-de-pares/activar/" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(action="peers.account.unlocked").exists()


def test_an_unknown_action_on_the_person_page_is_404(client, verifier, bank):
    sign_in(client, verifier)
    url = reverse("backoffice:peers:person", args=[bank["ana"].pk])
    assert client.post(url, {"accion": "borrar"}).status_code == 404


def test_staff_review_recognition_requests(client, verifier, alice):
    request = services.recognition_request(user=alice, group="cna", uploaded_file=pdf_upload())
    sign_in(client, verifier)
    assert "Alice" in client.get(reverse("backoffice:peers:requests")).content.decode()
    proof = client.get(reverse("backoffice:peers:recognition_proof", args=[request.pk]))
    assert proof["Content-Type"] == "application/pdf"
    url = reverse("backoffice:peers:recognition_review", args=[request.pk])
    html = client.post(url, {"accion": "rechazar", "reason": ""}).content.decode()
    assert "id_reason-errors" in html
    client.post(url, {"accion": "aprobar"})
    assert PeerMembership.objects.get(user=alice).group == PeerGroup.CNA
    request.refresh_from_db()
    assert (request.state, request.reviewed_by) == (RequestState.APPROVED, verifier)
    # The approval's e-mail sends the peer to their dashboard; before the portal had its own
    # root it read /pares/, which still leads there.
    approved = mail.outbox[-1]
    assert approved.to == [alice.email]
    sign_in(client, alice)
    assert_old_address_leads_to(client, "/pares/", "/portal/pares/", approved.body)


def test_staff_reject_an_e_mail_change_with_a_reason(client, verifier, bank):
    request = services.email_change_request(
        user=bank["ana"], new_email="ana@nuevo.co", uploaded_file=pdf_upload()
    )
    sign_in(client, verifier)
    document = client.get(reverse("backoffice:peers:email_change_document", args=[request.pk]))
    assert document.status_code == 200
    url = reverse("backoffice:peers:email_change_review", args=[request.pk])
    assert "ana@nuevo.co" in client.get(url).content.decode()
    client.post(url, {"accion": "rechazar", "reason": "No coincide la foto."})
    assert "No coincide la foto." in client.get(url).content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.REJECTED
    assert mail.outbox[-1].to == ["ana@nuevo.co"]


def test_an_is_staff_technical_admin_also_reaches_the_search(client):
    admin = make_user(email="admin@example.org", is_staff=True)
    sign_in(client, admin)
    assert client.get(reverse("backoffice:peers:search")).status_code == 200


def test_the_public_pages_open(client, alice):
    assert client.get(reverse("public:peers:lookup")).status_code == 200
    assert client.get(reverse("public:peers:email_change")).status_code == 200
    sign_in(client, alice)
    assert (
        "Solicitar el reconocimiento"
        in client.get(reverse("public:peers:recognition")).content.decode()
    )


def test_a_verifier_reading_a_peers_profile_leaves_an_audit_row(client, verifier, bank):
    """Staff reads of another person's personal data are audit rows."""
    sign_in(client, verifier)
    person = bank["beto"]
    assert client.get(reverse("backoffice:peers:person", args=[person.pk])).status_code == 200
    event = AuditEvent.objects.get(action="peers.person.viewed")
    assert (event.actor_id, event.object_type, event.object_id) == (
        verifier.pk,
        "accounts.user",
        str(person.pk),
    )
    client.get(reverse("backoffice:peers:person", args=[999_999]))
    assert AuditEvent.objects.filter(action="peers.person.viewed").count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_of_the_bank_leaves_an_audit_row(client, verifier, bank, fmt):
    sign_in(client, verifier)
    response = client.get(reverse("backoffice:peers:search"), {"formato": fmt, "q": "beto"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="peers.bank.exported")
    assert event.actor_id == verifier.pk
    assert event.after["formato"] == fmt and event.after["filtros"]["query"] == "beto"
    client.get(reverse("backoffice:peers:search"))  # the page itself is not an export
    assert AuditEvent.objects.filter(action="peers.bank.exported").count() == 1


def test_a_verifier_of_another_ministry_has_the_landing_but_not_the_men_s_bank(client, men):
    """The verifier's landing lists the bank's tools to the MEN's verifiers only; one of
    Minedu (Peru) sees their assignment and no tool, and the bank answers 403."""
    minedu = Organization.objects.create(
        name="Ministerio de Educación del Perú", short_name="MINEDU",
        kind=OrganizationKind.MINISTRY, country="PE",
    )  # fmt: skip
    other = make_user(username="verificador_minedu", email="v@minedu.example.org")
    role_assign(user=other, role=Role.VERIFIER, organization=minedu, by=None)
    ours = make_user(username="verificador_men", email="v@men.example.org")
    role_assign(user=ours, role=Role.VERIFIER, organization=men, by=None)
    landing = reverse("backoffice:landing", args=["verificacion-de-pares"])
    search = reverse("backoffice:peers:search")

    sign_in(client, other)
    page = client.get(landing).content.decode()
    assert "Ministerio de Educación del Perú" in page
    assert search not in page
    assert "no tiene todavía tareas de este rol" in page
    assert client.get(search).status_code == 403

    sign_in(client, ours)
    assert search in client.get(landing).content.decode()
    assert client.get(search).status_code == 200
