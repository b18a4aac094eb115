"""Folders: distribution by the operator's administrator, and work by its people.

The distribution screens answer 404 for a test of another operator (the test selectors
scope it) and 403 to anyone but the administrator of the test's operator. A worker sees
only the folders they hold now: any other folder id answers 404, and an action that
belongs to another role of the folder answers 403.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merito.accounts.models import User
from merito.audit.services import audit_read
from merito.calls import scope as calls_scope
from merito.calls import services
from merito.calls.models import Position, Test, TestType
from merito.errors import DomainError
from merito.evaluation import distribution, folder_selectors, review
from merito.evaluation import scope as evaluation_scope
from merito.evaluation.models import (
    FOLDER_ROLES,
    DistributionKind,
    Folder,
    FolderState,
)
from merito.jobs import JobState
from merito.organizations.models import Role
from merito.pagination import Keyed
from merito.web.backoffice.forms.evaluation import (
    AutomaticDistributionForm,
    ConflictForm,
    FolderFilter,
    VaScoreForm,
    VrmDecisionForm,
)
from merito.web.backoffice.views.base import (
    MANAGE,
    holds_folders,
    process_or_404,
    render_page,
    test_or_404,
)
from merito.web.backoffice.views.folder_page import folder_page

ROLE_FIELDS = {"supervisor": Role.SUPERVISOR, "analista": Role.ANALYST, "auditor": Role.AUDITOR}


def _admin_test(request: HttpRequest, pk: int, test_pk: int) -> Test:
    process = process_or_404(request, pk)
    test = test_or_404(request, process, test_pk)
    if test.operator_id not in calls_scope.administered_operator_ids(request.user):
        raise PermissionDenied
    return test


def _linked(test: Test) -> dict[str, list[User]]:
    users: dict[str, list[User]] = {role: [] for role in FOLDER_ROLES}
    links = test.linked_users.filter(role__in=FOLDER_ROLES, user__is_active=True)
    for link in links.select_related("user").order_by("user__username"):
        users[link.role].append(link.user)
    return users


def _chosen(request: HttpRequest, linked: dict[str, list[User]]) -> dict[str, User | None]:
    chosen: dict[str, User | None] = {}
    for name, role in ROLE_FIELDS.items():
        value = request.POST.get(name, "")
        chosen[role] = next((u for u in linked[role] if str(u.pk) == value), None)
        if value and chosen[role] is None:
            raise DomainError(
                _("Elija un usuario de la lista para el rol %(r)s.") % {"r": role.label}
            )
    return chosen


def _filters(request: HttpRequest, test: Test, linked: dict[str, list[User]]) -> FolderFilter:
    form = FolderFilter(request.GET or None)
    levels = distribution.tally_levels(test)
    form.fields["nivel"].choices = [("", _("Todos")), *((lv, lv) for lv in levels)]  # type: ignore[attr-defined]
    form.fields["estado"].choices = [("", _("Todos")), *FolderState.choices]  # type: ignore[attr-defined]
    form.fields["rol"].choices = [("", _("Todos")), *((r.value, r.label) for r in FOLDER_ROLES)]  # type: ignore[attr-defined]
    people = {u.pk: u for users in linked.values() for u in users}
    form.fields["usuario"].choices = [  # type: ignore[attr-defined]
        ("", _("Todos")),
        *(
            (str(pk), u.username)
            for pk, u in sorted(people.items(), key=lambda i: i[1].username or "")
        ),
    ]
    form.is_valid()
    return form


def _cleaned(form: FolderFilter, linked: dict[str, list[User]]) -> dict[str, Any]:
    data = dict(getattr(form, "cleaned_data", {}))
    people = {str(u.pk): u for users in linked.values() for u in users}
    data["usuario"] = people.get(data.get("usuario") or "")
    return data


@login_required
@require_http_methods(["GET", "POST"])
def distribution_manual(request: HttpRequest, pk: int, test_pk: int) -> HttpResponse:
    """ "Distribución manual": filter, mark folders and assign them, or assign in mass."""
    test = _admin_test(request, pk, test_pk)
    linked = _linked(test)
    filters = _filters(request, test, linked)
    cleaned = _cleaned(filters, linked)
    order = request.GET.get("orden", "")
    folders = folder_selectors.folder_list(test=test, filters=cleaned, order=order)
    if request.method == "POST":
        try:
            users = _chosen(request, linked)
            if request.POST.get("accion") == "masiva":
                raw = request.POST.get("cantidad", "").strip()
                count = distribution.folders_assign_mass(
                    test=test,
                    candidates=folders,
                    quantity=int(raw) if raw.isdigit() else None,
                    users=users,
                    by=request.user,
                )
            else:
                ids = [int(v) for v in request.POST.getlist("carpeta") if v.isdigit()]
                count = distribution.folders_assign_selected(
                    test=test, folder_ids=ids, users=users, by=request.user
                )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("La asignación fue exitosa: %(n)s carpeta(s) asignada(s).") % {"n": count},
            )
        return redirect(request.get_full_path())
    size = cleaned.get("por_pagina") or 10
    page = Keyed(
        folders,
        size,
        count=lambda: folder_selectors.folder_count(test=test, filters=cleaned),
    ).get_page(request.GET.get("pagina"))
    unassigned = folder_selectors.folder_count(
        test=test, filters=cleaned, state=FolderState.UNASSIGNED
    )
    return render_page(
        request,
        "backoffice/evaluation/distribution_manual.html",
        {
            "process": test.process,
            "test": test,
            "filters": filters,
            "order": order,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "linked": [(slug, role.label, linked[role]) for slug, role in ROLE_FIELDS.items()],
            "unassigned": unassigned
            if unassigned is not None
            else folders.filter(state=FolderState.UNASSIGNED).count(),
            "refusal": distribution.distribution_refusal(test),
            "mass_limit": distribution.MASS_LIMIT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def distribution_automatic(request: HttpRequest, pk: int, test_pk: int) -> HttpResponse:
    """ "Distribución automática": schedule a job ("Programar trabajo") and follow it."""
    test = _admin_test(request, pk, test_pk)
    levels = list(
        distribution.test_inscriptions(test)
        .order_by("position__level")
        .values_list("position__level", flat=True)
        .distinct()
    )
    positions = Position.objects.filter(call_id=test.process.call_id).order_by("code")
    if test.positions.exists():
        positions = positions.filter(pk__in=test.positions.values("pk"))
    form = AutomaticDistributionForm(request.POST or None)
    form.fields["tipo"].choices = DistributionKind.choices  # type: ignore[attr-defined]
    form.fields["nivel"].choices = [("", "—"), *((lv, lv) for lv in levels)]  # type: ignore[attr-defined]
    form.fields["empleo"].choices = [  # type: ignore[attr-defined]
        ("", "—"),
        *((str(p.pk), f"{p.code} — {p.name}") for p in positions),
    ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        position = positions.filter(pk=data["empleo"]).first() if data["empleo"] else None
        try:
            job = distribution.distribution_schedule(
                test=test,
                kind=data["tipo"],
                level=data["nivel"],
                position=position,
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("El trabajo %(n)s quedó programado.") % {"n": job.pk})
        return redirect("backoffice:evaluation:distribution_automatic", pk=pk, test_pk=test_pk)
    jobs = (
        evaluation_scope.visible_distribution_jobs(request.user)
        .filter(test=test)
        .select_related("created_by", "position")
    )
    page = Paginator(jobs, 10).get_page(request.GET.get("pagina"))
    running = jobs.filter(state__in=(JobState.PENDING, JobState.RUNNING)).exists()
    return render_page(
        request,
        "backoffice/evaluation/distribution_automatic.html",
        {
            "process": test.process,
            "test": test,
            "form": form,
            "page": page,
            "running": running,
            "refusal": distribution.distribution_refusal(test),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def distribution_sync(request: HttpRequest, pk: int, test_pk: int) -> HttpResponse:
    test = _admin_test(request, pk, test_pk)
    created = distribution.folders_sync(test=test)
    messages.success(request, _("%(n)s carpeta(s) nueva(s).") % {"n": created})
    return redirect("backoffice:evaluation:test_detail", pk=pk, test_pk=test_pk)


@login_required
@require_GET
def test_folder(request: HttpRequest, pk: int, test_pk: int, folder_pk: int) -> HttpResponse:
    """A folder seen from its test by the administrator or Gerencia, with its history."""
    process = process_or_404(request, pk)
    test = test_or_404(request, process, test_pk)
    folder = folder_selectors.folder_of_test(request.user, test, folder_pk)
    if folder is None:
        raise Http404
    audit_read(actor=request.user, obj=folder, what="evaluation.folder.viewed")
    return folder_page(request, folder, worker=False)


@login_required
@require_POST
def process_test_stage(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_or_404(request, pk)
    if not (
        request.user.has_perm(MANAGE) and calls_scope.can_manage_process(request.user, process)
    ):
        raise PermissionDenied
    try:
        services.process_set_test_stage(
            process=process, open_stage=request.POST.get("abrir") == "1", by=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La información se guardó correctamente."))
    return redirect("backoffice:evaluation:process_detail", pk=pk)


def _worker(request: HttpRequest) -> None:
    if not holds_folders(request.user):
        raise PermissionDenied


@login_required
@require_GET
def my_folder_list(request: HttpRequest) -> HttpResponse:
    _worker(request)
    state = request.GET.get("estado", "")
    state = state if state in FolderState.values else ""
    folders = folder_selectors.my_folders(request.user, state=state)
    # Exact count (a worker's folders are thousands, not millions); pages read by id, so
    # the last one does not join every folder before it.
    page = Keyed(folders, 20, cap=None).get_page(request.GET.get("pagina"))
    return render_page(
        request,
        "backoffice/evaluation/my_folders.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "state": state,
            "states": FolderState.choices,
        },
    )


def _score(request: HttpRequest, folder: Folder) -> HttpResponse:
    """ "Calificar": the VRM decision, or the VA as the scoring engine computes it."""
    if folder.analyst_id != request.user.pk:
        raise PermissionDenied(_("Esta acción corresponde al Analista de la carpeta."))
    version = request.POST.get("version", "")
    expected = int(version) if version.isdigit() else -1
    form: VrmDecisionForm | VaScoreForm
    if folder.test.test_type == TestType.VRM:
        form = VrmDecisionForm(request.POST, requirements=review.job_requirements(folder))
    else:
        form = VaScoreForm(request.POST)
    if not form.is_valid():
        return folder_page(request, folder, score_form=form)
    data = form.cleaned_data
    try:
        if isinstance(form, VrmDecisionForm):
            review.folder_score_vrm(
                folder=folder,
                user=request.user,
                expected_version=expected,
                decision=data["decision"],
                requirement_id=data.get("criterio"),
                observation=data.get("observacion", ""),
            )
        else:
            review.folder_score_va(
                folder=folder,
                user=request.user,
                expected_version=expected,
                observation=data.get("observacion", ""),
            )
    except DomainError as error:
        messages.error(request, error.message)
        field = {"requirement": "criterio", "decision": "decision"}.get(error.field or "")
        form.add_error(field, error.message)
        folder.refresh_from_db()
        return folder_page(request, folder, score_form=form)
    messages.success(request, _("La información se guardó correctamente."))
    return redirect("backoffice:evaluation:my_folder", folder_pk=folder.pk)


@login_required
@require_http_methods(["GET", "POST"])
def my_folder(request: HttpRequest, folder_pk: int) -> HttpResponse:
    """Work one folder: review and score (analyst), return or approve (supervisor), audit."""
    _worker(request)
    folder = folder_selectors.my_folder(request.user, folder_pk)
    if folder is None:
        raise Http404
    if request.method == "GET":
        audit_read(actor=request.user, obj=folder, what="evaluation.folder.viewed")
        return folder_page(request, folder)
    action = request.POST.get("accion", "")
    if action not in distribution.ACTIONS:
        raise Http404
    if action == "score":
        return _score(request, folder)
    version = request.POST.get("version", "")
    try:
        distribution.folder_transition(
            folder=folder,
            action=action,
            user=request.user,
            reason=request.POST.get("motivo", ""),
            expected_version=int(version) if version.isdigit() else -1,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La información se guardó correctamente."))
    return redirect("backoffice:evaluation:my_folder", folder_pk=folder.pk)


@login_required
@require_http_methods(["GET", "POST"])
def conflicts(request: HttpRequest) -> HttpResponse:
    """A worker declares the people they must not evaluate (conflicto de interés)."""
    _worker(request)
    user = cast(User, request.user)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            distribution.conflict_declare(
                user=user,
                document_number=form.cleaned_data["document_number"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error("document_number", error.message)
        else:
            messages.success(request, _("La información se guardó correctamente."))
            return redirect("backoffice:evaluation:conflicts")
    return render_page(
        request,
        "backoffice/evaluation/conflicts.html",
        {"form": form, "conflicts": user.conflicts_of_interest.all()},
        status=400 if form.errors else 200,
    )
