"""Peer dashboard and update cases (seed 000); the verifiers' back office."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merito.accounts.models import User
from merito.audit.services import audit_read
from merito.cases import selectors, services
from merito.cases.models import CaseState, Observation, UpdateCase
from merito.documents.models import Document
from merito.errors import DomainError
from merito.exports import csv_response
from merito.notifications.models import Notice, OutboundEmail
from merito.notifications.services import email_resend, notices_mark_read
from merito.peers.models import PeerMembership
from merito.profiles.selectors import profile_missing

PAGE_SIZE = 25
VERIFY = "merito.access_verification"

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


# --- peer ---------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    refusal = services.why_no_new_case(user)
    notices = Notice.objects.filter(user=user)
    return render(
        request,
        "cases/dashboard.html",
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
        return redirect("cases:dashboard")
    messages.success(
        request,
        _(
            "Se creó el caso %(number)s. Complete su hoja de vida (puede guardar y continuar "
            "después) y envíelo cuando tenga todos los soportes."
        )
        % {"number": case.number},
    )
    return redirect("cases:detail", number=case.number)


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
        "cases/case_detail.html",
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
    return redirect("cases:detail", number=number)


@login_required
@require_http_methods(["GET", "POST"])
def notices(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notices_mark_read(user=request.user)
        return redirect("cases:notices")
    page = Paginator(Notice.objects.filter(user=cast(User, request.user)), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(request, "cases/notices.html", {"page": page})


# --- verifiers ------------------------------------------------------------------------------


@login_required
@permission_required(VERIFY, raise_exception=True)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("estado", "")
    state = state if state in CaseState.values else ""
    assigned = request.GET.get("asignacion", "")
    query = request.GET.get("q", "").strip()
    cases = selectors.case_queue(viewer=request.user, state=state, assigned=assigned, query=query)
    if request.GET.get("formato") == "csv":
        header = [
            _("Caso"),
            _("Documento"),
            _("Nombre"),
            _("Estado"),
            _("Enviado"),
            _("Verificador"),
        ]
        rows = (
            [
                case.number,
                f"{case.user.document_type} {case.user.document_number}",
                case.user.get_full_name(),
                case.get_state_display(),
                case.submitted_at.isoformat() if case.submitted_at else "",
                case.verifier.get_full_name() if case.verifier else "",
            ]
            for case in cases.iterator()
        )
        return csv_response("casos.csv", header, rows)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "cases/queue.html",
        {
            "page": page,
            "counts": [(s, label, selectors.state_counts()[s]) for s, label in CaseState.choices],
            "state": state,
            "assigned": assigned,
            "query": query,
            "states": CaseState.choices,
        },
    )


def _case_for_verifier(number: str) -> UpdateCase:
    case = selectors.case_get(number=number)
    if case is None:
        raise Http404
    return case


@login_required
@permission_required(VERIFY, raise_exception=True)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_for_verifier(number)
    if request.method == "POST":
        action = request.POST.get("accion", "")
        try:
            _verify_action(request, case, action)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("cases:verify", number=number)
    emails = OutboundEmail.objects.filter(user=case.user, kind__startswith="cases.")
    audit_read(actor=request.user, obj=case, what="cases.case.viewed")
    return render(
        request,
        "cases/verify.html",
        {
            "case": case,
            "sections": selectors.submitted_sections(case),
            "events": case.events.select_related("actor"),
            "emails": emails[:20],
            "can_act": case.state == CaseState.VERIFICATION
            and case.verifier_id in (None, request.user.pk),
        },
    )


def _verify_action(request: HttpRequest, case: UpdateCase, action: str) -> None:
    user = request.user
    if action == "asignar":
        services.case_assign(case=case, verifier=user, actor=user)
        messages.success(request, _("El caso quedó asignado a usted."))
    elif action == "observar":
        raw_entry = request.POST.get("entry_id", "")
        section = request.POST.get("section", "")
        valid = {
            (item.section, item.entry_id): item
            for s in selectors.submitted_sections(case)
            for item in s.items
        }
        key = (section, int(raw_entry) if raw_entry.isdigit() else None)
        if key not in valid:
            raise DomainError(_("Ese elemento no está en la hoja de vida enviada."))
        services.observation_add(
            case=case,
            verifier=user,
            section=section,
            entry_id=key[1],
            label=valid[key].label,
            text=request.POST.get("text", ""),
        )
        messages.success(request, _("Se registró la observación."))
    elif action == "borrar":
        observation = Observation.objects.filter(
            case=case, pk=request.POST.get("observation", "0") or 0
        ).first()
        if observation is None:
            raise Http404
        services.observation_delete(observation=observation, verifier=user)
        messages.success(request, _("Se borró la observación."))
    elif action == "devolver":
        services.case_return(case=case, verifier=user)
        messages.success(
            request,
            _("El caso se devolvió para corrección; el par recibió las observaciones por correo."),
        )
    elif action == "aprobar":
        services.case_approve(case=case, verifier=user)
        messages.success(request, _("El caso quedó aprobado."))
    elif action == "reenviar":
        message = OutboundEmail.objects.filter(
            user=case.user, kind__startswith="cases.", pk=request.POST.get("email", "0") or 0
        ).first()
        if message is None:
            raise Http404
        email_resend(message=message)
        messages.success(request, _("El correo se puso de nuevo en la cola de envío."))
    else:
        raise DomainError(_("Acción desconocida."))


@login_required
@permission_required(VERIFY, raise_exception=True)
@require_GET
def verify_document(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """A PDF of the submitted snapshot; any other id answers 404."""
    case = _case_for_verifier(number)
    if pk not in selectors.snapshot_document_ids(case):
        raise Http404
    document = Document.objects.filter(pk=pk, owner=case.user).first()
    if document is None:
        raise Http404
    audit_read(actor=request.user, obj=document, what="documents.document.viewed")
    response = FileResponse(
        default_storage.open(document.storage_name, "rb"),
        as_attachment=False,
        filename=document.original_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
