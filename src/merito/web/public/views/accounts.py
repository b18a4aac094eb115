"""Account pages: sign-up, e-mail verification, login (with second factor), logout,
password change and reset, e-mail change, and the second factor of staff accounts."""

from __future__ import annotations

import time
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rules.contrib.views import permission_required

from merito.accounts import second_factor, services
from merito.accounts.models import RecoveryCodeDevice, User
from merito.accounts.tokens import password_reset_token
from merito.audit.services import audit_record
from merito.errors import DomainError
from merito.organizations.models import Role
from merito.web.public.forms.accounts import (
    ConfirmIdentityForm,
    EmailChangeForm,
    EnrolForm,
    LoginCodeForm,
    LoginForm,
    PasswordResetRequestForm,
    SignUpForm,
)

_PENDING_OTP_USER = "merito_pending_otp_user"
_PENDING_OTP_NEXT = "merito_pending_otp_next"
_BACKEND = "merito.accounts.backends.IdentifierBackend"
MAX_OTP_ATTEMPTS = 5


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def lockout(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any):
    """django-axes hook: the Spanish lockout page, saying how to get back in."""
    return render(
        request,
        "public/accounts/lockout.html",
        {"cooloff": cooloff_text(), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def cooloff_text() -> str:
    """How long a lockout lasts, in words: "1 hora", "30 minutos"."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hora", "%(n)d horas", hours) % {"n": hours}
    return ngettext("%(n)d minuto", "%(n)d minutos", minutes) % {"n": minutes}


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("public:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(
                user=form.save(commit=False), password=form.cleaned_data["password1"]
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            request.session["merito_signup_email"] = user.email
            return redirect("public:accounts:signup_done")
    return render(request, "public/accounts/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/accounts/signup_done.html",
        {"email": request.session.get("merito_signup_email")},
    )


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.user_verify_email(token=token)
    except DomainError as exc:
        return render(
            request, "public/accounts/verify_email.html", {"error": exc.message}, status=400
        )
    return render(request, "public/accounts/verify_email.html", {"error": None})


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    unverified: User | None = None
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["identifier"],
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return lockout(request)
        if user is None:
            form.add_error(
                None,
                _(
                    "El documento, correo o usuario y la contraseña no coinciden. Tras "
                    "%(limit)d intentos fallidos la cuenta se bloquea por seguridad."
                )
                % {"limit": settings.AXES_FAILURE_LIMIT},
            )
        elif not user.email_verified:
            unverified = user
            request.session["merito_unverified_user"] = user.pk
        elif second_factor.has_second_factor(user):
            request.session[_PENDING_OTP_USER] = user.pk
            request.session[_PENDING_OTP_NEXT] = _safe_next(request)
            request.session["merito_otp_attempts"] = 0
            return redirect("public:accounts:login_otp")
        else:
            login(request, user, backend=_BACKEND)
            audit_record(action="accounts.user.logged_in", actor=user, obj=user)
            if second_factor.requires_second_factor(user):
                # First login of a staff account: it enrols before anything else.
                return redirect(_with_next("public:accounts:security", _safe_next(request)))
            return redirect(_safe_next(request))
    return render(
        request,
        "public/accounts/login.html",
        {"form": form, "unverified": unverified, "next": request.GET.get("next", "")},
    )


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    user_id = request.session.pop("merito_unverified_user", None)
    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is not None:
        services.user_send_verification(user=user)
    messages.info(
        request,
        _("Si la cuenta aún no estaba verificada, enviamos un nuevo enlace a su correo."),
    )
    return redirect("public:accounts:login")


def login_otp(request: HttpRequest) -> HttpResponse:
    pending_id = request.session.get(_PENDING_OTP_USER)
    user = User.objects.filter(pk=pending_id, is_active=True).first() if pending_id else None
    if user is None:
        return redirect("public:accounts:login")
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.verify_login_code(user, form.cleaned_data["token"])
        if device is not None:
            next_url = request.session.get(_PENDING_OTP_NEXT) or reverse("public:home")
            login(request, user, backend=_BACKEND)
            otp_login(request, device)
            recovery = isinstance(device, RecoveryCodeDevice)
            audit_record(
                action="accounts.user.logged_in",
                actor=user,
                obj=user,
                after={"second_factor": "recovery_code" if recovery else "totp"},
            )
            if recovery:
                messages.warning(
                    request,
                    _(
                        "Ingresó con un código de recuperación; le quedan %(n)d. Si perdió "
                        "su dispositivo, registre uno nuevo en «Seguridad»."
                    )
                    % {"n": second_factor.recovery_codes_left(user)},
                )
            return redirect(next_url)
        attempts = request.session.get("merito_otp_attempts", 0) + 1
        request.session["merito_otp_attempts"] = attempts
        if attempts >= MAX_OTP_ATTEMPTS:
            request.session.pop(_PENDING_OTP_USER, None)
            messages.error(
                request, _("Demasiados códigos incorrectos. Ingrese de nuevo con su contraseña.")
            )
            return redirect("public:accounts:login")
        form.add_error("token", _("El código no es válido o ya venció. Intente con el actual."))
    return render(request, "public/accounts/login_otp.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(action="accounts.user.logged_out", actor=request.user, obj=request.user)
    logout(request)
    messages.success(request, _("Cerró su sesión."))
    return redirect("public:home")


def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(identifier=form.cleaned_data["identifier"])
        return redirect("public:accounts:password_reset_done")
    return render(request, "public/accounts/password_reset_form.html", {"form": form})


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/accounts/password_reset_done.html",
        {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "public/accounts/password_reset_confirm.html"
    token_generator = password_reset_token
    success_url = reverse_lazy("public:accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_completed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "public/accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "public/accounts/password_change.html"
    success_url = reverse_lazy("public:accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "public/accounts/password_change_done.html"


def _password_ok(request: HttpRequest, user: User, password: str) -> bool:
    """The password again, counted by the lockout like a login attempt."""
    checked = authenticate(request, username=user.email, password=password)
    return checked is not None and checked.pk == user.pk


# Set for a few minutes once the person proved the password and the current device.
_REPLACING = "merito_second_factor_replacing"
_REPLACE_WINDOW_SECONDS = 600
_NEW_CODES = "merito_recovery_codes"


def _replacing(request: HttpRequest) -> bool:
    started = request.session.get(_REPLACING)
    return started is not None and time.time() - started < _REPLACE_WINDOW_SECONDS


@login_required
@permission_required("merito.manage_second_factor", raise_exception=True)
def security(request: HttpRequest) -> HttpResponse:
    """The second factor of a staff account: enrol, replace the device, new recovery codes.

    A first enrolment asks for the password and a code of the new device; with a device
    already there, any change first asks for the password and a code of that device.
    """
    user = cast(User, request.user)
    current = second_factor.confirmed_totp(user)
    next_url = (
        _safe_next(request) if request.GET.get("next") else reverse("public:accounts:security")
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    enrolling = current is None or _replacing(request)
    enrol_form = EnrolForm(
        request.POST if action == "enrol" else None, ask_password=current is None
    )
    identity_form = ConfirmIdentityForm(request.POST if action in {"replace", "codes"} else None)
    pending = second_factor.pending_totp(user) if enrolling else None

    if action == "enrol" and pending is not None and enrol_form.is_valid():
        password = enrol_form.cleaned_data.get("password")
        if password is not None and not _password_ok(request, user, password):
            enrol_form.add_error("password", _("La contraseña no es correcta."))
        else:
            try:
                codes = second_factor.second_factor_enrol(
                    user=user, device=pending, token=enrol_form.cleaned_data["token"]
                )
            except DomainError as exc:
                enrol_form.add_error(exc.field, exc.message)
            else:
                pending.refresh_from_db()
                otp_login(request, pending)
                request.session.pop(_REPLACING, None)
                request.session[_NEW_CODES] = codes
                messages.success(
                    request,
                    _("Segundo factor activado: se le pedirá un código cada vez que ingrese."),
                )
                return redirect(_with_next("public:accounts:recovery_codes", next_url))
    elif action in {"replace", "codes"} and current is not None and identity_form.is_valid():
        if not _password_ok(request, user, identity_form.cleaned_data["password"]):
            identity_form.add_error("password", _("La contraseña no es correcta."))
        elif second_factor.verify_login_code(user, identity_form.cleaned_data["token"]) is None:
            identity_form.add_error("token", _("El código no es válido o ya venció."))
        elif action == "codes":
            request.session[_NEW_CODES] = second_factor.recovery_codes_issue(user=user)
            return redirect(_with_next("public:accounts:recovery_codes", next_url))
        else:
            request.session[_REPLACING] = time.time()
            return redirect("public:accounts:security")

    context: dict[str, Any] = {
        "current": current,
        "enrolling": enrolling,
        "enrol_form": enrol_form,
        "identity_form": identity_form,
        "required": second_factor.requires_second_factor(user),
        "staff_roles": user.role_assignments.exclude(role=Role.APPLICANT).select_related(
            "organization", "call"
        ),
        "codes_left": second_factor.recovery_codes_left(user) if current else 0,
        "next": next_url,
    }
    if pending is not None:
        context.update(qr_svg=_qr_svg(pending.config_url), secret=_b32_secret(pending))
    status = 400 if (enrol_form.errors or identity_form.errors) else 200
    return render(request, "public/accounts/security.html", context, status=status)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown this once: they are kept only as hashes."""
    codes = request.session.pop(_NEW_CODES, None)
    if not codes:
        return redirect("public:accounts:security")
    next_url = (
        _safe_next(request) if request.GET.get("next") else reverse("public:accounts:security")
    )
    return render(
        request, "public/accounts/recovery_codes.html", {"codes": codes, "next": next_url}
    )


@login_required
def email_change(request: HttpRequest) -> HttpResponse:
    """The person asks for a new e-mail; it applies once the link sent there is opened."""
    user = cast(User, request.user)
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _password_ok(request, user, form.cleaned_data["password"]):
            form.add_error("password", _("La contraseña no es correcta."))
        else:
            try:
                services.email_change_request(
                    user=user, new_email=form.cleaned_data["email"], by=user
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Enviamos un enlace a %(email)s. Su correo cambia cuando lo abra; "
                        "mientras tanto sigue siendo %(current)s."
                    )
                    % {"email": form.cleaned_data["email"], "current": user.email},
                )
                return redirect("public:accounts:email_change")
    user.refresh_from_db(fields=["pending_email", "pending_email_requested_at", "email"])
    return render(
        request,
        "public/accounts/email_change.html",
        {"form": form, "account": user},
        status=400 if form.errors else 200,
    )


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the new address: GET shows a button, POST applies the change (mail
    scanners that follow links must not change an account)."""
    if request.method == "POST":
        try:
            services.email_change_confirm(token=token)
        except DomainError as exc:
            return render(
                request, "public/accounts/email_confirm.html", {"error": exc.message}, status=400
            )
        logout(request)
        return render(request, "public/accounts/email_confirm.html", {"done": True})
    return render(request, "public/accounts/email_confirm.html", {"token": token})


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _b32_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()
