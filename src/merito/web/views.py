from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from merito.organizations.models import RoleAssignment
from merito.web.roles import LANDINGS_BY_SLUG


def landing(request: HttpRequest, slug: str, audience: str = "backoffice") -> HttpResponse:
    """A role's page: what it does, where the person holds it, and its tools. The portal's
    landing is its home; the staff roles' live under the backoffice."""
    page = LANDINGS_BY_SLUG.get(slug)
    if page is None or page.audience != audience:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(page.permission):
        raise PermissionDenied
    assignments = (
        RoleAssignment.objects.filter(user=request.user, role__in=page.roles)
        .select_related("organization", "call")
        .order_by("role", "organization__name")
    )
    tools = []
    allowed = not page.tools_permission or request.user.has_perm(page.tools_permission)
    for url_name, label in page.tools if allowed else ():
        try:
            tools.append((reverse(url_name), label))
        except NoReverseMatch:
            continue
    return render(
        request,
        "web/landing.html",
        {"page": page, "assignments": assignments, "tools": tools},
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, file storage and task broker: 200 when all answer, 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - the health check reports, never raises
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        with default_storage.open(name) as handle:
            ok = handle.read() == b"ok"
        default_storage.delete(name)
        checks["storage"] = "ok" if ok else "error: contenido distinto"
    except Exception as exc:  # noqa: BLE001
        checks["storage"] = f"error: {type(exc).__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {type(exc).__name__}"
    else:
        checks["broker"] = "ok (en proceso, sin broker)"
    healthy = all(value.startswith("ok") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _error(template: str, status: int):
    def view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        return render(request, template, status=status)

    return view


bad_request = _error("web/errors/400.html", 400)
permission_denied = _error("web/errors/403.html", 403)
page_not_found = _error("web/errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that may touch the database: the error may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("web/errors/500.html").render(), status=500)
