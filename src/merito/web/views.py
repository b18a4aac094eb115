from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from merito.audit.models import TreeHead
from merito.organizations.models import RoleAssignment
from merito.web.roles import LANDINGS_BY_SLUG


def home(request: HttpRequest) -> HttpResponse:
    """Public welcome; a signed-in person goes to their only landing or chooses one."""
    if request.user.is_authenticated:
        from merito.web.context_processors import navigation

        landings = navigation(request)["nav_landings"]
        if len(landings) == 1:
            return redirect("web:landing", slug=landings[0].slug)
        return render(request, "web/choose_role.html", {"landings": landings})
    return render(request, "web/home.html")


def landing(request: HttpRequest, slug: str) -> HttpResponse:
    page = LANDINGS_BY_SLUG.get(slug)
    if page is None:
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
    for url_name, label in page.tools:
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


@require_GET
def audit_heads(request: HttpRequest) -> HttpResponse:
    """The audit log's signed tree heads, newest first, for anyone to keep a copy."""
    heads = TreeHead.objects.order_by("-size").only("size", "root_hash", "created_at", "key_name")
    page = Paginator(heads, 50).get_page(request.GET.get("pagina"))
    latest = TreeHead.objects.order_by("-size").values_list("note", flat=True).first()
    return render(request, "web/audit_heads.html", {"page": page, "latest": latest})


@require_GET
def audit_checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed head as a C2SP checkpoint note (text/plain): the feed to poll."""
    latest = TreeHead.objects.order_by("-size").values_list("note", flat=True).first()
    if latest is None:
        raise Http404
    return HttpResponse(latest, content_type="text/plain; charset=utf-8")
