"""The peer's side of the update cases (seed 000): dashboard, notices, opening a case, its
detail and sending it to verification."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merito.accounts.models import User
from merito.cases import selectors, services
from merito.cases.models import CaseState, UpdateCase
from merito.errors import DomainError
from merito.notifications.models import Notice
from merito.notifications.services import notices_mark_read
from merito.peers.models import PeerMembership
from merito.profiles.selectors import profile_missing

PAGE_SIZE = 25


# What to have at hand before starting (seed 000 FAQ): one PDF per entry, 1 MB each.
CHECKLIST = [
    _lazy("Documento de identidad en PDF."),
    _lazy("RUT (el campo NIT de la hoja de vida es el del RUT)."),
    _lazy("Diploma o acta de grado de cada título (el diploma puede reemplazar al acta)."),
    _lazy("Resolución de convalidación de cada título obtenido en el extranjero."),
    _lazy(
        "Certificación laboral de cada periodo y tipo de vinculación (la misma certificación "
        "puede respaldar varias líneas)."
    ),
    _lazy("Constancias del MEN o del CNA de su participación como par."),
    _lazy(
        "Tarjeta profesional y certificado de antecedentes disciplinarios, si su profesión "
        "la exige."
    ),
    _lazy("Certificado de afiliación a la ARL, o una carta firmada si no está afiliado."),
    _lazy(
        "Para un documento que aún está tramitando: una carta firmada en la que se compromete a "
        "aportarlo."
    ),
]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    refusal = services.why_no_new_case(user)
    notices = Notice.objects.filter(user=user)
    return render(
        request,
        "portal/cases/dashboard.html",
        {
            "memberships": PeerMembership.objects.filter(user=user),
            "refusal": refusal,
            "open_case": services.open_case_of(user),
            "cases": selectors.cases_of(user=user)[:20],
            "checklist": CHECKLIST,
            "missing": profile_missing(user=user),
            "notices": notices[:10],
            "unread": notices.filter(read_at__isnull=True).count(),
        },
    )


@login_required
@require_POST
def case_open(request: HttpRequest) -> HttpResponse:
    try:
        case = services.case_open(user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("portal:cases:dashboard")
    messages.success(
        request,
        _(
            "Se creó el caso %(number)s. Complete su hoja de vida (puede guardar y continuar "
            "después) y envíelo cuando tenga todos los soportes."
        )
        % {"number": case.number},
    )
    return redirect("portal:cases:detail", number=case.number)


def _own_case(request: HttpRequest, number: str) -> UpdateCase:
    case = selectors.case_for_owner(user=request.user, number=number)
    if case is None:
        raise Http404
    return case


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _own_case(request, number)
    observations = (
        case.observations.filter(round=case.round) if case.state == CaseState.CORRECTION else []
    )
    return render(
        request,
        "portal/cases/case_detail.html",
        {
            "case": case,
            "events": case.events.select_related("actor"),
            "observations": observations,
            "missing": profile_missing(user=request.user) if case.peer_can_edit else [],
            "consent_text": services.CONSENT_TEXT,
            "consent_version": services.CONSENT_VERSION,
        },
    )


@login_required
@require_POST
def case_submit(request: HttpRequest, number: str) -> HttpResponse:
    case = _own_case(request, number)
    try:
        services.case_submit(
            case=case, user=request.user, consent=bool(request.POST.get("consent"))
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Se envió el caso %(number)s a verificación. Le escribiremos a %(email)s.")
            % {"number": case.number, "email": cast(User, request.user).email},
        )
    return redirect("portal:cases:detail", number=number)


@login_required
@require_http_methods(["GET", "POST"])
def notices(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notices_mark_read(user=request.user)
        return redirect("portal:cases:notices")
    page = Paginator(Notice.objects.filter(user=cast(User, request.user)), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(request, "portal/cases/notices.html", {"page": page})
