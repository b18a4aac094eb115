"""What every backoffice page of the selection processes shares: the scope checks of a
process and a test, pagination, and the page frame with its menu and the published
notices (Avisos).

A person without the role a page needs gets 403; a process, test, operator or user outside
the viewer's scope answers 404, so ids of other operators reveal nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from merito.calls import scope as calls_scope
from merito.calls.models import Notice, SelectionProcess, Test
from merito.errors import DomainError
from merito.reports import scope

PAGE_SIZE = 20
MANAGE = "merito.access_process_management"
OPERATE = "merito.access_operator"
# The roles that hold folders: they open «Mis carpetas» and declare conflicts of interest.
WORKER_PERMS = ("merito.access_analysis", "merito.access_supervision", "merito.access_audit")
NOTICES_SEEN = "evaluation.notices_seen"


def can_manage_processes(user: Any) -> bool:
    return user.has_perm(MANAGE) or user.has_perm(OPERATE)


def holds_folders(user: Any) -> bool:
    return any(user.has_perm(perm) for perm in WORKER_PERMS)


def menu(user: Any) -> dict[str, bool]:
    """Which entries of the menu this person may open (no entry that would answer 403)."""
    processes = can_manage_processes(user)
    return {
        "processes": processes,
        "operators": processes,
        "reports": scope.can_view(user),
        "folders": holds_folders(user),
    }


def require_staff(request: HttpRequest) -> None:
    """Gerencia del proceso or the operator's administrator; anyone else gets 403."""
    if not can_manage_processes(request.user):
        raise PermissionDenied


def process_or_404(request: HttpRequest, pk: int) -> SelectionProcess:
    require_staff(request)
    process = calls_scope.visible_processes(request.user).filter(pk=pk).first()
    if process is None:
        raise Http404
    return process


def managed_process(request: HttpRequest, pk: int) -> SelectionProcess:
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    process = process_or_404(request, pk)
    if not calls_scope.can_manage_process(request.user, process):
        raise PermissionDenied
    return process


def test_or_404(request: HttpRequest, process: SelectionProcess, test_pk: int) -> Test:
    test = calls_scope.visible_tests(request.user).filter(process=process, pk=test_pk).first()
    if test is None:
        raise Http404
    return test


def refuse(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def page_of(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(items, size).get_page(request.GET.get("pagina"))


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Every page carries the published notices (Avisos), opened once per session."""
    calls = calls_scope.visible_processes(request.user).values("call_id")
    notices = list(
        Notice.objects.filter(published_at__isnull=False, call_id__in=calls).select_related("call")[
            :20
        ]
    )
    open_notices = bool(notices) and not request.session.get(NOTICES_SEEN)
    if open_notices:
        request.session[NOTICES_SEEN] = True
    context = {
        **context,
        "notices": notices,
        "open_notices": open_notices,
        "is_manager": request.user.has_perm(MANAGE),
        "is_operator_admin": request.user.has_perm(OPERATE),
        "menu": menu(request.user),
    }
    return render(request, template, context, status=status)
