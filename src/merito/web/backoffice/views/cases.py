"""The verification of update cases by the MEN's verifiers (seed 000): the queue, the case
with its submitted snapshot, and each document behind it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from merito.audit.services import audit_read
from merito.cases import selectors, services
from merito.cases.models import CaseState, Observation, UpdateCase
from merito.documents.models import Document
from merito.errors import DomainError
from merito.exports import csv_response
from merito.notifications.models import OutboundEmail
from merito.notifications.services import email_resend

PAGE_SIZE = 25


# The bank's verifiers (of the organization that keeps it) and technical staff.
VERIFY = "peers.work_bank"


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
        "backoffice/cases/queue.html",
        {
            "page": page,
            "counts": [(s, label, selectors.state_counts()[s]) for s, label in CaseState.choices],
            "state": state,
            "assigned": assigned,
            "query": query,
            "states": CaseState.choices,
        },
    )


def _case_for_verifier(request: HttpRequest, number: str) -> UpdateCase:
    case = selectors.case_get(viewer=request.user, number=number)
    if case is None:
        raise Http404
    return case


@login_required
@permission_required(VERIFY, raise_exception=True)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_for_verifier(request, number)
    if request.method == "POST":
        action = request.POST.get("accion", "")
        try:
            _verify_action(request, case, action)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("backoffice:cases:verify", number=number)
    emails = OutboundEmail.objects.filter(user=case.user, kind__startswith="cases.")
    audit_read(actor=request.user, obj=case, what="cases.case.viewed")
    return render(
        request,
        "backoffice/cases/verify.html",
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
    case = _case_for_verifier(request, number)
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
