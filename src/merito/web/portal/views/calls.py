"""The points preview: the signed-in person's current profile scored under a call's rubric."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from merito.calls.models import Call
from merito.exports import csv_response
from merito.profiles.evidence import profile_evidence
from merito.rubrics import EvidenceError, RubricError, load_rubric, score
from merito.web.lookups import public_call_or_404


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
    call = public_call_or_404(code)
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
    return render(request, "portal/calls/score_preview.html", context)
