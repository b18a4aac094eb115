"""Peer bank pages: the public check, recognition and e-mail change requests, activation
links, and the staff side (import, search with exports, report, requests, accounts)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from import_export.formats.base_formats import XLSX

from merito.accounts.models import User
from merito.accounts.views import PasswordResetConfirmView
from merito.audit.services import audit_read, audit_record
from merito.cases.models import CaseState
from merito.documents.models import Document
from merito.errors import DomainError
from merito.notifications.models import OutboundEmail
from merito.peers import selectors, services
from merito.peers.forms import (
    BounceForm,
    EmailChangeForm,
    ImportForm,
    LookupForm,
    ReasonForm,
    RecognitionForm,
)
from merito.peers.models import (
    EmailBounce,
    EmailChangeRequest,
    PeerGroup,
    PeerImport,
    PeerMembership,
    RecognitionRequest,
    RequestState,
)

PAGE_SIZE = 25
VERIFY = "merito.access_verification"


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Verifiers (and technical staff) only; anybody else gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not (user.has_perm(VERIFY) or getattr(user, "is_staff", False)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count this request against its IP; True once the window's allowance is spent."""
    limit, window = getattr(settings, "PEERS_PUBLIC_RATE_LIMIT", (10, 600))
    key = f"peers:rate:{scope}:{get_client_ip_address(request) or 'unknown'}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def _too_many(request: HttpRequest, template: str, form: forms.Form) -> HttpResponse:
    limit, window = getattr(settings, "PEERS_PUBLIC_RATE_LIMIT", (10, 600))
    form.add_error(
        None,
        _(
            "Hizo demasiadas consultas desde su conexión (máximo %(limit)d cada %(minutes)d "
            "minutos). Espere unos minutos e intente de nuevo."
        )
        % {"limit": limit, "minutes": window // 60},
    )
    return render(request, template, {"form": form}, status=429)


def _add_domain_error(form: forms.Form, error: DomainError, fields: dict[str, str]) -> None:
    form.add_error(fields.get(error.field or ""), error.message)


# --- public -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """¿Estoy en el banco de pares? Only yes or no, and a masked e-mail: never a name."""
    form = LookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if rate_limited(request, "lookup"):
            return _too_many(request, "peers/lookup.html", form)
        if form.is_valid():
            member = selectors.bank_member_by_document(
                country=form.cleaned_data["document_country"],
                doc_type=form.cleaned_data["document_type"],
                number=form.cleaned_data["document_number"],
            )
            return render(
                request,
                "peers/lookup.html",
                {
                    "form": form,
                    "answered": True,
                    "found": member is not None,
                    "masked_email": selectors.mask_email(member.email) if member else "",
                },
            )
    return render(request, "peers/lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST":
        if rate_limited(request, "email_change"):
            return _too_many(request, "peers/email_change.html", form)
        if form.is_valid():
            member = selectors.bank_member_by_document(
                country=form.cleaned_data["document_country"],
                doc_type=form.cleaned_data["document_type"],
                number=form.cleaned_data["document_number"],
            )
            if member is None:
                form.add_error(
                    "document_number",
                    _(
                        "Ese documento no está en el banco de pares. Consulte «¿Estoy en el "
                        "banco de pares?» antes de pedir el cambio de correo."
                    ),
                )
            else:
                try:
                    services.email_change_request(
                        user=member,
                        new_email=form.cleaned_data["new_email"],
                        uploaded_file=form.cleaned_data["identity_document"],
                    )
                except DomainError as error:
                    _add_domain_error(
                        form, error, {"file": "identity_document", "new_email": "new_email"}
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "Recibimos su solicitud. Revisaremos su documento de identidad y le "
                            "escribiremos a %(email)s. No envíe la misma solicitud otra vez ni a "
                            "otros destinatarios."
                        )
                        % {"email": form.cleaned_data["new_email"]},
                    )
                    return redirect("peers:email_change")
    return render(request, "peers/email_change.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def recognition(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = RecognitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recognition_request(
                user=user,
                group=form.cleaned_data["group"],
                knowledge_area=form.cleaned_data["knowledge_area"],
                region=form.cleaned_data["region"],
                explanation=form.cleaned_data["explanation"],
                uploaded_file=form.cleaned_data["proof"],
            )
        except DomainError as error:
            _add_domain_error(form, error, {"file": "proof", "group": "group"})
        else:
            messages.success(
                request,
                _(
                    "Recibimos su solicitud de reconocimiento. Le escribiremos a %(email)s "
                    "cuando se revise."
                )
                % {"email": user.email},
            )
            return redirect("peers:recognition")
    return render(
        request,
        "peers/recognition.html",
        {"form": form, "requests": RecognitionRequest.objects.filter(user=user)},
    )


class ActivateView(PasswordResetConfirmView):
    """The link of the activation, reset and e-mail change messages: it sets a password
    and, having arrived by e-mail, proves the address."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.account_activated(user=form.user)
        return response


# --- staff: import ------------------------------------------------------------------------


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
            return redirect("peers:import_detail", pk=batch.pk)
    return render(
        request,
        "peers/import.html",
        {"form": form, "imports": PeerImport.objects.defer("content")[:10]},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(PeerImport.objects.defer("content"), pk=pk)
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
        return redirect("peers:import_detail", pk=pk)
    report = services.ImportReport.from_dict(batch.report)
    page = Paginator(report.errors, 100).get_page(request.GET.get("pagina"))
    return render(
        request, "peers/import_detail.html", {"batch": batch, "report": report, "page": page}
    )


# --- staff: search, exports, report -------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, str]:
    group = request.GET.get("grupo", "")
    state = request.GET.get("estado", "")
    pending = request.GET.get("pendiente", "")
    return {
        "group": group if group in PeerGroup.values else "",
        "area": request.GET.get("area", "").strip(),
        "region": request.GET.get("region", "").strip(),
        "update_state": state if state in dict(selectors.UPDATE_STATES) else "",
        "pending": pending if pending in dict(selectors.PENDING_CHOICES) else "",
        "query": request.GET.get("q", "").strip(),
    }


def _export(people: Any, fmt: str) -> HttpResponse:
    dataset = selectors.bank_dataset(people)
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
    people = selectors.bank_search(**filters)
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
        person.update_state_label = selectors.update_state_label(person.update_state)
    return render(
        request,
        "peers/search.html",
        {
            "page": page,
            "filters": filters,
            "groups": PeerGroup.choices,
            "states": selectors.UPDATE_STATES,
            "pendings": selectors.PENDING_CHOICES,
            "total": page.paginator.count,
        },
    )


@staff_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "peers/report.html",
        {
            "lines": selectors.update_report(),
            "unfinished": [CaseState(s).label for s in selectors.UNFINISHED_STATES],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.person_for_staff(pk=pk)
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
            return redirect("peers:person", pk=pk)
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
            return redirect("peers:person", pk=pk)
        if action != "rebote":
            raise Http404
    member.refresh_from_db(fields=["password_reset_sent_at"])
    # Staff reading another person's personal data leave a trace.
    audit_read(actor=request.user, obj=member, what="peers.person.viewed")
    return render(
        request,
        "peers/person.html",
        {
            "member": member,
            "update_state": selectors.update_state_label(getattr(member, "update_state", None)),
            "memberships": PeerMembership.objects.filter(user=member),
            "bounces": EmailBounce.objects.filter(user=member)[:20],
            "failures": selectors.lockout_failures(member),
            "locked": selectors.is_locked_out(member),
            "bounce_form": bounce_form,
            "emails": OutboundEmail.objects.filter(user=member, kind__startswith="peers.")[:20],
        },
    )


# --- staff: requests ----------------------------------------------------------------------


@staff_required
@require_GET
def requests_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "peers/requests.html",
        {
            "recognitions": selectors.pending_recognitions(),
            "email_changes": selectors.pending_email_changes(),
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
                return redirect("peers:requests")
            if action == "rechazar" and form.is_valid():
                reject(request=item, reviewer=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("La solicitud fue rechazada; se informó el motivo."))
                return redirect("peers:requests")
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
    item = get_object_or_404(RecognitionRequest.objects.select_related("user", "proof"), pk=pk)
    return _review(
        request,
        item,
        approve=services.recognition_approve,
        reject=services.recognition_reject,
        template="peers/recognition_review.html",
        approved_message=_("Solicitud aprobada: la persona quedó en el banco de pares."),
    )


@staff_required
@require_GET
def recognition_proof(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(RecognitionRequest.objects.select_related("proof"), pk=pk)
    return _pdf(request, item.proof)


@staff_required
@require_http_methods(["GET", "POST"])
def email_change_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        EmailChangeRequest.objects.select_related("user", "identity_document"), pk=pk
    )
    return _review(
        request,
        item,
        approve=services.email_change_approve,
        reject=services.email_change_reject,
        template="peers/email_change_review.html",
        approved_message=_("Correo cambiado; se envió el enlace de acceso al correo nuevo."),
    )


@staff_required
@require_GET
def email_change_document(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(EmailChangeRequest.objects.select_related("identity_document"), pk=pk)
    return _pdf(request, item.identity_document)
