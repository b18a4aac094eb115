"""Public catalogue of calls (no login): list, detail, positions CSV and document downloads;
and, signed in, the points preview of one's own profile under a call's rubric."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from merito.calls import selectors
from merito.calls.forms import CallFilterForm, PositionFilterForm
from merito.calls.models import Call, CallDocument
from merito.calls.rubric import rubric_explanation
from merito.exports import csv_response
from merito.profiles.evidence import MAPPERS as PREVIEW_RUBRICS
from merito.profiles.evidence import profile_evidence
from merito.rubrics import EvidenceError, RubricError, load_rubric, score

CALLS_PER_PAGE = 20
POSITIONS_PER_PAGE = 50


def _public_call(code: str) -> Call:
    try:
        return selectors.call_detail(code=code)
    except Call.DoesNotExist:
        raise Http404(_("No existe una convocatoria pública con ese código.")) from None


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
        request, "calls/call_list.html", {"form": form, "page": page, "rows": rows, "now": now}
    )


@require_safe
def call_detail(request: HttpRequest, code: str) -> HttpResponse:
    call = _public_call(code)
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
        "calls/call_detail.html",
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
    call = _public_call(code)
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
    call = _public_call(code)
    try:
        document = selectors.published_document(call=call, pk=pk)
    except CallDocument.DoesNotExist:
        raise Http404(_("Ese documento no está publicado.")) from None
    name = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


def _preview(request: HttpRequest, call: Call) -> dict[str, Any]:
    """Score the signed-in person's current profile under the call's rubric."""
    context: dict[str, Any] = {"call": call, "result": None, "problem": ""}
    try:
        rubric = load_rubric(call.rubric_id)
    except (KeyError, RubricError):
        context["problem"] = _("Esta convocatoria aún no publica su rúbrica.")
        return context
    as_of = timezone.localdate()
    evidence = profile_evidence(user=request.user, rubric_id=rubric.id, as_of=as_of)
    if evidence is None:
        context["problem"] = _(
            "La calificación de esta convocatoria se hace con documentos que la hoja de vida no "
            "guarda (por ejemplo, el informe escalafonario); no hay estimación en línea."
        )
        return context
    try:
        result = score(rubric, evidence.document)
    except EvidenceError as error:
        context["problem"] = _(
            "Su hoja de vida tiene un dato que no se puede calificar: %(error)s"
        ) % {"error": error}
        return context
    name = evidence.descriptions.get
    context.update(
        rubric=rubric,
        result=result,
        as_of=as_of,
        skipped=evidence.skipped,
        requirements=[
            {
                "outcome": r,
                "used": [(name(u.item, u.item), u.note) for u in r.used],
                "rejected": [(name(x.item, x.item), x.reason) for x in r.rejected],
            }
            for r in result.requirements
        ],
        groups=[
            {
                "outcome": g,
                "criteria": [
                    {
                        "outcome": c,
                        "used": [(name(u.item, u.item), u.points, u.note) for u in c.used],
                        "rejected": [(name(x.item, x.item), x.reason) for x in c.rejected],
                    }
                    for c in g.criteria
                ],
            }
            for g in result.groups
        ],
    )
    return context


@login_required
@require_safe
def score_preview(request: HttpRequest, code: str) -> HttpResponse:
    """ "¿Cuántos puntos me daría mi hoja de vida?" — before applying; CSV with ?formato=csv."""
    call = _public_call(code)
    context = _preview(request, call)
    result = context["result"]
    if result is not None and request.GET.get("formato") == "csv":
        header = [_("Rubro"), _("Criterio"), _("Suma"), _("Tope"), _("Puntos"), _("Resultado")]
        rows: list[list[object]] = [
            [group.label, c.label, c.raw, "" if c.cap is None else c.cap, c.points, c.result]
            for group in result.groups
            for c in group.criteria
        ]
        total_cap = result.total_cap or ""
        rows.append([_("Total"), "", result.total_raw, total_cap, result.total, ""])
        rows += [[bonus.label, "", "", "", bonus.amount, ""] for bonus in result.bonuses]
        rows.append([_("Puntaje final"), "", "", "", result.final, ""])
        return csv_response(f"puntaje-{call.code}.csv", header, rows)
    return render(request, "calls/score_preview.html", context)
