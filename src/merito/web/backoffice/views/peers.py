"""The peer bank's staff pages (seed 000): import, search with CSV/Excel exports, the
follow-up report, a person's page, and the pending recognition and e-mail change requests."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from import_export.formats.base_formats import XLSX

from merito.audit.services import audit_read, audit_record
from merito.cases import bank
from merito.cases.models import CaseState
from merito.documents.models import Document
from merito.errors import DomainError
from merito.notifications.models import OutboundEmail
from merito.peers import scope as peer_scope
from merito.peers import selectors, services
from merito.peers.models import (
    EmailBounce,
    PeerGroup,
    RequestState,
)
from merito.web.backoffice.forms.peers import (
    BounceForm,
    ImportForm,
    ReasonForm,
)

PAGE_SIZE = 25


# The bank's verifiers (of the organization that keeps it) and technical staff.
VERIFY = "peers.work_bank"


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Verifiers (and technical staff) only; anybody else gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.has_perm(VERIFY):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@staff_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_preview(
                uploaded_file=form.cleaned_data["file"], by=request.user
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("backoffice:peers:import_detail", pk=batch.pk)
    return render(
        request,
        "backoffice/peers/import.html",
        {"form": form, "imports": peer_scope.visible_imports(request.user).defer("content")[:10]},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(peer_scope.visible_imports(request.user).defer("content"), pk=pk)
    if request.method == "POST":
        try:
            report = services.import_confirm(batch=batch, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Importación confirmada: %(people)d personas nuevas, %(memberships)d "
                    "pertenencias nuevas, %(bad)d filas con errores no se guardaron."
                )
                % {
                    "people": report.users_created,
                    "memberships": report.memberships_created,
                    "bad": report.rows_with_errors,
                },
            )
        return redirect("backoffice:peers:import_detail", pk=pk)
    report = services.ImportReport.from_dict(batch.report)
    page = Paginator(report.errors, 100).get_page(request.GET.get("pagina"))
    return render(
        request,
        "backoffice/peers/import_detail.html",
        {"batch": batch, "report": report, "page": page},
    )


def _filters(request: HttpRequest) -> dict[str, str]:
    group = request.GET.get("grupo", "")
    state = request.GET.get("estado", "")
    pending = request.GET.get("pendiente", "")
    return {
        "group": group if group in PeerGroup.values else "",
        "area": request.GET.get("area", "").strip(),
        "region": request.GET.get("region", "").strip(),
        "update_state": state if state in dict(bank.UPDATE_STATES) else "",
        "pending": pending if pending in dict(bank.PENDING_CHOICES) else "",
        "query": request.GET.get("q", "").strip(),
    }


def _export(people: Any, fmt: str) -> HttpResponse:
    dataset = bank.bank_dataset(people)
    if fmt == "xlsx":
        response = HttpResponse(XLSX().export_data(dataset), content_type=XLSX.CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="banco-de-pares.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="banco-de-pares.csv"'
    response.write("\ufeff" + dataset.export("csv"))
    return response


@staff_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    people = bank.bank_search(viewer=request.user, **filters)
    fmt = request.GET.get("formato", "")
    if fmt in {"csv", "xlsx"}:
        # An export of personal data is a staff read like any other: an audit row.
        audit_record(
            action="peers.bank.exported",
            actor=request.user,
            object_type="peers.bank",
            object_label=_("Banco de pares"),
            after={"formato": fmt, "filtros": filters},
        )
        return _export(people, fmt)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("pagina"))
    for person in page.object_list:
        person.update_state_label = bank.update_state_label(person.update_state)
    return render(
        request,
        "backoffice/peers/search.html",
        {
            "page": page,
            "filters": filters,
            "groups": PeerGroup.choices,
            "states": bank.UPDATE_STATES,
            "pendings": bank.PENDING_CHOICES,
            "total": page.paginator.count,
        },
    )


@staff_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/peers/report.html",
        {
            "lines": bank.update_report(viewer=request.user),
            "unfinished": [CaseState(s).label for s in bank.UNFINISHED_STATES],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    member = bank.person_for_staff(viewer=request.user, pk=pk)
    if member is None:
        raise Http404
    bounce_form = BounceForm(request.POST if request.POST.get("accion") == "rebote" else None)
    if request.method == "POST":
        action = request.POST.get("accion", "")
        if action == "rebote" and bounce_form.is_valid():
            services.email_bounced(
                address=member.email, reason=bounce_form.cleaned_data["reason"], by=request.user
            )
            messages.success(
                request,
                _("Se registró el correo %(email)s como rebotado.") % {"email": member.email},
            )
            return redirect("backoffice:peers:person", pk=pk)
        if action == "desbloquear":
            services.account_unlock_and_reset(user=member, by=request.user)
            messages.success(
                request,
                _(
                    "Se levantó el bloqueo y se envió un enlace para restablecer la contraseña a "
                    "%(email)s. Los enlaces anteriores dejaron de funcionar."
                )
                % {"email": member.email},
            )
            return redirect("backoffice:peers:person", pk=pk)
        if action != "rebote":
            raise Http404
    member.refresh_from_db(fields=["password_reset_sent_at"])
    # Staff reading another person's personal data leave a trace.
    audit_read(actor=request.user, obj=member, what="peers.person.viewed")
    return render(
        request,
        "backoffice/peers/person.html",
        {
            "member": member,
            "update_state": bank.update_state_label(getattr(member, "update_state", None)),
            "memberships": peer_scope.visible_memberships(request.user).filter(user=member),
            "bounces": EmailBounce.objects.filter(user=member)[:20],
            "failures": selectors.lockout_failures(member),
            "locked": selectors.is_locked_out(member),
            "bounce_form": bounce_form,
            "emails": OutboundEmail.objects.filter(user=member, kind__startswith="peers.")[:20],
        },
    )


@staff_required
@require_GET
def requests_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/peers/requests.html",
        {
            "recognitions": selectors.pending_recognitions(request.user),
            "email_changes": selectors.pending_email_changes(request.user),
        },
    )


def _pdf(request: HttpRequest, document: Document) -> FileResponse:
    audit_read(actor=request.user, obj=document, what="documents.document.viewed")
    response = FileResponse(
        default_storage.open(document.storage_name, "rb"),
        as_attachment=False,
        filename=document.original_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _review(
    request: HttpRequest,
    item: Any,
    *,
    approve: Callable[..., Any],
    reject: Callable[..., Any],
    template: str,
    approved_message: str,
) -> HttpResponse:
    form = ReasonForm(request.POST if request.POST.get("accion") == "rechazar" else None)
    if request.method == "POST":
        action = request.POST.get("accion", "")
        try:
            if action == "aprobar":
                approve(request=item, reviewer=request.user)
                messages.success(request, approved_message)
                return redirect("backoffice:peers:requests")
            if action == "rechazar" and form.is_valid():
                reject(request=item, reviewer=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("La solicitud fue rechazada; se informó el motivo."))
                return redirect("backoffice:peers:requests")
            if action not in {"aprobar", "rechazar"}:
                raise Http404
        except DomainError as error:
            messages.error(request, error.message)
    return render(
        request,
        template,
        {"item": item, "form": form, "pending": item.state == RequestState.PENDING},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def recognition_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        peer_scope.visible_recognition_requests(request.user).select_related("user", "proof"), pk=pk
    )
    return _review(
        request,
        item,
        approve=services.recognition_approve,
        reject=services.recognition_reject,
        template="backoffice/peers/recognition_review.html",
        approved_message=_("Solicitud aprobada: la persona quedó en el banco de pares."),
    )


@staff_required
@require_GET
def recognition_proof(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(
        peer_scope.visible_recognition_requests(request.user).select_related("proof"), pk=pk
    )
    return _pdf(request, item.proof)


@staff_required
@require_http_methods(["GET", "POST"])
def email_change_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        peer_scope.visible_email_change_requests(request.user).select_related(
            "user", "identity_document"
        ),
        pk=pk,
    )
    return _review(
        request,
        item,
        approve=services.email_change_approve,
        reject=services.email_change_reject,
        template="backoffice/peers/email_change_review.html",
        approved_message=_("Correo cambiado; se envió el enlace de acceso al correo nuevo."),
    )


@staff_required
@require_GET
def email_change_document(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(
        peer_scope.visible_email_change_requests(request.user).select_related("identity_document"),
        pk=pk,
    )
    return _pdf(request, item.identity_document)
