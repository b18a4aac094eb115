"""Results of a test, score loading, the inscriptions search and the reports (seed 004 §3.2.7,
§5 and §6).

Gerencia del proceso, the operator's administrator and its supervisors may enter; anyone
else gets 403. A process, test, subprocess or report job outside the viewer's scope
answers 404. Loading scores is for the administrator of the test's operator only.
"""

from __future__ import annotations

import csv
import hashlib
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from merito.applications.models import Inscription, InscriptionState
from merito.audit.services import audit_list_read, audit_record
from merito.calls import scope as calls_scope
from merito.calls.models import SelectionProcess, Test
from merito.errors import DomainError
from merito.evaluation import distribution, results
from merito.evaluation.models import FOLDER_TEST_TYPES, FolderState
from merito.exports import spreadsheet_cell
from merito.jobs import JobState
from merito.pagination import Keyed
from merito.reports import catalogue, inscriptions, jobs, scope
from merito.reports.models import ReportFormat
from merito.web.backoffice.forms.evaluation import (
    InscriptionFilter,
    ReportParametersForm,
    ResultFilter,
    ScoreUploadForm,
)
from merito.web.backoffice.views.base import render_page
from merito.web.backoffice.views.jobs import job_url

PAGE_SIZE = 20


REPORT_PAGE_SIZE = 50


UPLOAD_SESSION = "evaluation.score_upload"


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


def _viewer(request: HttpRequest) -> None:
    if not scope.can_view(request.user):
        raise PermissionDenied


def _visible_process(request: HttpRequest, pk: int) -> SelectionProcess:
    _viewer(request)
    process = scope.visible_processes(request.user).filter(pk=pk).first()
    if process is None:
        raise Http404
    return process


def _visible_test(request: HttpRequest, pk: int, test_pk: int) -> Test:
    process = _visible_process(request, pk)
    test = scope.visible_tests(request.user, process).filter(pk=test_pk).first()
    if test is None:
        raise Http404
    return test


def _page(request: HttpRequest, items: Any, size: int) -> Any:
    return Paginator(items, size).get_page(request.GET.get("pagina"))


def _download(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_stream(name: str, header: list[str], rows: Any) -> StreamingHttpResponse:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def lines() -> Any:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([spreadsheet_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def test_results(
    request: HttpRequest, pk: int, test_pk: int
) -> HttpResponse | StreamingHttpResponse:
    """ "Resultados de la prueba": every version of the test's folders, filtered and sorted."""
    test = _visible_test(request, pk, test_pk)
    form = ResultFilter(request.GET or None)
    levels = distribution.tally_levels(test)  # one query
    form.fields["nivel"].choices = [("", _("Todos")), *((lv, lv) for lv in levels)]  # type: ignore[attr-defined]
    form.fields["estado"].choices = [("", _("Todos")), *FolderState.choices]  # type: ignore[attr-defined]
    filters = form.cleaned_data if form.is_valid() else {}
    order = request.GET.get("orden", "")
    versions = results.result_list(test=test, filters=filters, order=order)
    header = results.result_header(test)
    fmt = request.GET.get("formato", "")
    if fmt == "pdf" and versions.count() > catalogue.BACKGROUND_ROWS:
        messages.error(
            request,
            _(
                "El PDF admite hasta %(n)s filas: filtre los resultados o descárguelos en "
                "Excel o CSV."
            )
            % {"n": f"{catalogue.BACKGROUND_ROWS:,}".replace(",", ".")},
        )
        query = request.GET.copy()
        query.pop("formato")
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    if fmt in {"csv", "xlsx", "pdf"}:
        audit_record(
            action="evaluation.test_results.exported",
            actor=request.user,
            obj=test,
            after={"formato": fmt},
        )
    if fmt == "csv":
        rows = (results.result_row(test, v) for v in versions.iterator(chunk_size=2000))
        return _csv_stream(f"resultados-prueba-{test.pk}.csv", header, rows)
    if fmt in {"xlsx", "pdf"}:
        report = catalogue.Report(
            key="resultados-prueba",
            number="",
            title=_("Resultados de la prueba"),
            description="",
            columns=tuple(header),
            query=lambda params: versions,
            row=lambda version: results.result_row(test, version),
        )
        lines = report.rows(versions.iterator(chunk_size=2000))
        if fmt == "pdf":
            params = catalogue.Parameters(process=test.process, test=test)
            content = catalogue.render_pdf(report, params, lines)
        else:
            content = catalogue.render_xlsx(report, lines)
        return _download(content, f"resultados-prueba-{test.pk}.{fmt}", fmt)
    page = Keyed(versions, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render_page(
        request,
        "backoffice/evaluation/test_results.html",
        {
            "process": test.process,
            "test": test,
            "form": form,
            "order": order,
            "header": header,
            "rows": [(v, results.result_row(test, v)) for v in page.object_list],
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "has_folders": test.test_type in FOLDER_TEST_TYPES,
            "can_load": _can_load(request, test),
        },
        status=400 if form.errors else 200,
    )


def _can_load(request: HttpRequest, test: Test) -> bool:
    return (
        test.test_type not in FOLDER_TEST_TYPES
        and test.operator_id in calls_scope.administered_operator_ids(request.user)
    )


@login_required
@require_http_methods(["GET", "POST"])
def test_scores_load(request: HttpRequest, pk: int, test_pk: int) -> HttpResponse:
    """Load a provider's scores: a dry run lists every bad row; "Confirmar" writes them."""
    test = _visible_test(request, pk, test_pk)
    if test.operator_id not in calls_scope.administered_operator_ids(request.user):
        raise PermissionDenied
    url = reverse("backoffice:evaluation:test_scores_load", args=[pk, test_pk])
    form = ScoreUploadForm()
    context: dict[str, Any] = {
        "process": test.process,
        "test": test,
        "refusal": results.score_loading_refusal(test),
    }
    status = 200
    if request.method == "POST" and request.POST.get("accion") == "confirmar":
        return _confirm(request, test, url)
    if request.method == "POST":
        form = ScoreUploadForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["archivo"]
            content = uploaded.read()
            try:
                check = results.scores_check(test=test, content=content, filename=uploaded.name)
            except DomainError as error:
                form.add_error("archivo", error.message)
            else:
                context["check"] = check
                if check.ok:
                    suffix = PurePosixPath(uploaded.name).suffix.lower()
                    name = default_storage.save(
                        f"evaluation/score-uploads/{uuid.uuid4().hex}{suffix}",
                        ContentFile(content),
                    )
                    request.session[UPLOAD_SESSION] = {
                        "test": test.pk,
                        "name": name,
                        "original": uploaded.name,
                        "sha256": hashlib.sha256(content).hexdigest(),
                    }
                else:
                    status = 400
        if form.errors:
            status = 400
    context["form"] = form
    return render_page(
        request, "backoffice/evaluation/test_scores_load.html", context, status=status
    )


def _confirm(request: HttpRequest, test: Test, url: str) -> HttpResponse:
    pending = request.session.get(UPLOAD_SESSION) or {}
    if pending.get("test") != test.pk or not default_storage.exists(pending.get("name", "")):
        messages.error(request, _("Cargue de nuevo el archivo: la revisión ya no está vigente."))
        return redirect(url)
    with default_storage.open(pending["name"], "rb") as handle:
        content = handle.read()
    try:
        check = results.scores_check(test=test, content=content, filename=pending["original"])
        count = results.scores_load(
            test=test,
            check=check,
            sha256=pending["sha256"],
            filename=pending["original"],
            by=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Se cargaron %(n)s calificación(es) de la prueba.") % {"n": count}
        )
    finally:
        default_storage.delete(pending["name"])
        request.session.pop(UPLOAD_SESSION, None)
    return redirect("backoffice:evaluation:test_results", pk=test.process_id, test_pk=test.pk)


@login_required
@require_GET
def inscription_list(request: HttpRequest) -> HttpResponse:
    """ "Inscripciones" (seed 004 §5): search with Admitido and the assignment history."""
    _viewer(request)
    scope = inscriptions.inscription_scope(request.user)
    form = InscriptionFilter(request.GET or None)
    form.fields["proceso"].choices = [("", _("Todos")), *((str(c.process), c.code) for c in scope)]  # type: ignore[attr-defined]
    form.fields["estado"].choices = [("", _("Todos")), *InscriptionState.choices]  # type: ignore[attr-defined]
    raw = request.GET.get("proceso", "")
    if raw and raw not in {str(c.process) for c in scope}:
        raise Http404
    filters = form.cleaned_data if form.is_valid() else {}
    order = request.GET.get("orden", "")
    pages = inscriptions.inscription_pages(
        user=request.user, filters=filters, order=order, per_page=PAGE_SIZE, scope=scope
    )
    page = pages.get_page(request.GET.get("pagina"))
    shown = [i.pk for i in page.object_list]
    # Applicants' names and documents, read by staff: one audit row per page shown.
    audit_list_read(
        actor=request.user,
        model=Inscription,
        ids=shown,
        what="applications.inscription.searched",
        after={key: str(value) for key, value in filters.items() if value not in (None, "")},
    )
    history = inscriptions.assignment_history(shown)
    rows = [
        (inscription, inscriptions.admitted_label(inscription), history[inscription.pk])
        for inscription in page.object_list
    ]
    return render_page(
        request,
        "backoffice/evaluation/inscription_list.html",
        {
            "form": form,
            "order": order,
            "rows": rows,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
        },
        status=400 if form.errors else 200,
    )


def _parameters_form(
    request: HttpRequest, *, bound: bool
) -> tuple[ReportParametersForm, dict[str, Any]]:
    """The dialog's form with the viewer's processes, subprocesses and tests as choices.

    An id outside those choices answers 404, like any other id of another operator.
    """
    visible = list(scope.visible_processes(request.user))
    by_pk = {p.pk: p for p in visible}
    children = list(
        SelectionProcess.objects.filter(parent_id__in=by_pk).select_related("call", "parent__call")
    )
    subs = {p.pk: p for p in children}
    targets = [*by_pk, *subs]
    tests = {
        t.pk: t
        for t in Test.objects.filter(process_id__in=targets)
        .exclude(test_type__in=FOLDER_TEST_TYPES)
        .select_related("process__call")
    }
    for name, known in (("proceso", by_pk), ("subproceso", subs), ("prueba", tests)):
        raw = request.GET.get(name, "")
        if raw and (not raw.isdigit() or int(raw) not in known):
            raise Http404
    form = ReportParametersForm(request.GET if bound else None)
    fields: dict[str, Any] = dict(form.fields)
    fields["proceso"].choices = [("", _("Seleccione…")), *((str(p.pk), str(p)) for p in visible)]
    fields["subproceso"].choices = [
        ("", _("Ninguno")),
        *((str(s.pk), f"{s.parent} › {s}") for s in children),
    ]
    fields["prueba"].choices = [
        ("", _("Seleccione…")),
        *((str(t.pk), f"{t.process} — {t}") for t in tests.values()),
    ]
    return form, {"processes": by_pk, "subprocesses": subs, "tests": tests}


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """ "Reportes": the seven reports, each behind its "Parámetros" dialog, and my jobs."""
    _viewer(request)
    form, _known = _parameters_form(request, bound=False)
    jobs = scope.visible_report_jobs(request.user)
    page = _page(request, jobs, 10)
    return render_page(
        request,
        "backoffice/evaluation/report_list.html",
        {
            "reports": list(catalogue.REPORTS.values()),
            "form": ReportParametersForm(),
            "choices": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "running": jobs.filter(state__in=(JobState.PENDING, JobState.RUNNING)).exists(),
        },
    )


@login_required
@require_GET
def report_view(request: HttpRequest, key: str) -> HttpResponse:
    """One report: on screen page by page, or as Excel/PDF (in the background when large)."""
    _viewer(request)
    report = catalogue.REPORTS.get(key)
    if report is None:
        raise Http404
    form, known = _parameters_form(request, bound=True)
    params = None
    if form.is_valid():
        data = form.cleaned_data
        params = catalogue.Parameters(
            process=known["processes"][int(data["proceso"])],
            subprocess=known["subprocesses"].get(int(data["subproceso"] or 0)),
            test=known["tests"].get(int(data["prueba"] or 0)),
        )
        try:
            catalogue.report_check(report, params)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            params = None
    if params is None:
        return render_page(
            request,
            "backoffice/evaluation/report_view.html",
            {"report": report, "choices": form, "params": None},
            status=400,
        )
    objects = report.query(params)
    fmt = request.GET.get("formato", "")
    if fmt in ReportFormat.values:
        total = objects.count()
        if total > catalogue.BACKGROUND_ROWS:
            job = jobs.report_schedule(
                report=report, params=params, fmt=fmt, total=total, by=request.user
            )
            messages.success(
                request,
                _("El reporte tiene %(n)s filas: se genera en segundo plano (trabajo %(j)s).")
                % {"n": total, "j": job.pk},
            )
            return redirect(job_url("reporte", job))
        audit_record(
            action="evaluation.report.exported",
            actor=request.user,
            object_type="evaluation.report",
            object_id=report.key,
            object_label=str(report.title),
            after={"formato": fmt, "filas": total},
        )
        return _download(
            catalogue.render(report, params, fmt), catalogue.file_name(report, fmt), fmt
        )
    page = _page(request, objects, REPORT_PAGE_SIZE)
    return render_page(
        request,
        "backoffice/evaluation/report_view.html",
        {
            "report": report,
            "choices": form,
            "params": params,
            "header": report.header(),
            "rows": list(report.rows(page.object_list)),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
        },
    )


@login_required
@require_GET
def report_download(request: HttpRequest, job_pk: int) -> FileResponse:
    """The file of a background report, for the person who asked for it only."""
    _viewer(request)
    job = scope.visible_report_jobs(request.user).filter(pk=job_pk).first()
    if job is None or job.state != JobState.DONE or not job.file_name:
        raise Http404
    audit_record(action="evaluation.report.downloaded", actor=request.user, obj=job)
    return FileResponse(
        default_storage.open(job.file_name, "rb"),
        as_attachment=True,
        filename=PurePosixPath(job.file_name).name,
        content_type=CONTENT_TYPES[job.format],
    )
