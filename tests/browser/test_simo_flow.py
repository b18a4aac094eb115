# ruff: noqa: F811 - fixtures of the evaluation tests are imported, then requested by name
"""Seed 004 in Chromium: the SIMO back office walked by each role, with the counters checked.

Gerencia del proceso opens the test stage and a VRM test; the operator's administrator links
a supervisor, an analyst and an auditor and distributes the folders by hand (one), in mass
(the dialog) and automatically (a scheduled job); the analyst reviews folio by folio and
scores; the supervisor returns, then approves; the auditor audits; and a report downloads
as Excel and PDF. After every step the counters of the test page must match.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from merito.calls import models as calls_models
from merito.calls import services
from merito.calls.models import RequirementKind
from merito.evaluation import distribution
from merito.evaluation.models import Folder, FolderState, Folio
from merito.organizations.models import Role
from tests.browser.test_peer_case import log_in, log_out
from tests.documents.conftest import storage_dir  # noqa: F401 - autouse: uploads to tmp_path
from tests.evaluation.conftest import (  # noqa: F401 - fixtures
    carlos,
    cnsc,
    entity,
    exam_data,
    luz,
    make_process,
    person,
    process,
    unal,
)
from tests.evaluation.test_review import inscribe, job  # noqa: F401 - job is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VRM_NAME = "Verificación de requisitos mínimos"
SAVED = "La información se guardó correctamente."
COLUMNS = {
    "Total inscripciones": "total",
    "Sin distribuir": "undistributed",
    "Distribuidas": "distributed",
    "Asignadas": "assigned",
    "Devueltas": "returned",
    "Calificadas": "scored",
    "Aprobadas": "approved",
    "Por auditar": "to_audit",
    "Auditadas": "audited",
}
INSCRIPTIONS = 6


@pytest.fixture
def simo(process, unal, carlos, job):
    """A closed VRM test of UNAL (every approved folder audited, no failed one), a written
    test that brings the weights to 100 %, six inscriptions with their hoja de vida, and
    UNAL's supervisor, analyst and auditor, not yet linked to the test."""
    vrm = services.test_save(
        process=process,
        test=None,
        data=exam_data(
            unal,
            description=VRM_NAME,
            audit_percent_approved=Decimal("100"),
            audit_percent_not_approved=Decimal("0"),
        ),
        by=carlos,
    )
    services.test_save(
        process=process,
        test=None,
        data=exam_data(
            unal,
            test_type=calls_models.TestType.FUNCIONALES,
            description="Prueba escrita de competencias funcionales",
            classification=calls_models.Classification.CLASSIFYING,
            weight=Decimal("100"),
        ),
        by=carlos,
    )
    for _ in range(INSCRIPTIONS):
        inscribe(job)
    return {
        "process": process,
        "test": vrm,
        "sofia": person(Role.SUPERVISOR, unal, "sofia.super"),
        "ana": person(Role.ANALYST, unal, "ana.analista"),
        "aurora": person(Role.AUDITOR, unal, "aurora.auditora"),
    }


@pytest.fixture
def admin_page(browser):
    """A second browser window, kept open for the operator's administrator."""
    context = browser.new_context(locale="es-CO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shown_counters(page) -> dict[str, int]:
    """The "Total" row of "Distribución de evaluaciones", by column header."""
    table = page.locator("#distribucion table").first
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    total = table.locator("tbody tr.total")
    expect(total.locator("th")).to_have_text("Total")
    cells = [int(c.strip()) for c in total.locator("td").all_inner_texts()]
    return dict(zip(headers[1:], cells, strict=True))


def check_counters(page, url: str, test, **expected: int) -> None:
    """The test page shows ``expected`` (zero for every other counter), as the data says."""
    page.goto(url)
    want = {name: expected.get(key, 0) for name, key in COLUMNS.items()}
    assert shown_counters(page) == want
    stored = distribution.level_counters(test)[-1]
    assert {name: stored[key] for name, key in COLUMNS.items()} == want


def open_folder(page, live_server, folder: Folder, state: str) -> None:
    page.goto(live_server.url + "/gestion/mis-carpetas/")
    page.get_by_role("link", name=str(folder.pk), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Carpeta {folder.pk} — {state}")


def review_folios(page, folder: Folder, invalid: dict[tuple[str, int], str]) -> None:
    """Open each folio and save it: valid SI, or NO with the observation in ``invalid``."""
    folios = list(Folio.objects.filter(folder=folder).order_by("pk"))
    assert len(folios) == 8
    for folio in folios:
        details = page.locator(f"#folio-{folio.pk}")
        details.locator("summary").click()
        observation = invalid.get((folio.source, folio.entry_id))
        if observation:
            details.get_by_role("radio", name="NO", exact=True).check()
            details.get_by_label("Observaciones").fill(observation)
        else:
            details.get_by_role("radio", name="SI", exact=True).check()
        details.get_by_role("button", name="Guardar folio").click()
        state = "No válido" if observation else "Válido"
        expect(page.locator(f"#folio-{folio.pk} summary")).to_have_text(re.compile(rf"— {state}$"))
    assert not Folio.objects.filter(folder=folder, valid__isnull=True).exists()


def score(page, folder: Folder, decision: str, criterion: str | None, note: str) -> None:
    actions = page.locator("section[aria-labelledby='acciones-titulo']")
    actions.get_by_role("radio", name=decision, exact=True).check()
    if criterion:
        actions.get_by_role("radio", name=criterion, exact=True).check()
    actions.get_by_label("Observación", exact=True).fill(note)
    actions.get_by_role("button", name="Calificar").click()
    expect(page.get_by_text(SAVED)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Carpeta {folder.pk} — Calificada")


def test_simo_flow_by_every_role_with_counters_and_reports(
    page, admin_page, live_server, tmp_path, simo, carlos, luz
):
    process, test = simo["process"], simo["test"]
    sofia, ana, aurora = simo["sofia"], simo["ana"], simo["aurora"]
    test_url = f"{live_server.url}/gestion/procesos/{process.pk}/pruebas/{test.pk}/"

    # --- Gerencia del proceso opens the test stage and the VRM test --------------------------
    log_in(page, live_server, "carlos.gerencia")
    page.goto(live_server.url + "/gestion/procesos/")
    page.get_by_role("link", name=f"Ver detalle {process.call.code}").click()
    expect(page.get_by_text("Etapa de pruebas: Cerrada")).to_be_visible()
    page.get_by_role("button", name="Abrir etapa de pruebas").click()
    expect(page.get_by_text(SAVED)).to_be_visible()
    expect(page.get_by_text("Etapa de pruebas: Abierta")).to_be_visible()
    page.get_by_role("link", name=f"Ver detalle {VRM_NAME}").click()
    expect(page.get_by_text("La prueba está cerrada: solo se distribuyen")).to_be_visible()
    page.get_by_role("button", name="Abrir prueba").click()
    expect(page.get_by_text(SAVED)).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar prueba")).to_be_visible()
    test.refresh_from_db()
    assert test.state == calls_models.TestState.OPEN
    assert Folder.objects.filter(test=test).count() == INSCRIPTIONS
    check_counters(page, test_url, test, total=6, undistributed=6)
    log_out(page)

    # --- The operator's administrator links a supervisor, an analyst and an auditor ----------
    admin = admin_page
    log_in(admin, live_server, "luz.admin")
    admin.goto(live_server.url + "/gestion/procesos/")
    admin.get_by_role("link", name=f"Ver detalle {process.call.code}").click()
    admin.get_by_role("link", name=f"Ver detalle {VRM_NAME}").click()
    expect(admin.get_by_text("no pueden ser modificados")).to_be_visible()
    assert admin.get_by_role("button", name="Cerrar prueba").count() == 0
    for label, user in (("Supervisor", sofia), ("Analista", ana), ("Auditor", aurora)):
        admin.get_by_role("link", name=f"Usuario {label}", exact=True).click()
        admin.get_by_label(label, exact=True).select_option(
            label=f"{user.username} — {user.full_name}"
        )
        admin.get_by_role("button", name="Asociar").click()
        expect(admin.get_by_text(SAVED)).to_be_visible()
        expect(admin.get_by_role("rowheader", name=user.username, exact=True)).to_be_visible()
        admin.get_by_role("link", name="← Volver a la prueba").click()
        expect(admin.get_by_text(f"Usuario {label}: 1")).to_be_visible()
    assert test.linked_users.count() == 3

    # Manual: the first folder, to the three of them.
    first = Folder.objects.filter(test=test).order_by("pk")[0]
    admin.get_by_role("link", name="Distribución manual").click()
    expect(admin.get_by_role("table").get_by_text("6 carpetas")).to_be_visible()
    admin.get_by_role("checkbox", name=f"Marcar carpeta {first.pk}", exact=True).check()
    admin.get_by_label("Supervisor", exact=True).select_option(
        label=f"sofia.super — {sofia.full_name}"
    )
    admin.get_by_label("Analista", exact=True).select_option(
        label=f"ana.analista — {ana.full_name}"
    )
    admin.get_by_label("Auditor", exact=True).select_option(
        label=f"aurora.auditora — {aurora.full_name}"
    )
    admin.get_by_role("button", name="Asignación seleccionados").click()
    expect(
        admin.get_by_text("La asignación fue exitosa: 1 carpeta(s) asignada(s).")
    ).to_be_visible()
    first.refresh_from_db()
    assert (first.state, first.supervisor, first.analyst, first.auditor) == (
        FolderState.ASSIGNED,
        sofia,
        ana,
        aurora,
    )
    check_counters(admin, test_url, test, total=6, undistributed=5, distributed=1, assigned=1)

    # Mass: two of the five Sin asignar, to the supervisor and the analyst, from the dialog.
    admin.get_by_role("link", name="Distribución manual").click()
    admin.get_by_label("Supervisor", exact=True).select_option(
        label=f"sofia.super — {sofia.full_name}"
    )
    admin.get_by_label("Analista", exact=True).select_option(
        label=f"ana.analista — {ana.full_name}"
    )
    admin.get_by_role("button", name="Asignación masiva").click()
    dialog = admin.get_by_role("dialog", name="Asignación masiva")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-cantidad-por-asignar]")).to_have_text("5")
    dialog.get_by_label("Cantidad a asignar").fill("2")
    dialog.get_by_role("button", name="Distribuir").click()
    expect(
        admin.get_by_text("La asignación fue exitosa: 2 carpeta(s) asignada(s).")
    ).to_be_visible()
    mass = Folder.objects.filter(test=test).exclude(pk=first.pk).exclude(analyst=None)
    assert [(f.supervisor, f.analyst, f.auditor) for f in mass] == [(sofia, ana, None)] * 2
    check_counters(admin, test_url, test, total=6, undistributed=3, distributed=3, assigned=3)

    # Automatic: a scheduled job gives the rest (and the missing auditors), then finishes.
    admin.get_by_role("link", name="Distribución automática").click()
    admin.get_by_label("Tipo de distribución").select_option(label="Automático")
    admin.get_by_role("button", name="Programar trabajo").click()
    scheduled = admin.get_by_text(re.compile(r"El trabajo \d+ quedó programado\."))
    expect(scheduled).to_be_visible()
    job_id = re.search(r"\d+", scheduled.inner_text()).group()
    row = admin.locator("tbody tr").filter(
        has=admin.get_by_role("rowheader", name=job_id, exact=True)
    )
    expect(row).to_contain_text("Finalizado", timeout=30_000)
    expect(row).to_contain_text("Automático")
    expect(row).to_contain_text("luz.admin")
    done, total = re.search(r"(\d+)/(\d+)", row.inner_text()).groups()
    assert done == total and int(total) > 0
    assert not Folder.objects.filter(test=test, auditor__isnull=True).exists()
    check_counters(admin, test_url, test, total=6, distributed=6, assigned=6)
    analyst_row = admin.locator("tr").filter(
        has=admin.get_by_role("rowheader", name="ana.analista", exact=True)
    )
    expect(analyst_row.locator("td").nth(1)).to_have_text("6")

    # --- The analyst reviews the first folder folio by folio and scores it -------------------
    log_in(page, live_server, "ana.analista")
    open_folder(page, live_server, first, "Asignada")
    expect(page.get_by_role("heading", name="Formación académica")).to_be_visible()
    expect(page.get_by_text("Faltan revisar 8 folios.")).to_be_visible()
    not_signed = "El certificado de cátedra no tiene firma."
    review_folios(page, first, {("experience", 32): not_signed})
    expect(page.locator("[data-total-meses]")).to_have_text(str(12 + 158))
    observations = page.locator("section[aria-labelledby='observaciones-titulo']")
    expect(observations.get_by_role("row").filter(has_text=not_signed)).to_contain_text(
        "ana.analista"
    )
    minimum = calls_models.JobRequirement.objects.get(kind=RequirementKind.MINIMUM)
    score(
        page, first, "Cumple por requisito mínimo", str(minimum), "Acredita título y experiencia."
    )
    expect(page.get_by_label("Criterio cumplido")).to_have_text("★")
    log_out(page)
    check_counters(admin, test_url, test, total=6, distributed=6, assigned=5, scored=1)

    # --- The supervisor returns it with a reason ---------------------------------------------
    log_in(page, live_server, "sofia.super")
    open_folder(page, live_server, first, "Calificada")
    reason = "Revise la equivalencia: la experiencia de cátedra no suma."
    page.get_by_label("Motivo de la devolución").fill(reason)
    page.get_by_role("button", name="Devolver", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Carpeta {first.pk} — Devuelta")
    log_out(page)
    check_counters(admin, test_url, test, total=6, distributed=6, assigned=5, returned=1)

    # --- The analyst scores it again, and scores a second folder as No cumple ----------------
    log_in(page, live_server, "ana.analista")
    open_folder(page, live_server, first, "Devuelta")
    expect(page.get_by_text(reason).first).to_be_visible()
    score(page, first, "Cumple por requisito mínimo", str(minimum), "Revisado de nuevo.")
    check_counters(admin, test_url, test, total=6, distributed=6, assigned=5, scored=1)
    second = Folder.objects.filter(test=test, analyst=ana).exclude(pk=first.pk).order_by("pk")[0]
    open_folder(page, live_server, second, "Asignada")
    review_folios(page, second, {})
    score(page, second, "No cumple", None, "No acredita el título exigido.")
    log_out(page)
    check_counters(admin, test_url, test, total=6, distributed=6, assigned=4, scored=2)

    # --- The supervisor approves both: the passed one is drawn for audit, the other is not ---
    log_in(page, live_server, "sofia.super")
    open_folder(page, live_server, first, "Calificada")
    page.get_by_role("button", name="Aprobar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Carpeta {first.pk} — Por auditar")
    open_folder(page, live_server, second, "Calificada")
    page.get_by_role("button", name="Aprobar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Carpeta {second.pk} — Aprobada")
    log_out(page)
    check_counters(
        admin, test_url, test, total=6, distributed=6, assigned=4, approved=1, to_audit=1
    )

    # --- The auditor audits the sampled folder -----------------------------------------------
    log_in(page, live_server, "aurora.auditora")
    open_folder(page, live_server, first, "Por auditar")
    page.get_by_role("button", name="Auditar conforme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Carpeta {first.pk} — Auditada")
    log_out(page)
    check_counters(admin, test_url, test, total=6, distributed=6, assigned=4, approved=1, audited=1)
    first.refresh_from_db()
    assert first.state == FolderState.AUDITED and first.passed is True
    assert [e.action for e in first.events.order_by("pk")] == [
        "score",
        "return",
        "score",
        "approve",
        "audit",
    ]

    # --- A report, on screen and downloaded as Excel and PDF ---------------------------------
    admin.goto(live_server.url + "/gestion/reportes/")
    admin.get_by_role(
        "row", name=re.compile(r"^6\.7 Verificación de Requisitos Mínimos")
    ).get_by_role("button", name="Parámetros").click()
    dialog = admin.get_by_role("dialog", name="6.7 Verificación de Requisitos Mínimos")
    dialog.get_by_label("Proceso de selección").select_option(label=str(process))
    dialog.get_by_role("button", name="Aceptar").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(
        "6.7 Verificación de Requisitos Mínimos"
    )
    # The report lists the scored folders: the audited one and the one that did not pass.
    report = admin.get_by_role("table", name="2 registros")
    expect(report).to_be_visible()
    for folder, state, passed, admitted in (
        (first, "Auditada", "SI", "Admitido"),
        (second, "Aprobada", "NO", "No admitido"),
    ):
        line = report.get_by_role("row").filter(
            has=admin.get_by_role("cell", name=str(folder.pk), exact=True)
        )
        for text in (state, passed, admitted, "ana.analista", "sofia.super"):
            expect(line.get_by_role("cell", name=text, exact=True)).to_be_visible()
    with admin.expect_download() as info:
        admin.get_by_role("link", name="Excel", exact=True).click()
    excel = tmp_path / info.value.suggested_filename
    info.value.save_as(excel)
    assert excel.suffix == ".xlsx"
    sheet = load_workbook(excel).active
    header = [cell.value for cell in sheet[1]]
    assert "Admitido" in header and "Carpeta" in header
    rows = {
        str(row[header.index("Carpeta")]): row
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(rows) == {str(first.pk), str(second.pk)}
    assert rows[str(first.pk)][header.index("Estado")] == "Auditada"
    assert rows[str(first.pk)][header.index("Admitido")] == "Admitido"
    assert rows[str(second.pk)][header.index("Admitido")] == "No admitido"
    assert rows[str(first.pk)][header.index("Observación supervisor")] == reason
    with admin.expect_download() as info:
        admin.get_by_role("link", name="PDF", exact=True).click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.suffix == ".pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
