"""Account pages: sign-up, e-mail verification, login (with second factor), logout,
password change and reset, and second-factor setup for staff."""

from __future__ import annotations

from typing import Any, cast

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

from merito.accounts import services
from merito.accounts.forms import LoginForm, OTPForm, PasswordResetRequestForm, SignUpForm
from merito.accounts.models import User
from merito.accounts.tokens import password_reset_token
from merito.audit.services import audit_record
from merito.errors import DomainError

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
        "accounts/lockout.html",
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
        return redirect("web:home")
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
            return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/signup_done.html", {"email": request.session.get("merito_signup_email")}
    )


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.user_verify_email(token=token)
    except DomainError as exc:
        return render(request, "accounts/verify_email.html", {"error": exc.message}, status=400)
    return render(request, "accounts/verify_email.html", {"error": None})


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
        elif TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
            request.session[_PENDING_OTP_USER] = user.pk
            request.session[_PENDING_OTP_NEXT] = _safe_next(request)
            request.session["merito_otp_attempts"] = 0
            return redirect("accounts:login_otp")
        else:
            login(request, user, backend=_BACKEND)
            audit_record(action="accounts.user.logged_in", actor=user, obj=user)
            return redirect(_safe_next(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "unverified": unverified, "next": request.GET.get("next", "")},
    )


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
    return redirect("accounts:login")


def login_otp(request: HttpRequest) -> HttpResponse:
    pending_id = request.session.get(_PENDING_OTP_USER)
    user = User.objects.filter(pk=pending_id).first() if pending_id else None
    if user is None:
        return redirect("accounts:login")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next(
            (
                d
                for d in TOTPDevice.objects.devices_for_user(user, confirmed=True)
                if d.verify_token(form.cleaned_data["token"])
            ),
            None,
        )
        if device is not None:
            next_url = request.session.get(_PENDING_OTP_NEXT) or reverse("web:home")
            login(request, user, backend=_BACKEND)
            otp_login(request, device)
            audit_record(
                action="accounts.user.logged_in",
                actor=user,
                obj=user,
                after={"second_factor": True},
            )
            return redirect(next_url)
        attempts = request.session.get("merito_otp_attempts", 0) + 1
        request.session["merito_otp_attempts"] = attempts
        if attempts >= MAX_OTP_ATTEMPTS:
            request.session.pop(_PENDING_OTP_USER, None)
            messages.error(
                request, _("Demasiados códigos incorrectos. Ingrese de nuevo con su contraseña.")
            )
            return redirect("accounts:login")
        form.add_error("token", _("El código no es válido o ya venció. Intente con el actual."))
    return render(request, "accounts/login_otp.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(action="accounts.user.logged_out", actor=request.user, obj=request.user)
    logout(request)
    messages.success(request, _("Cerró su sesión."))
    return redirect("web:home")


def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(identifier=form.cleaned_data["identifier"])
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset_form.html", {"form": form})


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/password_reset_done.html",
        {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    token_generator = password_reset_token
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_completed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
@permission_required("merito.manage_second_factor", raise_exception=True)
def security(request: HttpRequest) -> HttpResponse:
    """Enable or disable the TOTP second factor (staff)."""
    user = cast(User, request.user)
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = OTPForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "disable" and confirmed:
        if form.is_valid() and confirmed.verify_token(form.cleaned_data["token"]):
            TOTPDevice.objects.filter(user=user).delete()
            audit_record(action="accounts.user.second_factor_disabled", actor=user, obj=user)
            messages.success(request, _("Se desactivó el segundo factor."))
            return redirect("accounts:security")
        form.add_error("token", _("El código no es válido o ya venció."))
    pending = None
    if confirmed is None:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if pending is None:
            pending = TOTPDevice.objects.create(user=user, name="Mérito", confirmed=False)
        if request.method == "POST" and request.POST.get("action") == "enable":
            if form.is_valid() and pending.verify_token(form.cleaned_data["token"]):
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                audit_record(action="accounts.user.second_factor_enabled", actor=user, obj=user)
                messages.success(
                    request,
                    _("Segundo factor activado: se le pedirá un código cada vez que ingrese."),
                )
                return redirect("accounts:security")
            form.add_error("token", _("El código no es válido o ya venció."))
    context: dict[str, Any] = {"form": form, "confirmed": confirmed}
    if pending is not None:
        context.update(qr_svg=_qr_svg(pending.config_url), secret=_b32_secret(pending))
    return render(request, "accounts/security.html", context)


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _b32_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()
