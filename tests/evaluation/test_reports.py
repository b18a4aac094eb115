# ruff: noqa: F811 - the folder fixtures of test_folders are imported, then requested by name
"""Inscriptions search (seed 004 §5) and the seven reports of seed 004 §6."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from merito.accounts.models import SpacedName, User
from merito.applications.models import Inscription
from merito.audit.models import AuditEvent
from merito.audit.services import object_history
from merito.calls import models as calls_models
from merito.calls import services
from merito.calls.models import Position
from merito.evaluation import distribution, models
from merito.evaluation.models import Folder
from merito.jobs import JobState
from merito.organizations.models import Role, RoleAssignment
from merito.organizations.services import role_revoke
from merito.reports import catalogue
from merito.reports import inscriptions as search
from merito.reports import jobs as report_jobs
from merito.reports.models import ReportJob
from merito.web.backoffice.views import reports as report_views
from tests.conftest import sign_in
from tests.evaluation.conftest import person
from tests.evaluation.test_folders import (  # noqa: F401 - fixtures
    folders,
    inscribe,
    inscriptions,
    jobs,
    team,
    test,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/gestion/inscripciones/"


def report_url(key):
    return reverse("backoffice:evaluation:report_view", args=[key])


@pytest.fixture
def worked(luz, test, folders, team):
    """Ana scored every folder (even ones pass), Sofía approved them, with notes."""
    calls_models.Test.objects.filter(pk=test.pk).update(
        audit_percent_approved=Decimal("0"), audit_percent_not_approved=Decimal("0")
    )
    distribution.folders_assign_selected(
        test=test,
        folder_ids=[f.pk for f in folders],
        users={Role.SUPERVISOR: team["sofia"], Role.ANALYST: team["ana"]},
        by=luz,
    )
    for folder in folders:
        for action, user, extra in (
            ("score", team["ana"], {"passed": folder.pk % 2 == 0, "reason": "Revisión núm. 1"}),
            ("approve", team["sofia"], {"reason": "Aprobación del supervisor"}),
        ):
            current = Folder.objects.select_related("test").get(pk=folder.pk)
            distribution.folder_transition(
                folder=current, action=action, user=user, expected_version=current.version, **extra
            )
    return folders


# --- inscriptions search -----------------------------------------------------------------


def test_inscriptions_search_filters_and_shows_admitido_and_history(
    client, luz, worked, team, django_assert_max_num_queries, monkeypatch
):
    sign_in(client, luz)
    # The page's own queries: sealing runs in the beat in production (here it would run
    # inside the request, the tests deliver on_commit at once).
    monkeypatch.setattr("merito.audit.services.seal_after_commit", lambda: None)
    # 14, and 2 for the page's audit row and its index of the applicants shown.
    with django_assert_max_num_queries(16):
        response = client.get(LIST_URL)
    assert response.status_code == 200 and response.context["page"].paginator.count == 6
    page = response.content.decode()
    assert "ana.analista" in page and "sofia.super" in page and "Admitido" in page
    admitted = client.get(LIST_URL, {"admitido": "si"}).context["page"].paginator.count
    refused = client.get(LIST_URL, {"admitido": "no"}).context["page"].paginator.count
    assert (admitted, refused) == (
        sum(1 for f in worked if f.pk % 2 == 0),
        sum(1 for f in worked if f.pk % 2),
    )
    target = worked[0].inscription
    for filters in (
        {"documento": target.user.document_number},
        {"inscripcion": target.registry_number},
        {"proceso": str(worked[0].test.process_id), "inscripcion": target.registry_number},
    ):
        rows = client.get(LIST_URL, filters).context["rows"]
        assert [row[0].pk for row in rows] == [target.pk]
    assert client.get(LIST_URL, {"nombre": "Ana Rojas"}).context["page"].paginator.count == 6
    assert client.get(LIST_URL, {"empleo": "TEC-1"}).context["page"].paginator.count == 2


def test_inscriptions_search_scope(client, unal, pedro, analyst_unal, worked, make_process):
    other = make_process("CNSC-2026-99")
    sign_in(client, person(Role.SUPERVISOR, unal, "silvia.super"))
    assert client.get(LIST_URL).context["page"].paginator.count == 6
    assert client.get(LIST_URL, {"proceso": other.pk}).status_code == 404
    sign_in(client, analyst_unal)
    assert client.get(LIST_URL).status_code == 403
    sign_in(client, pedro)
    assert client.get(LIST_URL).context["page"].paginator.count == 0
    assert client.get(LIST_URL, {"proceso": worked[0].test.process_id}).status_code == 404


@pytest.fixture
def analyst_unal(unal):
    return person(Role.ANALYST, unal, "alberto.analista")


def search_pages(user, size, order="", **filters):
    """Every page of the search, as ids, the way the list reads them (``Keyed``)."""
    pages = search.inscription_pages(user=user, filters=filters, order=order, per_page=size)
    return [[i.pk for i in pages.page(n).object_list] for n in pages.page_range]


def plain_slices(user, size, order="", **filters):
    """The same pages cut from the whole search in Python."""
    found = [i.pk for i in search.inscription_search(user=user, filters=filters, order=order)]
    return [found[k : k + size] for k in range(0, len(found), size)] or [[]]


@pytest.mark.parametrize("order", ["", "inscripcion", "-inscripcion", "opec", "-opec"])
@pytest.mark.parametrize("jobless", [False, True], ids=["every job", "a position without job"])
def test_every_page_of_the_search_holds_the_rows_of_a_plain_slice(
    carlos, jobs, inscriptions, order, jobless
):
    if jobless:
        position = Position.objects.create(
            call=jobs[0].call, code="SIN-OPEC", name="Sin OPEC", level="Asesor", vacancies=1
        )
        inscribe(position)
        inscribe(position)
    assert sum(map(len, plain_slices(carlos, 20, order))) == len(inscriptions) + 2 * jobless
    for size in (1, 4, 20):
        assert search_pages(carlos, size, order) == plain_slices(carlos, size, order)
    for filters in ({"nivel": "Profesional"}, {"empleo": "TEC-1"}, {"nivel": "Asistencial"}):
        assert search_pages(carlos, 3, order, **filters) == plain_slices(
            carlos, 3, order, **filters
        )


def test_the_search_costs_the_same_queries_whatever_the_page_its_size_or_the_order(
    client, carlos, jobs, inscriptions, monkeypatch
):
    sign_in(client, carlos)
    counts = set()
    for size in (1, 20):
        monkeypatch.setattr(report_views, "PAGE_SIZE", size)
        for params in (
            {},
            {"pagina": "last"},
            {"orden": "opec", "pagina": "3"},
            {"orden": "-opec"},
            {"orden": "-inscripcion", "pagina": "2"},
        ):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(LIST_URL, params)
            assert len(response.context["rows"]) == min(size, 6)
            counts.add(len(captured))
    assert len(counts) == 1


def test_the_search_by_name_finds_every_word_in_any_of_the_names(carlos, jobs):
    def named(given, first, second):
        inscription = inscribe(jobs[0])
        User.objects.filter(pk=inscription.user_id).update(
            given_names=given, first_surname=first, second_surname=second
        )
        return inscription.pk

    maria = named("María José", "Díaz", "Pérez")
    diana = named("Diana", "Rojas", "Díaz")
    luis = named("Luis", "Mora", "")

    def found(words):
        matches = search.inscription_search(user=carlos, filters={"nombre": words})
        return {i.pk for i in matches}

    assert found("maría díaz") == found("díaz   MARíA") == found("josé") == {maria}
    assert found("díaz") == {maria, diana}
    assert found("ROJAS") == {diana}
    assert found("mora") == found("uis") == {luis}
    # A word is looked for inside one name, never across two; LIKE's wildcards are literal.
    assert found("josédíaz") == found("díazpérez") == found("maría rojas") == set()
    assert found("%") == found("_a") == set()
    if connection.vendor == "postgresql":  # SQLite folds only ASCII letters
        assert found("MARÍA DÍAZ") == {maria}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_trigram_index_serves_the_search_by_name(jobs, inscriptions):
    # If ``SpacedName`` and the index of accounts migration 0002 drift apart, the search
    # still works but reads every account: this catches it.
    search = User.objects.alias(name=SpacedName()).filter(name__icontains="rojas").values("pk")
    sql, params = search.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "accounts_user_name_trgm" in plan


def test_sin_verificar_counts_those_without_an_approved_vrm_version(
    client, luz, test, folders, team
):
    calls_models.Test.objects.filter(pk=test.pk).update(
        audit_percent_approved=Decimal("0"), audit_percent_not_approved=Decimal("0")
    )
    distribution.folders_assign_selected(
        test=test,
        folder_ids=[folders[0].pk],
        users={Role.SUPERVISOR: team["sofia"], Role.ANALYST: team["ana"]},
        by=luz,
    )
    for action, user in (("score", team["ana"]), ("approve", team["sofia"])):
        current = Folder.objects.select_related("test").get(pk=folders[0].pk)
        extra = {"passed": True} if action == "score" else {}
        distribution.folder_transition(
            folder=current, action=action, user=user, expected_version=current.version, **extra
        )
    sign_in(client, luz)
    response = client.get(LIST_URL, {"admitido": "pendiente"})
    assert response.context["page"].paginator.count == 5
    assert {row[0].pk for row in response.context["rows"]} == {
        f.inscription_id for f in folders[1:]
    }
    assert client.get(LIST_URL, {"admitido": "si"}).context["page"].paginator.count == 1


# --- reports -----------------------------------------------------------------------------


def test_the_reports_page_lists_the_seven_with_their_parameters(client, luz, process):
    sign_in(client, luz)
    page = client.get(reverse("backoffice:evaluation:report_list")).content.decode()
    for number in ("6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7"):
        assert number in page
    assert page.count('aria-haspopup="dialog">Parámetros') >= 7


@pytest.mark.parametrize(
    ("key", "params", "message"),
    [
        ("inscritos", {}, "Este campo es obligatorio"),
        ("resultados", {"proceso": "P"}, "Prueba: este campo es obligatorio."),
        ("inscritos", {"proceso": "P", "subproceso": "OTHER"}, "no pertenece al proceso"),
    ],
)
def test_report_parameters_are_checked(client, carlos, process, make_process, key, params, message):
    parent = make_process("CNSC-2026-76")
    other = make_process("CNSC-2026-77")
    calls_models.SelectionProcess.objects.filter(pk=other.pk).update(parent=parent)
    values = {"P": str(process.pk), "OTHER": str(other.pk)}
    sign_in(client, carlos)
    response = client.get(report_url(key), {k: values[v] for k, v in params.items()})
    assert response.status_code == 400 and message in response.content.decode()


def test_reports_scope(client, pedro, analyst_unal, luz, worked):
    process_id = worked[0].test.process_id
    sign_in(client, analyst_unal)
    assert client.get(report_url("inscritos"), {"proceso": process_id}).status_code == 403
    sign_in(client, pedro)
    assert client.get(report_url("inscritos"), {"proceso": process_id}).status_code == 404
    sign_in(client, luz)
    assert client.get(report_url("no-existe"), {"proceso": process_id}).status_code == 404
    assert client.get(report_url("inscritos"), {"proceso": "99999"}).status_code == 404


def test_enrolled_report_on_screen_excel_and_pdf(
    client, luz, worked, django_assert_max_num_queries
):
    process_id = worked[0].test.process_id
    Inscription.objects.filter(pk=worked[0].inscription_id).update(registry_number="=HYPERLINK(1)")
    sign_in(client, luz)
    with django_assert_max_num_queries(14):
        response = client.get(report_url("inscritos"), {"proceso": process_id})
    assert response.status_code == 200 and response.context["page"].paginator.count == 6
    assert "Fecha de inscripción" in response.content.decode()
    response = client.get(report_url("inscritos"), {"proceso": process_id, "formato": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Inscripción", "Tipo de documento", "Documento"]
    assert sheet.max_row == 7
    assert "'=HYPERLINK(1)" in [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    response = client.get(report_url("inscritos"), {"proceso": process_id, "formato": "pdf"})
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Inscripción" in text and "Página 1 de 1" in text and "hora legal" in text


def test_vrm_report_shows_admission_and_the_notes_of_each_role(client, luz, worked):
    sign_in(client, luz)
    response = client.get(report_url("vrm"), {"proceso": worked[0].test.process_id})
    rows = response.context["rows"]
    assert len(rows) == 6
    row = next(r for r in rows if r[5] == worked[1].pk)
    assert "Admitido" in row or "No admitido" in row
    assert "Revisión núm. 1" in row and "ana.analista" in row and "sofia.super" in row


def test_disability_report_takes_only_those_who_declared_it(client, luz, worked):
    Inscription.objects.filter(pk=worked[0].inscription_id).update(
        snapshot={"profile": {"has_disability": True}}
    )
    sign_in(client, luz)
    response = client.get(report_url("discapacidad"), {"proceso": worked[0].test.process_id})
    assert [r[7] for r in response.context["rows"]] == [worked[0].pk]


def test_va_report_weighs_the_current_score(client, luz, carlos, process, unal, jobs, team):
    from tests.evaluation.conftest import exam_data

    va = services.test_save(
        process=process,
        test=None,
        data=exam_data(unal, test_type="va", weight=Decimal("40")),
        by=carlos,
    )
    folder = Folder.objects.create(test=va, inscription=inscribe(jobs[0]), level="Profesional")
    models.FolderEvaluation.objects.create(
        folder=folder,
        test=folder.test,
        number=1,
        score=Decimal("80"),
        user=team["ana"],
        role=Role.ANALYST,
    )
    sign_in(client, luz)
    response = client.get(report_url("va"), {"proceso": process.pk})
    row = response.context["rows"][0]
    assert row[7:10] == [Decimal("80.00"), Decimal("40.00"), Decimal("32.00")]


def test_claims_report_is_empty_until_claims_exist(client, luz, worked):
    sign_in(client, luz)
    response = client.get(report_url("reclamaciones"), {"proceso": worked[0].test.process_id})
    assert response.status_code == 200 and "aún no tiene reclamaciones" in (
        response.content.decode()
    )


def test_pdf_never_fails_on_a_character_and_works_without_dejavu(settings, luz, worked):
    settings.REPORT_FONT_DIR = "/no/existe"
    Inscription.objects.filter(pk=worked[0].inscription_id).update(registry_number="Ñandú ✓ 漢")
    params = catalogue.Parameters(process=worked[0].test.process)
    content = catalogue.render(catalogue.REPORTS["inscritos"], params, "pdf")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Ñandú ? ?" in text and "Inscripción" in text


def test_a_large_report_runs_in_the_background_for_its_requester_only(
    client, luz, carlos, worked, monkeypatch
):
    monkeypatch.setattr(catalogue, "BACKGROUND_ROWS", 2)
    sign_in(client, luz)
    response = client.get(
        report_url("inscritos"),
        {"proceso": worked[0].test.process_id, "formato": "xlsx"},
        follow=True,
    )
    assert "se genera en segundo plano" in response.content.decode()
    job = ReportJob.objects.get()
    assert job.state == JobState.DONE and job.total == 6 and job.created_by == luz
    assert "Descargar" in client.get(reverse("backoffice:evaluation:report_list")).content.decode()
    url = reverse("backoffice:evaluation:report_download", args=[job.pk])
    response = client.get(url)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 7
    sign_in(client, carlos)
    assert client.get(url).status_code == 404


def test_a_failing_report_job_records_its_error(luz, worked, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("sin disco")

    monkeypatch.setattr(report_jobs, "render", boom)
    params = catalogue.Parameters(process=worked[0].test.process)
    job = report_jobs.report_schedule(
        report=catalogue.REPORTS["inscritos"], params=params, fmt="pdf", total=6, by=luz
    )
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "sin disco" in job.error


def test_a_report_job_runs_with_its_requester_s_scope_of_when_it_runs(luz, worked, monkeypatch):
    """Queued by the operator's administrator, who then loses the role: the job makes no
    file and says why."""
    monkeypatch.setattr(report_jobs.run_report, "delay", lambda job_id: None)
    params = catalogue.Parameters(process=worked[0].test.process)
    job = report_jobs.report_schedule(
        report=catalogue.REPORTS["inscritos"], params=params, fmt="pdf", total=6, by=luz
    )
    for assignment in RoleAssignment.objects.filter(user=luz):
        role_revoke(assignment=assignment, by=None)

    job = report_jobs.report_run(job.pk)

    assert job.state == JobState.FAILED and not job.file_name
    assert "Ya no tiene acceso a este proceso de selección" in job.error


def test_a_page_of_the_inscriptions_search_is_an_audit_row_each_applicant_s_history_finds(
    client, luz, worked
):
    sign_in(client, luz)
    target = worked[0].inscription
    client.get(LIST_URL, {"documento": target.user.document_number})
    event = AuditEvent.objects.get(action="applications.inscription.searched")
    assert event.actor_id == luz.pk
    assert event.after == {"documento": target.user.document_number, "shown": [target.pk]}
    assert list(object_history(target).filter(action=event.action)) == [event]
    # A search that shows nobody reads nobody's data.
    client.get(LIST_URL, {"documento": "000"})
    assert AuditEvent.objects.filter(action=event.action).count() == 1


def test_a_background_report_has_a_progress_page_its_requester_alone_opens(
    client, luz, carlos, worked, monkeypatch
):
    monkeypatch.setattr(catalogue, "BACKGROUND_ROWS", 2)
    monkeypatch.setattr(report_jobs.run_report, "delay", lambda job_id: None)  # not yet run
    sign_in(client, luz)
    response = client.get(
        report_url("inscritos"), {"proceso": worked[0].test.process_id, "formato": "xlsx"}
    )
    job = ReportJob.objects.get()
    page_url = reverse("backoffice:job_progress", args=["reporte", job.pk])
    assert response.status_code == 302 and response["Location"] == page_url
    page = client.get(page_url).content.decode()
    assert "Programado" in page and "0 de 6 (0 %)" in page and "data-trabajo=" in page
    assert "Descargar el archivo" not in page
    polled = client.get(page_url, {"formato": "json"}).json()
    assert polled == {
        "state": "pending",
        "state_label": "Programado",
        "done": 0,
        "total": 6,
        "percent": 0,
        "finished": False,
        "text": "0 de 6 (0 %)",
    }

    report_jobs.report_run(job.pk)  # the worker takes it

    page = client.get(page_url).content.decode()
    assert "Finalizado" in page and "6 de 6 (100 %)" in page and "data-trabajo=" not in page
    assert reverse("backoffice:evaluation:report_download", args=[job.pk]) in page
    assert client.get(page_url, {"formato": "json"}).json()["finished"] is True
    # Someone else's job, an unknown kind or id: the same 404.
    assert client.get(reverse("backoffice:job_progress", args=["otro", job.pk])).status_code == 404
    assert client.get(reverse("backoffice:job_progress", args=["reporte", 999])).status_code == 404
    sign_in(client, carlos)
    assert client.get(page_url).status_code == 404


def test_a_job_runs_once_even_if_two_workers_take_it(luz, worked, monkeypatch):
    from merito.jobs import job_run

    monkeypatch.setattr(report_jobs.run_report, "delay", lambda job_id: None)
    params = catalogue.Parameters(process=worked[0].test.process)
    job = report_jobs.report_schedule(
        report=catalogue.REPORTS["inscritos"], params=params, fmt="xlsx", total=6, by=luz
    )
    runs = []

    def work(job, progress):
        runs.append(job.pk)
        # A second worker given the same job meanwhile finds it taken and returns.
        assert job_run(ReportJob, job.pk, work).state == JobState.RUNNING
        progress(3, total=6)
        return {"file_name": "x.xlsx"}

    done = job_run(ReportJob, job.pk, work)
    assert runs == [job.pk]
    assert (done.state, done.done, done.total, done.file_name) == (JobState.DONE, 3, 6, "x.xlsx")
    assert done.started_at and done.finished_at
