"""Request ids: taken from ``X-Request-ID`` (when a proxy sets a sane one) or made here,
returned in the response, written in every log line and in audit events."""

from __future__ import annotations

import logging
import re
import uuid

from merito.audit import context

_VALID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = context.request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.request_id.get()
        return True


class SpanishFirstLocaleMiddleware:
    """Spanish unless the person chose another language with the switcher (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a public
    selection platform of Colombia and Peru speaks Spanish first, whatever the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SecondFactorMiddleware:
    """Staff accounts reach no page without a verified second factor.

    A staff account signed in with its password only (its first login, or a device reset
    by an administrator) is sent to enrol; a session without the second step but whose
    account has a device (one begun before the device existed) is ended and sent to log
    in again. Only the pages of those two steps, logging out and changing the language
    stay open. Applicants and peers pass untouched.
    """

    OPEN = frozenset(
        {
            "public:accounts:login",
            "public:accounts:login_otp",
            "public:accounts:logout",
            "public:accounts:security",
            "public:accounts:recovery_codes",
            "public:accounts:email_confirm",
            "public:accounts:verify_email",
            "set_language",
            "healthz",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode
        from django.utils.translation import gettext as _

        from merito.accounts import second_factor

        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not second_factor.requires_second_factor(user):
            return None
        if request.resolver_match.view_name in self.OPEN:
            return None
        query = urlencode({"next": request.get_full_path()})
        if second_factor.has_second_factor(user):
            logout(request)
            messages.info(request, _("Ingrese de nuevo: su cuenta pide un código de verificación."))
            return redirect(f"{reverse('public:accounts:login')}?{query}")
        return redirect(f"{reverse('public:accounts:security')}?{query}")
