"""Each audience's one entry gate, put in front of every view under its URL root.

An audience's ``urls.py`` passes its patterns through :func:`gate`; a view then only
checks what is particular to it (the object's scope, the role over a call)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver

View = Callable[..., HttpResponseBase]


def signed_in(view: View) -> View:
    """The portal: anyone signed in (applicants, peers); others go to sign in."""
    return login_required(view)


def staff(view: View) -> View:
    """The backoffice: signed in, and holding a staff role somewhere (or a superuser);
    a signed-in applicant gets 403."""

    @wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm("merito.access_backoffice"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(gated)


def gate(patterns: list[Any], check: Callable[[View], View]) -> list[Any]:
    """The same patterns, every view behind ``check`` (included URL lists too)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            gate(pattern.url_patterns, check)
        elif isinstance(pattern, URLPattern):
            pattern.callback = check(pattern.callback)
    return patterns
