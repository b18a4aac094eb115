"""Seed 000 in Chromium: a peer's update case through correction to approval; desistimiento;
and an inscription to a call."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from merito.accounts.backends import find_user_by_identifier
from merito.accounts.second_factor import recovery_codes_issue, requires_second_factor
from merito.cases import services as case_services
from merito.cases.models import CaseState, UpdateCase
from merito.demo.profiles import _fill_profile, load_demo_catalogue
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.services import role_assign
from merito.peers.models import PeerGroup, PeerMembership
from merito.profiles.models import Membership
from tests.arrange import arranged
from tests.calls.conftest import add_inscriptions, add_positions
from tests.conftest import PASSWORD, make_user
from tests.documents.conftest import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def peer(db):
    user = make_user(
        email="par@example.org", given_names="Ana María", username="ana.par", phone="3001234567"
    )
    PeerMembership.objects.create(user=user, group=PeerGroup.CNA)
    load_demo_catalogue()
    _fill_profile(user)
    return user


@pytest.fixture
def verifier(db):
    men = Organization.objects.create(
        name="Ministerio de Educación Nacional", short_name="MEN", kind=OrganizationKind.MINISTRY
    )
    user = make_user(
        email="verifica@example.org", given_names="Valeria", username="valeria.verifica"
    )
    role_assign(user=user, role=Role.VERIFIER, organization=men, by=None)
    return user


def log_in(page, live_server, username: str) -> None:
    """Log in as a person would; a staff account also types a code of its second factor
    (a recovery code here, since an authenticator code works once per 30 seconds)."""
    user = find_user_by_identifier(username)
    code = None
    if user is not None and requires_second_factor(user):
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="Teléfono", confirmed=True)
        code = recovery_codes_issue(user=user)[0]
    page.goto(live_server.url + "/cuentas/ingresar/")
    page.get_by_label("Documento, correo o usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    if code is not None:
        page.get_by_label("Código de verificación o de recuperación").fill(code)
        page.get_by_role("button", name="Verificar").click()
    page.get_by_role("button", name="Cerrar sesión").wait_for()


def log_out(page) -> None:
    page.get_by_role("button", name="Cerrar sesión").click()
    page.get_by_text("Cerró su sesión").wait_for()


def test_update_case_through_correction_to_approval(
    page, live_server, settings, peer, verifier, tmp_path
):
    settings.SITE_URL = live_server.url
    # The membership certificate is missing: the case cannot be sent yet.
    Membership.objects.filter(profile__user=peer).update(document=None)
    log_in(page, live_server, "ana.par")
    page.goto(live_server.url + "/portal/pares/")
    page.get_by_role("button", name="Nueva solicitud de actualización de información").click()
    page.get_by_text(re.compile(r"Se creó el caso GP-\d{4}-\d{6}")).wait_for()
    number = UpdateCase.objects.get().number
    assert page.get_by_text("Soporte de la membresía en").is_visible()

    # Fill the gap: upload the PDF on the membership line.
    pdf = tmp_path / "membresia.pdf"
    pdf.write_bytes(make_pdf(text="Constancia de membresía"))
    page.goto(live_server.url + "/portal/hoja-de-vida/sociedades/")
    page.get_by_role("link", name=re.compile("^Editar")).first.click()
    page.get_by_label(re.compile("^Cargar nuevo PDF")).set_input_files(str(pdf))
    page.get_by_role("button", name="Guardar").click()
    page.get_by_text("Se guardó el registro.").wait_for()

    page.goto(f"{live_server.url}/pares/casos/{number}/")
    page.get_by_role("button", name="Enviar a verificación").click()
    # The browser itself requires the consent box before sending.
    assert UpdateCase.objects.get().state == CaseState.DRAFT
    page.get_by_label(re.compile("^Acepto")).check()
    page.get_by_role("button", name="Enviar a verificación").click()
    page.get_by_text(f"Se envió el caso {number} a verificación.").wait_for()
    assert page.get_by_text("no se pueden hacer cambios").is_visible()
    log_out(page)

    # The verifier returns it with an observation on the membership line.
    log_in(page, live_server, "valeria.verifica")
    page.goto(live_server.url + "/gestion/verificacion/?estado=verification")
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="Asignármelo").click()
    page.get_by_text("El caso quedó asignado a usted.").wait_for()
    box = page.locator("section#s-memberships, section:has(h3#s-memberships)").get_by_label(
        "Observación sobre este elemento"
    )
    box.fill("La constancia no indica la fecha de vinculación.")
    page.locator("section:has(h3#s-memberships)").get_by_role(
        "button", name="Registrar observación"
    ).click()
    page.get_by_text("Se registró la observación.").wait_for()
    page.get_by_role("button", name="Devolver para corrección").click()
    page.get_by_text("El caso se devolvió para corrección").wait_for()
    log_out(page)

    # The peer sees the observation beside the entry, replaces the PDF and sends again.
    log_in(page, live_server, "ana.par")
    page.goto(f"{live_server.url}/pares/casos/{number}/")
    assert page.get_by_text("La constancia no indica la fecha de vinculación.").first.is_visible()
    page.goto(live_server.url + "/portal/hoja-de-vida/sociedades/")
    assert page.get_by_text("Observación del verificador:").is_visible()
    page.get_by_role("link", name=re.compile("^Eliminar")).first.click()
    page.get_by_role("button", name="Sí, eliminar").click()
    page.get_by_role("link", name="Agregar registro").click()
    page.get_by_label("Sociedad académica o científica").fill(
        "Asociación Colombiana de Facultades de Educación"
    )
    page.get_by_label("Miembro desde").fill("2012-03-01")
    pdf.write_bytes(make_pdf(text="Constancia con fecha de vinculación"))
    page.get_by_label(re.compile("^Cargar nuevo PDF")).set_input_files(str(pdf))
    page.get_by_role("button", name="Guardar").click()
    page.get_by_text("Se guardó el registro.").wait_for()
    page.goto(f"{live_server.url}/pares/casos/{number}/")
    page.get_by_label(re.compile("^Acepto")).check()
    page.get_by_role("button", name="Enviar las correcciones").click()
    page.get_by_text(f"Se envió el caso {number} a verificación.").wait_for()
    log_out(page)

    log_in(page, live_server, "valeria.verifica")
    page.goto(f"{live_server.url}/pares/verificacion/{number}/")
    page.get_by_role("button", name="Aprobar").click()
    page.get_by_text("El caso quedó aprobado.").wait_for()
    assert UpdateCase.objects.get().state == CaseState.APPROVED
    from django.core import mail

    subjects = [message.subject for message in mail.outbox]
    assert any("requiere correcciones" in s for s in subjects)
    assert any("fue aprobado" in s for s in subjects)


def test_desistimiento_keeps_the_peer_and_lets_a_new_case_start(page, live_server, settings, peer):
    settings.SITE_URL = live_server.url
    case = case_services.case_open(user=peer)
    case_services.cases_lapse(now=timezone.now() + datetime.timedelta(days=31))
    log_in(page, live_server, "ana.par")
    page.goto(f"{live_server.url}/pares/casos/{case.number}/")
    assert page.get_by_text("usted sigue en el banco de pares").is_visible()
    page.goto(live_server.url + "/portal/pares/")
    assert page.get_by_text("Desistido").first.is_visible()
    page.get_by_role("button", name="Nueva solicitud de actualización de información").click()
    page.get_by_text(re.compile(r"Se creó el caso")).wait_for()
    assert UpdateCase.objects.filter(user=peer, state=CaseState.DRAFT).count() == 1


def test_an_inscription_to_an_open_call(page, live_server, settings, peer):
    settings.SITE_URL = live_server.url
    org = Organization.objects.create(
        name="Comisión Nacional del Servicio Civil",
        short_name="CNSC",
        kind=OrganizationKind.COMMISSION,
    )
    from merito.calls.models import Call, CallState

    with arranged():
        call = Call.objects.create(
            organization=org, code="CNSC-2026-01", name="Entidades del Orden Nacional 2026",
            state=CallState.OPEN, is_public=True, year=2026,
        )  # fmt: skip
    add_inscriptions(call, open_now=True)
    add_positions(call, 3)
    log_in(page, live_server, "ana.par")
    page.goto(f"{live_server.url}/convocatorias/{call.code}/")
    page.get_by_role("link", name="Inscribirme").click()
    page.get_by_label(re.compile("^P0002")).check()
    page.get_by_role("button", name="Inscribirme").click()
    page.get_by_role("heading", name="Constancia de inscripción").wait_for()
    assert page.get_by_text(re.compile(r"CNSC-2026-01-\d{7}")).first.is_visible()
    page.get_by_role("button", name="Retirar inscripción").click()
    page.get_by_text(re.compile("Se retiró la inscripción")).wait_for()


def test_leaving_a_profile_form_with_unsaved_changes_asks_first(page, live_server, peer):
    log_in(page, live_server, "ana.par")
    page.goto(live_server.url + "/portal/hoja-de-vida/sociedades/nuevo/")
    page.get_by_label("Sociedad académica o científica").fill("Sociedad sin guardar")
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", dismiss)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_an_imported_peer_activates_the_account_and_opens_a_case(page, live_server, settings):
    from django.core import mail

    from merito.peers.services import peers_import

    settings.SITE_URL = live_server.url
    report = peers_import(
        content="tipo_documento,numero_documento,nombres,primer_apellido,correo,grupo\n"
        "CC,79123456,Carlos,Pérez,carlos@uni.edu.co,cna\n".encode(),
        file_name="banco.csv",
        confirm=True,
    )
    assert report.users_created == 1
    [message] = [m for m in mail.outbox if m.to == ["carlos@uni.edu.co"]]
    link = re.search(r"http://\S+", message.body).group(0)
    page.goto(link)
    page.get_by_label(re.compile(r"^Contraseña nueva\W*$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Contraseña nueva \(confirmación\)")).fill(PASSWORD)
    page.get_by_role("button", name="Guardar contraseña").click()
    log_in(page, live_server, "79123456")
    page.goto(live_server.url + "/portal/pares/")
    assert page.get_by_text("Par académico del CNA").is_visible()
    page.get_by_role("button", name="Nueva solicitud de actualización de información").click()
    page.get_by_text(re.compile(r"Se creó el caso GP-")).wait_for()
