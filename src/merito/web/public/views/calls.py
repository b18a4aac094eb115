"""The public catalogue of calls (no sign-in): list, detail, the positions as CSV and the
call's published documents."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from merito.calls import selectors
from merito.calls.models import CallDocument
from merito.calls.rubric import rubric_explanation
from merito.exports import csv_response
from merito.profiles.evidence import MAPPERS as PREVIEW_RUBRICS
from merito.web.lookups import public_call_or_404
from merito.web.public.forms.calls import CallFilterForm, PositionFilterForm

CALLS_PER_PAGE = 20


POSITIONS_PER_PAGE = 50


@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    form = CallFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    now = timezone.now()
    calls = selectors.call_list(filters=form.to_filters(), now=now)
    page = Paginator(calls, CALLS_PER_PAGE).get_page(request.GET.get("pagina"))
    rows = [(call, selectors.current_or_next_stage(call, now)) for call in page.object_list]
    return render(
        request,
        "public/calls/call_list.html",
        {"form": form, "page": page, "rows": rows, "now": now},
    )


@require_safe
def call_detail(request: HttpRequest, code: str) -> HttpResponse:
    call = public_call_or_404(code)
    now = timezone.now()
    labels = selectors.position_labels(call=call)
    form = PositionFilterForm(request.GET or None, labels=labels)
    if form.is_bound:
        form.is_valid()
    positions = selectors.position_list(call=call, filters=form.to_filters())
    page = Paginator(positions, POSITIONS_PER_PAGE).get_page(request.GET.get("pagina"))
    stages = [(stage, stage.is_open(now)) for stage in call.stages.all()]
    return render(
        request,
        "public/calls/call_detail.html",
        {
            "call": call,
            "stages": stages,
            "current_stage": selectors.current_or_next_stage(call, now),
            "form": form,
            "page": page,
            "rubric": rubric_explanation(call.rubric_id),
            "preview": call.rubric_id in PREVIEW_RUBRICS,
            "now": now,
        },
    )


@require_safe
def positions_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The positions table as CSV, UTF-8 with BOM so Excel reads the accents."""
    call = public_call_or_404(code)
    labels = selectors.position_labels(call=call)
    form = PositionFilterForm(request.GET or None, labels=labels)
    if form.is_bound:
        form.is_valid()
    header = [
        _("Código"),
        _("Denominación"),
        _("Región"),
        _("Grupo de competencia"),
        _("Escala, nivel o grado"),
        _("Vacantes"),
    ]
    positions = selectors.position_list(call=call, filters=form.to_filters()).iterator()
    rows = ([p.code, p.name, p.region, p.group, p.level, p.vacancies] for p in positions)
    return csv_response(f"vacantes-{call.code}.csv", header, rows)


@require_safe
def document_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A published document of a public call, streamed from whatever storage holds it."""
    call = public_call_or_404(code)
    try:
        document = selectors.published_document(call=call, pk=pk)
    except CallDocument.DoesNotExist:
        raise Http404(_("Ese documento no está publicado.")) from None
    name = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)
