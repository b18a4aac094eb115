"""«¿Estoy en el banco de pares?», the peers' own requests (recognition, e-mail change) and
the activation link of a peer's account; each form is rate-limited by IP."""

from __future__ import annotations

from typing import Any, cast

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from merito.accounts.models import User
from merito.errors import DomainError
from merito.peers import selectors, services
from merito.peers.models import (
    RecognitionRequest,
)
from merito.web.public.forms.peers import (
    EmailChangeForm,
    LookupForm,
    RecognitionForm,
)
from merito.web.public.views.accounts import PasswordResetConfirmView


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


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """¿Estoy en el banco de pares? Only yes or no, and a masked e-mail: never a name."""
    form = LookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if rate_limited(request, "lookup"):
            return _too_many(request, "backoffice/peers/lookup.html", form)
        if form.is_valid():
            member = selectors.bank_member_by_document(
                country=form.cleaned_data["document_country"],
                doc_type=form.cleaned_data["document_type"],
                number=form.cleaned_data["document_number"],
            )
            return render(
                request,
                "backoffice/peers/lookup.html",
                {
                    "form": form,
                    "answered": True,
                    "found": member is not None,
                    "masked_email": selectors.mask_email(member.email) if member else "",
                },
            )
    return render(request, "backoffice/peers/lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST":
        if rate_limited(request, "email_change"):
            return _too_many(request, "backoffice/peers/email_change.html", form)
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
                    return redirect("public:peers:email_change")
    return render(request, "backoffice/peers/email_change.html", {"form": form})


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
            return redirect("public:peers:recognition")
    return render(
        request,
        "backoffice/peers/recognition.html",
        {"form": form, "requests": RecognitionRequest.objects.filter(user=user)},
    )


class ActivateView(PasswordResetConfirmView):
    """The link of the activation, reset and e-mail change messages: it sets a password
    and, having arrived by e-mail, proves the address."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.account_activated(user=form.user)
        return response
