"""The page of a long job: how far it has gone, polled while it runs (pretix's
AsyncAction), and what it gave when it ends. One page for every kind of job; each kind
names the scope its rows are read through, so a job of another person or organization
answers 404 like one that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from merito.evaluation.scope import visible_distribution_jobs
from merito.jobs import BackgroundJob, JobState
from merito.reports.scope import visible_report_jobs
from merito.web.backoffice.views.base import render_page


@dataclass(frozen=True)
class JobKind:
    title: Any
    visible_to: Callable[[Any], QuerySet[Any]]
    describe: Callable[[Any], str]
    # Where its result is, and the link's text, once it is done (None: nothing to open).
    result: Callable[[Any], tuple[str, str] | None]
    back: Callable[[Any], str]


def _distribution_url(job: Any) -> str:
    return reverse(
        "backoffice:evaluation:distribution_automatic",
        kwargs={"pk": job.test.process_id, "test_pk": job.test_id},
    )


KINDS: dict[str, JobKind] = {
    "distribucion": JobKind(
        title=gettext_lazy("Distribución automática"),
        visible_to=lambda user: visible_distribution_jobs(user).select_related(
            "test__process__call", "position"
        ),
        describe=lambda job: (
            f"{job.test.description} — {job.get_kind_display()}"
            + (f": {job.level}" if job.level else "")
            + (f": {job.position.code}" if job.position_id else "")
        ),
        result=lambda job: (_distribution_url(job), _("Ver la distribución de la prueba")),
        back=_distribution_url,
    ),
    "reporte": JobKind(
        title=gettext_lazy("Reporte en segundo plano"),
        visible_to=visible_report_jobs,
        describe=lambda job: f"{job.report} ({job.get_format_display()})",
        result=lambda job: (
            (
                reverse("backoffice:evaluation:report_download", args=[job.pk]),
                _("Descargar el archivo"),
            )
            if job.file_name
            else None
        ),
        back=lambda job: reverse("backoffice:evaluation:report_list"),
    ),
}


def job_url(kind: str, job: BackgroundJob) -> str:
    return reverse("backoffice:job_progress", kwargs={"kind": kind, "job_pk": job.pk})


@login_required
@require_GET
def job_progress(request: HttpRequest, kind: str, job_pk: int) -> HttpResponse:
    spec = KINDS.get(kind)
    job = spec.visible_to(request.user).filter(pk=job_pk).first() if spec else None
    if spec is None or job is None:
        raise Http404
    result = spec.result(job) if job.state == JobState.DONE else None
    if request.GET.get("formato") == "json":
        return JsonResponse(
            {
                "state": job.state,
                "state_label": job.get_state_display(),
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "finished": job.finished,
                "text": _progress_text(job),
            }
        )
    return render_page(
        request,
        "backoffice/job.html",
        {
            "job": job,
            "kind": kind,
            "title": spec.title,
            "description": spec.describe(job),
            "result": result,
            "back": spec.back(job),
            "progress_text": _progress_text(job),
            "poll_url": f"{request.path}?formato=json",
        },
    )


def _progress_text(job: BackgroundJob) -> str:
    return _("%(done)s de %(total)s (%(percent)s %%)") % {
        "done": number_format(job.done, force_grouping=True),
        "total": number_format(job.total, force_grouping=True),
        "percent": job.percent,
    }
