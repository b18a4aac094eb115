# ruff: noqa: F811 - the folder fixtures of test_folders are imported, then requested by name
"""Evaluation versions, "Resultados de la prueba", Admitido and loading a provider's scores."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from merito.audit.models import AuditEvent
from merito.calls import models as calls_models
from merito.calls import services
from merito.errors import DomainError
from merito.evaluation import distribution, results
from merito.evaluation.models import Folder, FolderEvaluation, FolderState
from merito.organizations.models import Role
from merito.reports import catalogue
from merito.reports import inscriptions as search
from tests.conftest import sign_in
from tests.evaluation.conftest import exam_data, person
from tests.evaluation.test_folders import (  # noqa: F401 - fixtures
    folders,
    inscribe,
    inscriptions,
    jobs,
    team,
    test,
)

pytestmark = pytest.mark.django_db


def act(folder, action, user, **kwargs):
    folder = Folder.objects.select_related("test").get(pk=folder.pk)
    return distribution.folder_transition(
        folder=folder, action=action, user=user, expected_version=folder.version, **kwargs
    )


@pytest.fixture
def worked(luz, test, folders, team):
    """Every folder with Sofía supervising, Ana analysing and Aurora auditing."""
    distribution.folders_assign_selected(
        test=test,
        folder_ids=[f.pk for f in folders],
        users={
            Role.SUPERVISOR: team["sofia"],
            Role.ANALYST: team["ana"],
            Role.AUDITOR: team["aurora"],
        },
        by=luz,
    )
    calls_models.Test.objects.filter(pk=test.pk).update(
        audit_percent_approved=Decimal("0"), audit_percent_not_approved=Decimal("0")
    )
    return folders


@pytest.fixture
def written(process, unal, carlos, jobs):
    """A written test (Competencias Específicas) of UNAL, max 100, pass 60."""
    data = exam_data(
        unal,
        test_type=calls_models.TestType.ESPECIFICAS,
        description="Prueba escrita de conocimientos",
    )
    return services.test_save(process=process, test=None, data=data, by=carlos)


def results_url(test):
    return reverse("backoffice:evaluation:test_results", args=[test.process_id, test.pk])


def load_url(test):
    return reverse("backoffice:evaluation:test_scores_load", args=[test.process_id, test.pk])


# --- versions ----------------------------------------------------------------------------


def test_each_scoring_is_a_version_and_only_the_newest_is_current(worked, team):
    folder = worked[0]
    act(folder, "score", team["ana"], passed=False, reason="Le falta experiencia")
    act(folder, "return", team["sofia"], reason="Revise el folio 3")
    act(folder, "score", team["ana"], passed=True, reason="Folio 3 válido")
    versions = list(FolderEvaluation.objects.filter(folder=folder).order_by("number"))
    assert [(v.number, v.passed, v.is_current, v.approved) for v in versions] == [
        (1, False, False, False),
        (2, True, True, False),
    ]
    assert versions[1].observation == "Folio 3 válido"
    assert versions[1].user == team["ana"] and versions[1].role == Role.ANALYST
    assert versions[1].decision == "Cumple" and not versions[1].published


def test_a_refused_scoring_writes_no_version(worked, team):
    with pytest.raises(DomainError):
        act(worked[0], "score", team["ana"], passed=None)
    assert not FolderEvaluation.objects.exists()


def test_admitido_follows_the_approved_current_vrm_version(worked, team, inscriptions):
    def admitted(inscription):
        found = search.inscription_search(
            user=team["sofia"], filters={"inscripcion": inscription.registry_number}
        ).get()
        return search.admitted_label(found)

    yes, no = worked[0], worked[1]
    act(yes, "score", team["ana"], passed=True)
    act(no, "score", team["ana"], passed=False)
    assert admitted(yes.inscription) == "Sin verificar"
    act(yes, "approve", team["sofia"])
    act(no, "approve", team["sofia"])
    assert admitted(yes.inscription) == "SI"
    assert admitted(no.inscription) == "NO"
    assert FolderEvaluation.objects.get(folder=yes, is_current=True).approved


def test_a_folder_drawn_for_audit_counts_only_once_audited(worked, team, test):
    calls_models.Test.objects.filter(pk=test.pk).update(audit_percent_approved=Decimal("100"))
    folder = worked[0]
    act(folder, "score", team["ana"], passed=True)
    assert act(folder, "approve", team["sofia"]).state == FolderState.TO_AUDIT
    assert not FolderEvaluation.objects.get(folder=folder).approved
    act(folder, "audit", team["aurora"])
    assert FolderEvaluation.objects.get(folder=folder).approved


# --- the results screen ------------------------------------------------------------------


def test_results_of_a_vrm_test_show_people_last_and_published(
    client, luz, worked, team, test, django_assert_max_num_queries
):
    for folder in worked:
        act(folder, "score", team["ana"], passed=folder.pk % 2 == 0)
    FolderEvaluation.objects.filter(folder=worked[0]).update(published_at="2026-05-01T10:00Z")
    sign_in(client, luz)
    with django_assert_max_num_queries(14):
        response = client.get(results_url(test))
    page = response.content.decode()
    for header in ("Carpeta", "Inscripción", "Valor aprobatorio", "Calificación", "Aprobó"):
        assert header in page
    for header in ("Analista", "Supervisor", "Auditor", "Último", "Publicado"):
        assert header in page
    assert "ana.analista" in page and "sofia.super" in page
    assert response.context["page"].paginator.count == 6
    response = client.get(results_url(test), {"aprobo": "si"})
    assert all(row[-3] == "SI" for _v, row in response.context["rows"])
    response = client.get(results_url(test), {"publicado": "si"})
    assert [v.folder_id for v, _r in response.context["rows"]] == [worked[0].pk]
    response = client.get(results_url(test), {"orden": "-carpeta"})
    assert response.context["rows"][0][0].folder_id == worked[-1].pk


def test_results_filter_and_sort_on_the_copies_each_version_keeps(
    client, luz, worked, team, test, jobs
):
    for folder in worked:
        act(folder, "score", team["ana"], passed=True)
    version = FolderEvaluation.objects.select_related("folder__inscription__position__job").get(
        folder=worked[-1]
    )
    inscription = version.folder.inscription
    assert (version.test_id, version.level) == (test.pk, version.folder.level)
    assert version.opec_number == inscription.position.job.opec_number
    assert version.registry_number == inscription.registry_number
    sign_in(client, luz)
    # "Inscripción o documento": the inscription number, or the applicant's document.
    for value in (inscription.registry_number, inscription.user.document_number):
        response = client.get(results_url(test), {"inscripcion": value})
        assert [v.folder_id for v, _r in response.context["rows"]] == [worked[-1].pk]
    assert client.get(results_url(test), {"inscripcion": "NO-EXISTE"}).context["rows"] == []
    # By OPEC: the Técnico job (OPEC 1002) after the Profesional one (1001), and reversed.
    rows = client.get(results_url(test), {"orden": "opec"}).context["rows"]
    assert [v.opec_number for v, _r in rows] == [1001] * 4 + [1002] * 2
    rows = client.get(results_url(test), {"orden": "-opec", "nivel": "Técnico"}).context["rows"]
    assert [v.opec_number for v, _r in rows] == [1002] * 2
    rows = client.get(results_url(test), {"orden": "inscripcion"}).context["rows"]
    registry = [v.registry_number for v, _r in rows]
    assert registry == sorted(registry)


def test_results_export_to_csv_and_excel(client, luz, worked, team, test):
    act(worked[0], "score", team["ana"], passed=True)
    sign_in(client, luz)
    response = client.get(results_url(test), {"formato": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Nivel", "Opec", "Carpeta", "Inscripción"]
    assert rows[1][2] == str(worked[0].pk) and "SI" in rows[1]
    response = client.get(results_url(test), {"formato": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][-2:] == ["Último", "Publicado"]
    assert sheet.max_row == 2
    # Each export of the results (personal data) is an audit row of who took it.
    response = client.get(results_url(test), {"formato": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Resultados de la prueba" in text and worked[0].inscription.registry_number in text
    exports = AuditEvent.objects.filter(action="evaluation.test_results.exported")
    assert [(e.actor_id, e.after["formato"]) for e in exports.order_by("id")] == [
        (luz.pk, "csv"),
        (luz.pk, "xlsx"),
        (luz.pk, "pdf"),
    ]


def test_a_results_pdf_too_long_to_read_is_refused_with_the_filters_kept(
    client, luz, worked, team, test, monkeypatch
):
    act(worked[0], "score", team["ana"], passed=True)
    monkeypatch.setattr(catalogue, "BACKGROUND_ROWS", 0)
    sign_in(client, luz)
    response = client.get(results_url(test), {"formato": "pdf", "nivel": ""})
    assert response.status_code == 302 and "formato" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "El PDF admite hasta 0 filas" in page
    assert not AuditEvent.objects.filter(action="evaluation.test_results.exported").exists()


def test_results_scope_supervisor_sees_analyst_403_other_operator_404(
    client, unal, pedro, worked, test
):
    supervisor = person(Role.SUPERVISOR, unal, "silvia.super")
    sign_in(client, supervisor)
    assert client.get(results_url(test)).status_code == 200
    sign_in(client, person(Role.ANALYST, unal, "alberto.analista"))
    assert client.get(results_url(test)).status_code == 403
    sign_in(client, pedro)
    assert client.get(results_url(test)).status_code == 404


# --- loading scores ----------------------------------------------------------------------


def csv_file(rows, name="calificaciones.csv", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), "text/csv")


@pytest.fixture
def people(jobs, written):
    return [inscribe(jobs[0]) for _ in range(3)]


def test_a_bad_file_lists_every_bad_row_and_writes_nothing(client, luz, written, people):
    other = inscribe(
        calls_models.Job.objects.first().position, document_number="99887766"
    )  # same call: known
    sign_in(client, luz)
    upload = csv_file(
        [
            ["Inscripción", "Calificación"],
            [people[0].registry_number, "75,5"],
            ["INS-NO-EXISTE", "70"],
            [people[1].registry_number, "setenta"],
            [people[2].registry_number, "120"],
            [other.registry_number, "-3"],
            [people[0].registry_number, "80"],
            ["", "50"],
        ]
    )
    response = client.post(load_url(written), {"archivo": upload})
    assert response.status_code == 400
    errors = [(e.row, e.message) for e in response.context["check"].errors]
    assert errors[0] == (
        3,
        "Inscripción desconocida: «INS-NO-EXISTE» no está inscrita en esta prueba.",
    )
    assert errors[1] == (4, "No es un número: «setenta».")
    assert errors[2] == (5, "Supera el valor máximo de la prueba (100.00).")
    assert errors[3][0] == 6 and "negativa" in errors[3][1]
    assert errors[4] == (7, "Fila duplicada: la inscripción ya aparece en la fila 2.")
    assert errors[5][0] == 8 and "Obligatorio" in errors[5][1]
    page = response.content.decode()
    assert "No se guardó nada" in page and "Confirmar" not in page
    assert not FolderEvaluation.objects.exists() and not Folder.objects.filter(test=written)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["nombre", "nota"], ["x", "1"]], "«inscripción» (o «documento») y «calificación»"),
        ([], "vacío"),
        ([[""], [""]], "El archivo está vacío"),
    ],
)
def test_a_file_without_the_columns_is_refused(client, luz, written, rows, message):
    sign_in(client, luz)
    response = client.post(load_url(written), {"archivo": csv_file(rows)})
    assert response.status_code == 400 and message in response.content.decode()


def test_a_file_that_is_not_csv_or_excel_is_refused(client, luz, written):
    sign_in(client, luz)
    upload = SimpleUploadedFile("notas.pdf", b"%PDF-1.4", "application/pdf")
    response = client.post(load_url(written), {"archivo": upload})
    assert "Cargue un archivo CSV o Excel" in response.content.decode()


def test_dry_run_then_confirm_loads_one_version_per_row(client, luz, written, people):
    sign_in(client, luz)
    upload = csv_file(
        [
            ["documento", "calificación"],
            [people[0].user.document_number, "60"],
            [people[1].user.document_number, "59,99"],
        ],
        delimiter=";",
    )
    response = client.post(load_url(written), {"archivo": upload})
    assert response.status_code == 200 and "Confirmar la carga de 2 calificaciones" in (
        response.content.decode()
    )
    assert not FolderEvaluation.objects.exists()
    response = client.post(load_url(written), {"accion": "confirmar"}, follow=True)
    assert "Se cargaron 2 calificación(es)" in response.content.decode()
    versions = {
        v.folder.inscription_id: v for v in FolderEvaluation.objects.select_related("folder")
    }
    assert versions[people[0].pk].passed is True and versions[people[0].pk].score == 60
    assert versions[people[1].pk].passed is False
    assert AuditEvent.objects.filter(action="evaluation.scores.loaded").count() == 1
    # Confirming again without a new dry run is refused.
    response = client.post(load_url(written), {"accion": "confirmar"}, follow=True)
    assert "la revisión ya no está vigente" in response.content.decode()
    # A second load is version 2 and the current one.
    excel = tablib.Dataset(headers=["Inscripción", "Calificación"])
    excel.append([people[0].registry_number, 91])
    upload = SimpleUploadedFile("notas.xlsx", excel.export("xlsx"))
    client.post(load_url(written), {"archivo": upload})
    client.post(load_url(written), {"accion": "confirmar"})
    current = FolderEvaluation.objects.get(folder__inscription=people[0], is_current=True)
    assert (current.number, current.score) == (2, Decimal("91"))
    assert FolderEvaluation.objects.filter(folder__inscription=people[0]).count() == 2
    # The results screen of a written test has no folder people nor Último/Publicado.
    response = client.get(results_url(written))
    assert response.context["header"] == [
        "Nivel",
        "Opec",
        "Carpeta",
        "Inscripción",
        "Valor aprobatorio",
        "Calificación",
        "Aprobó",
    ]


def test_scores_of_vrm_or_a_published_test_are_not_loaded_from_a_file(
    client, luz, test, written, people
):
    sign_in(client, luz)
    upload = csv_file([["inscripcion", "calificacion"], [people[0].registry_number, "70"]])
    response = client.post(load_url(test), {"archivo": upload})
    assert "carpeta por carpeta" in response.content.decode()
    calls_models.Test.objects.filter(pk=written.pk).update(published_at="2026-05-01T10:00Z")
    check = results.ScoreCheck(valid=[(people[0].pk, Decimal("70"))], rows=1)
    with pytest.raises(DomainError, match="ya tiene publicación"):
        results.scores_load(test=written, check=check, sha256="", filename="x.csv", by=luz)
    assert not FolderEvaluation.objects.exists()


def test_only_the_operators_admin_loads_scores(client, carlos, pedro, unal, written):
    sign_in(client, carlos)
    assert client.get(load_url(written)).status_code == 403
    sign_in(client, person(Role.SUPERVISOR, unal, "silvia.super"))
    assert client.get(load_url(written)).status_code == 403
    sign_in(client, pedro)
    assert client.get(load_url(written)).status_code == 404
