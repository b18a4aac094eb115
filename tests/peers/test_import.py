"""Seed 000: importing the existing bank (about 11,000 peers) from CSV or Excel."""

from __future__ import annotations

import io

import pytest
import tablib
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from merito.accounts.models import User
from merito.audit.models import AuditEvent
from merito.errors import DomainError
from merito.peers.models import PeerGroup, PeerImport, PeerMembership
from merito.peers.services import peers_import
from tests.conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

HEADER = (
    "tipo_documento,numero_documento,pais_documento,nombres,primer_apellido,"
    "segundo_apellido,correo,grupo,area,region"
)
GOOD = [
    "CC,79123456,CO,Carlos,Pérez,Gómez,carlos@uni.edu.co,cna,Ingeniería,Antioquia",
    "CC,1020304050,,Lucía,Mora,,lucia@uni.edu.co,"
    "Comisionado de sala de evaluación de la Conaces,Salud,Bogotá",
    "CC,1020304050,CO,Lucía,Mora,,lucia@uni.edu.co,rc,Salud,Bogotá",
]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def run(content: bytes, *, confirm: bool, name: str = "banco.csv"):
    return peers_import(content=content, file_name=name, confirm=confirm)


def messages_of(report) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def test_a_dry_run_reports_and_saves_nothing():
    report = run(csv_bytes(*GOOD), confirm=False)
    assert report.errors == []
    assert (report.rows, report.users_created, report.memberships_created) == (3, 2, 3)
    assert not User.objects.exists() and not PeerMembership.objects.exists()
    assert mail.outbox == []


def test_confirming_creates_one_account_per_person_with_no_password_and_an_activation_link():
    report = run(csv_bytes(*GOOD), confirm=True)
    assert (report.users_created, report.memberships_created, report.unchanged) == (2, 3, 0)
    lucia = User.objects.get(document_number="1020304050")
    assert not lucia.has_usable_password() and lucia.email_verified_at is None
    assert set(lucia.peer_memberships.values_list("group", flat=True)) == {"conaces", "rc"}
    carlos = User.objects.get(email="carlos@uni.edu.co")
    assert (carlos.second_surname, carlos.document_country) == ("Gómez", "CO")
    assert carlos.peer_memberships.get().knowledge_area == "Ingeniería"
    assert sorted(m.to[0] for m in mail.outbox) == ["carlos@uni.edu.co", "lucia@uni.edu.co"]
    assert "/banco-de-pares/activar/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="peers.membership.imported").count() == 3


def test_importing_the_same_file_again_adds_nothing_and_sends_no_mail():
    run(csv_bytes(*GOOD), confirm=True)
    sent = len(mail.outbox)
    again = run(csv_bytes(*GOOD), confirm=True)
    assert (again.users_created, again.memberships_created, again.unchanged) == (0, 0, 3)
    assert again.errors == []
    assert User.objects.count() == 2 and PeerMembership.objects.count() == 3
    assert len(mail.outbox) == sent


def test_an_existing_account_is_matched_by_document_never_duplicated():
    existing = make_user(email="carlos.personal@example.org", document_number="79123456")
    report = run(csv_bytes(GOOD[0]), confirm=True)
    assert report.users_created == 0 and report.memberships_created == 1
    assert User.objects.filter(document_number="79123456").count() == 1
    existing.refresh_from_db()
    assert existing.email == "carlos.personal@example.org"  # changes go through a request
    assert mail.outbox == []


def test_the_excel_file_is_read_too_with_numbers_as_numbers():
    data = tablib.Dataset(headers=HEADER.split(","))
    data.append(["CC", 79123456, "CO", "Carlos", "Pérez", "", "carlos@uni.edu.co", "CNA", "", ""])
    report = run(data.export("xlsx"), confirm=True, name="banco.xlsx")
    assert report.errors == []
    assert User.objects.get().document_number == "79123456"


def test_a_semicolon_csv_from_spanish_excel_is_read():
    content = csv_bytes(GOOD[0].replace(",", ";"), header=HEADER.replace(",", ";"))
    assert run(content, confirm=False).errors == []


def test_wrong_columns_are_reported_and_nothing_is_read():
    content = csv_bytes("CC,79123456,Carlos", header="tipo_documento,cedula,nombres")
    report = run(content, confirm=True)
    found = messages_of(report)
    assert (1, "numero_documento", "Falta la columna obligatoria «numero_documento».") in found
    assert any(col == "cedula" and "Columna desconocida" in msg for _r, col, msg in found)
    assert report.has_file_errors and not User.objects.exists()


def test_a_file_that_is_not_csv_or_excel_is_refused():
    with pytest.raises(DomainError, match="Formato no admitido"):
        run(b"%PDF-1.4", confirm=False, name="banco.pdf")
    with pytest.raises(DomainError, match="No fue posible leer"):
        run(b"not a zip", confirm=False, name="banco.xlsx")


def test_a_bad_document_number_names_row_column_and_rule_and_the_row_is_not_saved():
    rows = [GOOD[0], "CC,0123,CO,Mala,Fila,,mala@uni.edu.co,cna,,"]
    report = run(csv_bytes(*rows), confirm=True)
    assert messages_of(report) == [
        (
            3,
            "numero_documento",
            "La cédula de ciudadanía debe ser numérica, de 6 a 10 dígitos y no puede "
            "iniciar con cero (0).",
        )
    ]
    assert report.memberships_created == 1
    assert not User.objects.filter(email="mala@uni.edu.co").exists()


def test_every_broken_rule_of_a_row_is_listed():
    rows = ["XX,123,CO,,Pérez,,no-es-correo,sala 9,,"]
    found = {(col, msg) for _r, col, msg in messages_of(run(csv_bytes(*rows), confirm=False))}
    assert ("nombres", "Es obligatorio.") in found
    assert ("correo", "No es un correo electrónico válido.") in found
    assert ("tipo_documento", "El tipo de documento XX no existe para el país CO.") in found
    assert any(col == "grupo" and msg.startswith("Grupo desconocido") for col, msg in found)


def test_a_repeated_row_is_reported_with_the_row_it_repeats():
    report = run(csv_bytes(GOOD[0], GOOD[0]), confirm=True)
    assert messages_of(report) == [
        (3, "numero_documento", "Fila repetida: esta persona y este grupo ya están en la fila 2.")
    ]
    assert PeerMembership.objects.count() == 1


def test_cna_and_rc_for_one_person_are_refused_with_the_seed_rule():
    rows = [GOOD[0], "CC,79123456,CO,Carlos,Pérez,Gómez,carlos@uni.edu.co,rc,,"]
    report = run(csv_bytes(*rows), confirm=True)
    ((row, column, message),) = messages_of(report)
    assert (row, column) == (3, "grupo")
    assert "en el caso de estar fungiendo como Par del CNA, no debe ser Par de Registro" in message
    assert list(PeerMembership.objects.values_list("group", flat=True)) == [PeerGroup.CNA]


def test_cna_is_refused_for_a_person_already_rc_in_the_database():
    person = make_user(email="carlos@uni.edu.co", document_number="79123456")
    PeerMembership.objects.create(user=person, group=PeerGroup.QUALIFIED_REGISTRY)
    report = run(csv_bytes(GOOD[0]), confirm=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "grupo")]


def test_the_e_mail_of_another_person_is_refused_clearly():
    make_user(email="carlos@uni.edu.co", document_number="80111222")
    report = run(csv_bytes(GOOD[0]), confirm=True)
    assert messages_of(report) == [
        (
            2,
            "correo",
            "El correo ya pertenece a la cuenta de otra persona (con otro documento). Cada "
            "persona necesita su propio correo.",
        )
    ]
    assert User.objects.count() == 1


def test_two_people_with_one_e_mail_in_the_file_are_refused():
    rows = [GOOD[0], "CC,80111222,CO,Otra,Persona,,CARLOS@uni.edu.co,rc,,"]
    report = run(csv_bytes(*rows), confirm=True)
    assert messages_of(report) == [
        (3, "correo", "El correo ya figura en la fila 2 para otra persona.")
    ]


def test_the_command_previews_and_confirms(tmp_path):
    path = tmp_path / "banco.csv"
    path.write_bytes(csv_bytes(*GOOD, "CC,12,CO,X,Y,,x@y.co,cna,,"))
    out = io.StringIO()
    call_command("import_peers", str(path), stdout=out)
    assert "Simulación (nada se guardó)" in out.getvalue()
    assert "Fila 5, columna numero_documento" in out.getvalue()
    assert not User.objects.exists()
    out = io.StringIO()
    call_command("import_peers", str(path), "--confirm", stdout=out)
    assert "2 personas nuevas; 3 pertenencias nuevas" in out.getvalue()
    out = io.StringIO()
    call_command("import_peers", str(path), "--confirm", stdout=out)
    assert "0 personas nuevas; 0 pertenencias nuevas; 3 sin cambios" in out.getvalue()


def test_staff_upload_preview_then_confirm_once(client, verifier):
    sign_in(client, verifier)
    upload = SimpleUploadedFile("banco.csv", csv_bytes(*GOOD, "CC,12,CO,X,Y,,x@y.co,cna,,"))
    response = client.post(reverse("backoffice:peers:import"), {"file": upload})
    batch = PeerImport.objects.get()
    assert response.url == reverse("backoffice:peers:import_detail", args=[batch.pk])
    html = client.get(response.url).content.decode()
    assert "Vista previa: nada se ha guardado" in html
    assert '<th scope="row">5</th><td>numero_documento</td>' in html
    assert not User.objects.filter(email="lucia@uni.edu.co").exists()
    client.post(response.url)
    assert PeerMembership.objects.count() == 3
    again = client.post(response.url, follow=True)
    assert "Esta importación ya fue confirmada." in again.content.decode()
    assert PeerMembership.objects.count() == 3


def test_a_non_csv_upload_is_refused_on_the_form(client, verifier):
    sign_in(client, verifier)
    upload = SimpleUploadedFile("banco.pdf", b"%PDF-1.4")
    response = client.post(reverse("backoffice:peers:import"), {"file": upload})
    assert response.status_code == 200
    assert "Formato no admitido" in response.content.decode()
    assert 'aria-describedby="id_file_helptext id_file-errors"' in response.content.decode()


def test_import_pages_are_for_verifiers_only(client, alice):
    sign_in(client, alice)
    assert client.get(reverse("backoffice:peers:import")).status_code == 403
    assert client.get(reverse("backoffice:peers:import_detail", args=[1])).status_code == 403


def test_an_unknown_import_id_is_404(client, verifier):
    sign_in(client, verifier)
    assert client.get(reverse("backoffice:peers:import_detail", args=[999])).status_code == 404
