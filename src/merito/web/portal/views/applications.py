"""Apply to a call, see the receipt, withdraw; list of one's inscriptions."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merito.accounts.models import User
from merito.applications import services
from merito.applications.models import Inscription, InscriptionState
from merito.calls import selectors as call_selectors
from merito.calls.models import Call, Position
from merito.errors import DomainError
from merito.profiles.selectors import profile_missing
from merito.search import each_word

MAX_POSITIONS = 50


def _call(code: str) -> Call:
    try:
        return call_selectors.call_detail(code=code)
    except Call.DoesNotExist:
        raise Http404(_("No existe una convocatoria pública con ese código.")) from None


def _public_position(call_code: str, code: str) -> Position | None:
    """The position with its call and organization (for the legal time zone)."""
    position = (
        Position.objects.select_related("call", "call__organization")
        .filter(call__code=call_code, code=code)
        .first()
    )
    return position if position is not None and position.call.is_visible else None


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    user = cast(User, request.user)
    now = timezone.now()
    errors: dict[str, str] = {}
    if request.method == "POST":
        # The POST needs only the chosen position, its call and the call's schedule; an
        # unknown call answers 404 below, an unknown position the form with its error.
        try:
            key = uuid.UUID(request.POST.get("request_key", ""))
        except ValueError:
            raise Http404 from None
        position = _public_position(code, request.POST.get("position", ""))
        if position is None:
            errors["position"] = _("Empleo o plaza: elija uno de la lista.")
        else:
            try:
                inscription, _created = services.inscription_submit(
                    user=user, position=position, request_key=key, now=now
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Quedó inscrito con el número %(number)s.")
                    % {"number": inscription.registry_number},
                )
                return redirect("portal:applications:receipt", number=inscription.registry_number)
    call = _call(code)
    query = request.GET.get("q", "").strip()
    positions = call.positions.all()
    positions = each_word(positions, query, "code", "name", "region", "level", "group")
    shown = list(positions[: MAX_POSITIONS + 1])
    stage = services.inscription_stage(call)
    return render(
        request,
        "portal/applications/apply.html",
        {
            "call": call,
            "stage": stage,
            "opens": services.local_time(call, stage.opens_at) if stage else "",
            "closes": services.local_time(call, stage.closes_at) if stage else "",
            "refusal": services.window_refusal(call, now),
            "current": services.active_inscription(user=user, call=call),
            "missing": profile_missing(user=user),
            "positions": shown[:MAX_POSITIONS],
            "truncated": len(shown) > MAX_POSITIONS,
            "query": query,
            "request_key": uuid.uuid4(),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _own(request: HttpRequest, number: str) -> Inscription:
    inscription = (
        Inscription.objects.select_related("call", "position", "user")
        .filter(user=cast(User, request.user), registry_number=number)
        .first()
    )
    if inscription is None:
        raise Http404
    return inscription


@login_required
@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    inscription = _own(request, number)
    refusal = services.window_refusal(inscription.call, timezone.now())
    return render(
        request,
        "portal/applications/receipt.html",
        {
            "inscription": inscription,
            "submitted": services.local_time(inscription.call, inscription.submitted_at),
            "withdrawn": services.local_time(inscription.call, inscription.withdrawn_at)
            if inscription.withdrawn_at
            else "",
            "refusal": refusal,
            "can_withdraw": inscription.state == InscriptionState.ACTIVE and refusal is None,
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    inscription = _own(request, number)
    try:
        services.inscription_withdraw(inscription=inscription, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Se retiró la inscripción %(number)s.") % {"number": number})
    return redirect("portal:applications:receipt", number=number)


@login_required
@require_GET
def inscription_list(request: HttpRequest) -> HttpResponse:
    inscriptions = Inscription.objects.filter(user=cast(User, request.user)).select_related(
        "call", "position"
    )
    page = Paginator(inscriptions, 20).get_page(request.GET.get("pagina"))
    return render(request, "portal/applications/list.html", {"page": page})
