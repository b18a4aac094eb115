"""Addresses from before the audiences had their own roots. E-mails already sent (receipts,
case notices, activation links) and bookmarks carry them: each answers a permanent redirect
to where the page lives now, query string kept (308 for a POST, so a form still open in a
browser at the move is not lost)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.http.response import HttpResponseRedirectBase
from django.urls import re_path

from merito.web.roles import FORMER_SLUGS, LANDINGS_BY_SLUG


class HttpResponsePermanentRedirectKeepMethod(HttpResponseRedirectBase):
    status_code = 308


def _redirect(request: HttpRequest, target: str) -> HttpResponse:
    query = request.META.get("QUERY_STRING", "")
    url = f"{target}?{query}" if query else target
    if request.method in ("GET", "HEAD"):
        return HttpResponsePermanentRedirect(url)
    return HttpResponsePermanentRedirectKeepMethod(url)


def moved_to(prefix: str):
    def view(request: HttpRequest, rest: str = "") -> HttpResponse:
        return _redirect(request, prefix + rest)

    return view


def moved_landing(request: HttpRequest, slug: str) -> HttpResponse:
    page = LANDINGS_BY_SLUG.get(FORMER_SLUGS.get(slug, slug))
    if page is None:
        raise Http404
    return _redirect(request, page.url)


app_name = "moved"

urlpatterns = [
    re_path(r"^hoja-de-vida/(?P<rest>.*)$", moved_to("/portal/hoja-de-vida/"), name="profiles"),
    re_path(r"^documentos/(?P<rest>.*)$", moved_to("/portal/documentos/"), name="documents"),
    re_path(
        r"^inscripciones/(?P<rest>.*)$", moved_to("/portal/inscripciones/"), name="applications"
    ),
    re_path(
        r"^convocatorias/(?P<rest>[^/]+/mi-puntaje/)$",
        moved_to("/portal/convocatorias/"),
        name="score_preview",
    ),
    re_path(
        r"^pares/verificacion/(?P<rest>.*)$", moved_to("/gestion/verificacion/"), name="cases_queue"
    ),
    re_path(r"^pares/(?P<rest>.*)$", moved_to("/portal/pares/"), name="cases"),
    re_path(
        r"^banco-de-pares/gestion/(?P<rest>.*)$",
        moved_to("/gestion/banco-de-pares/"),
        name="peers_search",
    ),
    re_path(
        r"^banco-de-pares/(?P<rest>(?:importar|solicitudes)/.*)$",
        moved_to("/gestion/banco-de-pares/"),
        name="peers_backoffice",
    ),
    re_path(r"^(?P<slug>[-a-z]+)/$", moved_landing, name="landing"),
]
