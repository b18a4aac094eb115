"""The technical admin at ``/admin/``: platform superusers with a verified second factor.

Its own login form is not used: ``/admin/login/`` sends the visitor to Mérito's login,
which asks for the second factor, so there is one way in and one lockout.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class MeritoAdminSite(OTPAdminSite):
    site_header = _("Mérito — administración técnica")
    site_title = _("Mérito")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user  # django-otp adds is_verified() to it
        return bool(user.is_active and user.is_superuser and user.is_verified())

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.user.is_authenticated:
            # Signed in but not a verified superuser: no second chance through this form.
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('public:accounts:login')}?{urlencode({'next': next_url})}")
