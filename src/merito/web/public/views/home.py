"""The public front: the welcome page (a signed-in person goes on to their role's page) and
the audit log's signed tree heads, published for anyone to keep a copy."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from merito.audit.models import TreeHead


def home(request: HttpRequest) -> HttpResponse:
    """Public welcome; a signed-in person goes to their only landing or chooses one."""
    if request.user.is_authenticated:
        from merito.web.context_processors import navigation

        landings = navigation(request)["nav_landings"]
        if len(landings) == 1:
            return redirect(landings[0].url)
        return render(request, "web/choose_role.html", {"landings": landings})
    return render(request, "public/home.html")


@require_GET
def audit_heads(request: HttpRequest) -> HttpResponse:
    """The audit log's signed tree heads, newest first, for anyone to keep a copy."""
    heads = TreeHead.objects.order_by("-size").only("size", "root_hash", "created_at", "key_name")
    page = Paginator(heads, 50).get_page(request.GET.get("pagina"))
    latest = TreeHead.objects.order_by("-size").values_list("note", flat=True).first()
    return render(request, "public/audit_heads.html", {"page": page, "latest": latest})


@require_GET
def audit_checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed head as a C2SP checkpoint note (text/plain): the feed to poll."""
    latest = TreeHead.objects.order_by("-size").values_list("note", flat=True).first()
    if latest is None:
        raise Http404
    return HttpResponse(latest, content_type="text/plain; charset=utf-8")
