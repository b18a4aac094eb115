"""SIMO's selection processes for Gerencia del proceso and the operator's administrator (seed
004 §3–4): processes, their jobs (OPEC) and tests, a test's positions and users.

A person without either role gets 403; a process or test outside the viewer's scope
answers 404, so ids of other operators reveal nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merito.accounts.models import User
from merito.calls import scope as calls_scope
from merito.calls import selectors, services
from merito.calls.models import (
    TEST_ROLES,
    CallState,
    Job,
    JobLevel,
    JobRequirement,
    Position,
    ProcessState,
    SelectionProcess,
    Test,
    TestState,
    TestUser,
)
from merito.calls.states import CALL
from merito.documents.models import Document
from merito.errors import DomainError
from merito.evaluation import distribution
from merito.evaluation.models import FOLDER_ROLES, FOLDER_TEST_TYPES
from merito.exports import csv_response
from merito.organizations.models import Organization, Role
from merito.web.backoffice.forms.evaluation import (
    JobForm,
    ProcessForm,
    ProcessStateForm,
    RequirementForm,
    TestForm,
    TestPositionsFilter,
)
from merito.web.backoffice.views.base import (
    MANAGE,
    PAGE_SIZE,
    can_manage_processes,
    managed_process,
    page_of,
    process_or_404,
    refuse,
    render_page,
    require_staff,
    test_or_404,
)
from merito.web.context_processors import navigation

LINKED_PAGE_SIZE = 10

ROLE_SLUGS = {
    "supervisor": Role.SUPERVISOR,
    "analista": Role.ANALYST,
    "auditor": Role.AUDITOR,
    "analista-reclamacion": Role.CLAIMS_ANALYST,
}


SLUG_OF_ROLE = {role: slug for slug, role in ROLE_SLUGS.items()}


FOLDER_ROLE_SLUGS = {SLUG_OF_ROLE[role] for role in FOLDER_ROLES}


STATE_CODES: dict[str, str] = {
    CallState.OPEN.value: "A",
    CallState.CLOSED.value: "C",
    CallState.CANCELLED.value: "CA",
    CallState.SUSPENDED.value: "S",
}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The backoffice's door: the processes for Gerencia and the operator's administrator;
    anyone else goes to their role's page, or chooses one when they hold several."""
    if not can_manage_processes(request.user):
        landings = [
            page for page in navigation(request)["nav_landings"] if page.audience == "backoffice"
        ]
        if len(landings) == 1:
            return redirect(landings[0].url)
        return render(request, "web/choose_role.html", {"landings": landings})
    return render_page(
        request,
        "backoffice/evaluation/home.html",
        {"operators": calls_scope.visible_operators(request.user)[:20]},
    )


@login_required
@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    query = request.GET.get("q", "").strip()
    year = request.GET.get("anio", "").strip()
    state = request.GET.get("estado", "")
    state = state if state in ProcessState.values else ""
    order = request.GET.get("orden", "")
    processes = selectors.process_list(
        user=request.user, query=query, year=year, state=state, order=order
    )
    if request.GET.get("formato") == "csv":
        return csv_response(
            "procesos.csv",
            [
                _("Código"),
                _("Año"),
                _("Id"),
                _("Nombre"),
                _("Entidad"),
                _("Total empleos"),
                _("Cantidad empleos para concurso de ascenso"),
                _("Total de vacantes"),
                _("Cantidad vacantes concursos de ascenso"),
                _("% vacantes a proveer por concursos de ascenso"),
                _("Estado"),
            ],
            (
                [
                    p.call.code,
                    p.call.year,
                    p.pk,
                    p.call.name,
                    p.entity.name,
                    p.total_jobs,
                    p.ascenso_jobs,
                    p.total_vacancies,
                    p.ascenso_vacancies,
                    f"{p.ascenso_percent:.2f}",
                    STATE_CODES.get(p.call.state, p.call.state),
                ]
                for p in cast(Iterable[Any], processes)
            ),
        )
    return render_page(
        request,
        "backoffice/evaluation/process_list.html",
        {
            "page": page_of(request, processes),
            "query": query,
            "year": year,
            "state": state,
            "order": order,
            "states": ProcessState.choices,
            "state_codes": STATE_CODES,
        },
    )


def _process_data(form: ProcessForm) -> tuple[dict[str, Any], dict[str, Any]]:
    data = form.cleaned_data
    call_data = {k: data[k] for k in services.CALL_FIELDS}
    call_data["description"] = call_data["description"] or ""
    process_data = {k: data[k] for k in services.PROCESS_FIELDS}
    return call_data, process_data


@login_required
@require_http_methods(["GET", "POST"])
def process_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    managed = calls_scope.managed_organization_ids(request.user)
    organization = (
        Organization.objects.filter(pk__in=managed).order_by("pk").first()
        if managed is not None
        else Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    )
    if organization is None:
        raise PermissionDenied
    processes = calls_scope.visible_processes(request.user)
    form = ProcessForm(
        request.POST or None, request.FILES or None, processes=processes, creating=True
    )
    if request.method == "POST" and form.is_valid():
        call_data, process_data = _process_data(form)
        try:
            process = services.process_create(
                organization=organization,
                entity=form.cleaned_data["entity"],
                parent=form.cleaned_data["parent"],
                call_data=call_data,
                process_data=process_data,
                justification_file=form.cleaned_data["justification"],
                by=request.user,
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("La información se guardó correctamente."))
            return redirect("backoffice:evaluation:process_detail", pk=process.pk)
    return render_page(
        request,
        "backoffice/evaluation/process_form.html",
        {"form": form, "process": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def process_edit(request: HttpRequest, pk: int) -> HttpResponse:
    process = managed_process(request, pk)
    call = process.call
    initial = {
        "parent": process.parent,
        "code": call.code,
        "entity": process.entity,
        "year": call.year,
        "name": call.name,
        "description": call.description,
        "is_public": call.is_public,
        **{k: getattr(process, k) for k in services.PROCESS_FIELDS},
    }
    form = ProcessForm(
        request.POST or None,
        initial=initial,
        processes=calls_scope.visible_processes(request.user).exclude(pk=process.pk),
        creating=False,
    )
    if request.method == "POST" and form.is_valid():
        call_data, process_data = _process_data(form)
        try:
            services.process_update(
                process=process,
                entity=form.cleaned_data["entity"],
                parent=form.cleaned_data["parent"],
                call_data=call_data,
                process_data=process_data,
                by=request.user,
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("La información se guardó correctamente."))
            return redirect("backoffice:evaluation:process_detail", pk=process.pk)
    return render_page(
        request,
        "backoffice/evaluation/process_form.html",
        {"form": form, "process": process},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def process_detail(request: HttpRequest, pk: int) -> HttpResponse:
    process = process_or_404(request, pk)
    query = request.GET.get("prueba", "").strip()
    tests = selectors.test_list(user=request.user, process=process, query=query)
    if request.GET.get("formato") == "csv":
        return csv_response(
            f"pruebas-{process.call.code}.csv",
            [_("Tipo"), _("Descripción"), _("Clasificación"), _("Institución"), _("Estado")],
            (
                [
                    t.get_test_type_display(),
                    t.description,
                    t.get_classification_display(),
                    t.operator.name,
                    t.get_state_display(),
                ]
                for t in tests
            ),
        )
    can_manage = calls_scope.can_manage_process(request.user, process)
    allowed = {t.target for t in CALL.available(process.call, request.user)}
    state_form = ProcessStateForm(initial={"version": process.call.version})
    state_field = state_form.fields["state"]
    assert isinstance(state_field, forms.ChoiceField)
    state_field.choices = [(v, lbl) for v, lbl in ProcessState.choices if v in allowed]
    return render_page(
        request,
        "backoffice/evaluation/process_detail.html",
        {
            "process": process,
            "call": process.call,
            "state_code": STATE_CODES.get(process.call.state, ""),
            "subprocesses": process.subprocesses.select_related("call"),
            "page": page_of(request, tests),
            "query": query,
            "can_manage": can_manage,
            "state_form": state_form if allowed and can_manage else None,
            "state_changes": process.state_changes.select_related("changed_by")[:20],
            "weight_sum": services.weight_sum(process),
        },
    )


@login_required
@require_POST
def process_state(request: HttpRequest, pk: int) -> HttpResponse:
    process = managed_process(request, pk)
    form = ProcessStateForm(request.POST, request.FILES)
    if not form.is_valid():
        for name, field_errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for message in field_errors:
                messages.error(request, f"{label}: {message}" if label else str(message))
        return redirect("backoffice:evaluation:process_detail", pk=pk)
    try:
        services.process_set_state(
            process=process,
            state=form.cleaned_data["state"],
            justification_file=form.cleaned_data["justification"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("El estado del proceso se cambió correctamente."))
    return redirect("backoffice:evaluation:process_detail", pk=pk)


@login_required
@require_GET
def process_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A PDF of the process (justifications, manuals of its jobs), opened in the browser."""
    process = process_or_404(request, pk)
    allowed = {
        process.justification_id,
        *process.state_changes.values_list("justification_id", flat=True),
        *Job.objects.filter(position__call_id=process.call_id).values_list("manual_id", flat=True),
    }
    if document_pk not in allowed:
        raise Http404
    document = Document.objects.get(pk=document_pk)
    response = FileResponse(
        default_storage.open(document.storage_name, "rb"),
        as_attachment=False,
        filename=document.original_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def job_list(request: HttpRequest, pk: int) -> HttpResponse:
    # Seed 004 §3: "Empleos ... Operación restringida para este rol" (operator's admin).
    process = managed_process(request, pk)
    query = request.GET.get("q", "").strip()
    level = request.GET.get("nivel", "")
    positions = selectors.jobs_of(process, query=query, level=level)
    if request.GET.get("formato") == "csv":
        return csv_response(
            f"empleos-{process.call.code}.csv",
            _job_header(),
            (_job_row(p) for p in positions),
        )
    return render_page(
        request,
        "backoffice/evaluation/job_list.html",
        {
            "process": process,
            "page": page_of(request, positions),
            "query": query,
            "level": level,
            "levels": JobLevel.choices,
        },
    )


def _job_header() -> list[str]:
    return [
        _("Nº OPEC"),
        _("Código"),
        _("Denominación"),
        _("Grado"),
        _("Nivel"),
        _("Asignación salarial"),
        _("Vacantes"),
        _("Vacantes ascenso"),
    ]


def _job_row(position: Position) -> list[Any]:
    job = getattr(position, "job", None)
    return [
        job.opec_number if job else "",
        position.code,
        position.name,
        job.grade if job else "",
        position.level,
        job.salary if job else "",
        position.vacancies,
        job.ascenso_vacancies if job else 0,
    ]


def _job(process: SelectionProcess, job_pk: int) -> Job:
    job = selectors.job_for(process, job_pk)
    if job is None:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def job_detail(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    process = process_or_404(request, pk)
    job = _job(process, job_pk)
    can_manage = calls_scope.can_manage_process(request.user, process)
    form = RequirementForm(request.POST or None)
    if request.method == "POST":
        if not can_manage or not request.user.has_perm(MANAGE):
            raise PermissionDenied
        if request.POST.get("borrar"):
            requirement = JobRequirement.objects.filter(
                job=job, pk=request.POST.get("borrar", "")
            ).first()
            if requirement is None:
                raise Http404
            services.requirement_delete(requirement=requirement, by=request.user)
            messages.success(request, _("Se borró el requisito."))
            return redirect("backoffice:evaluation:job_detail", pk=pk, job_pk=job_pk)
        if form.is_valid():
            try:
                services.requirement_add(job=job, by=request.user, **form.cleaned_data)
            except DomainError as error:
                refuse(form, error)
            else:
                messages.success(request, _("La información se guardó correctamente."))
                return redirect("backoffice:evaluation:job_detail", pk=pk, job_pk=job_pk)
    return render_page(
        request,
        "backoffice/evaluation/job_detail.html",
        {
            "process": process,
            "job": job,
            "position": job.position,
            "requirements": job.requirements.all(),
            "form": form if can_manage and request.user.has_perm(MANAGE) else None,
        },
        status=400 if form.errors else 200,
    )


def _job_form_view(request: HttpRequest, process: SelectionProcess, job: Job | None):
    initial: dict[str, Any] = {}
    if job is not None:
        position = job.position
        initial = {
            **{k: getattr(position, k) for k in services.POSITION_FIELDS},
            **{k: getattr(job, k) for k in services.JOB_FIELDS},
        }
    form = JobForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.job_save(
                process=process,
                job=job,
                position_data={k: data[k] for k in services.POSITION_FIELDS},
                job_data={k: data[k] for k in services.JOB_FIELDS},
                manual_file=data["manual"],
                by=request.user,
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("La información se guardó correctamente."))
            return redirect("backoffice:evaluation:job_detail", pk=process.pk, job_pk=job.pk)
    return render_page(
        request,
        "backoffice/evaluation/job_form.html",
        {"process": process, "job": job, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_form_view(request, managed_process(request, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def job_edit(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    process = managed_process(request, pk)
    return _job_form_view(request, process, _job(process, job_pk))


def _test_form_view(request: HttpRequest, process: SelectionProcess, test: Test | None):
    initial: dict[str, Any] = {"quantitative": True, "claim_days": 5}
    if test is not None:
        initial = {k: getattr(test, k) for k in services.TEST_FIELDS}
        initial["operator"] = test.operator_id
    form = TestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["operator_id"] = data.pop("operator").pk
        try:
            test = services.test_save(process=process, test=test, data=data, by=request.user)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("La información se guardó correctamente."))
            return redirect("backoffice:evaluation:test_detail", pk=process.pk, test_pk=test.pk)
    return render_page(
        request,
        "backoffice/evaluation/test_form.html",
        {
            "process": process,
            "test": test,
            "form": form,
            "weight_sum": services.weight_sum(process, excluding=test),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def test_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _test_form_view(request, managed_process(request, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def test_edit(request: HttpRequest, pk: int, test_pk: int) -> HttpResponse:
    process = managed_process(request, pk)
    return _test_form_view(request, process, test_or_404(request, process, test_pk))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
@require_POST
def test_state(request: HttpRequest, pk: int, test_pk: int) -> HttpResponse:
    process = managed_process(request, pk)
    test = test_or_404(request, process, test_pk)
    try:
        services.test_set_state(
            test=test,
            state=request.POST.get("estado", ""),
            by=request.user,
            expected_version=_int(request.POST.get("version")),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La información se guardó correctamente."))
    return redirect("backoffice:evaluation:test_detail", pk=pk, test_pk=test_pk)


@login_required
@require_GET
def test_detail(request: HttpRequest, pk: int, test_pk: int) -> HttpResponse:
    process = process_or_404(request, pk)
    test = test_or_404(request, process, test_pk)
    if request.GET.get("formato") == "csv" and test.test_type in FOLDER_TEST_TYPES:
        return _user_counters_csv(test, _folder_user_links(request, test)[0])
    counts = {
        role: count
        for role, count in TestUser.objects.filter(test=test)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    }
    return render_page(
        request,
        "backoffice/evaluation/test_detail.html",
        {
            "process": process,
            "test": test,
            "can_manage": calls_scope.can_manage_process(request.user, process),
            "roles": [(SLUG_OF_ROLE[r], r.label, counts.get(r.value, 0)) for r in TEST_ROLES],
            "position_count": test.positions.count(),
            "weight_sum": services.weight_sum(process),
            "states": TestState,
            **_distribution_context(request, test),
        },
    )


def _distribution_context(request: HttpRequest, test: Test) -> dict[str, Any]:
    """The "Distribución de evaluaciones" section, for VRM and VA tests only."""
    if test.test_type not in FOLDER_TEST_TYPES:
        return {"has_folders": False}
    links, filters = _folder_user_links(request, test)
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return {
        "has_folders": True,
        "is_admin": test.operator_id in calls_scope.administered_operator_ids(request.user),
        "level_counters": distribution.level_counters(test),
        "user_page": page,
        "user_counters": distribution.user_counters(test, page.object_list),
        "user_filters": filters,
        "folder_role_choices": [(SLUG_OF_ROLE[r], r.label) for r in FOLDER_ROLES],
        "refusal": distribution.distribution_refusal(test),
    }


def _folder_user_links(
    request: HttpRequest, test: Test
) -> tuple[QuerySet[TestUser], dict[str, str]]:
    """The "Carpetas por usuario" rows the filters Rol and Usuario ask for, and the filters."""
    slug = request.GET.get("rol_carpetas", "")
    if slug not in FOLDER_ROLE_SLUGS:
        slug = ""
    query = request.GET.get("usuario_carpetas", "").strip()[:100]
    role = ROLE_SLUGS[slug] if slug else ""
    links = distribution.user_links(test, role=role, query=query)
    return links, {"rol_carpetas": slug, "usuario_carpetas": query}


def _user_counters_csv(test: Test, links: Iterable[TestUser]) -> HttpResponse:
    return csv_response(
        f"carpetas-por-usuario-prueba-{test.pk}.csv",
        [_("Usuario"), _("Nombre"), _("Rol"), _("Asignadas"), _("Pendientes"), _("Terminadas")],
        (
            [
                row["user"].username,
                row["user"].full_name,
                row["role"],
                row["held"],
                row["pending"],
                row["finished"],
            ]
            for row in distribution.user_counters(test, links)
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def test_positions(request: HttpRequest, pk: int, test_pk: int) -> HttpResponse:
    """Assigned / not assigned jobs of a test, with filters (none assigned = all jobs)."""
    process = process_or_404(request, pk)
    test = test_or_404(request, process, test_pk)
    can_manage = calls_scope.can_manage_process(request.user, process) and request.user.has_perm(
        MANAGE
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        ids = [int(v) for v in request.POST.getlist("empleo") if v.isdigit()]
        try:
            if request.POST.get("accion") == "asignar":
                services.test_positions_set(test=test, add=ids, remove=[], by=request.user)
            else:
                services.test_positions_set(test=test, add=[], remove=ids, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("La información se guardó correctamente."))
        return redirect(request.get_full_path())
    filters = TestPositionsFilter(request.GET or None)
    filters.is_valid()
    cleaned = getattr(filters, "cleaned_data", {})
    view = cleaned.get("vista") or "asignados"
    positions = selectors.jobs_of(
        process, query=cleaned.get("q", ""), level=cleaned.get("nivel", "")
    )
    assigned_ids = test.positions.values("pk")
    if view == "asignados":
        positions = positions.filter(pk__in=assigned_ids)
    else:
        positions = positions.exclude(pk__in=assigned_ids)
    if request.GET.get("formato") == "csv":
        return csv_response(
            f"empleos-prueba-{test.pk}.csv",
            _job_header(),
            (_job_row(p) for p in positions),
        )
    return render_page(
        request,
        "backoffice/evaluation/test_positions.html",
        {
            "process": process,
            "test": test,
            "filters": filters,
            "view": view,
            "page": page_of(request, positions),
            "can_manage": can_manage,
            "applies_to_all": not test.positions.exists(),
        },
    )


def _selection_key(test: Test, role: str) -> str:
    return f"evaluation.unlink.{test.pk}.{role}"


@login_required
@require_http_methods(["GET", "POST"])
def test_users(request: HttpRequest, pk: int, test_pk: int, role: str) -> HttpResponse:
    """Users of one role linked to a test: link, unlink one, or unlink a selection.

    The selection of checkboxes is kept in the session, so it survives moving between
    pages; the header box (static JS) marks the current page.
    """
    process = process_or_404(request, pk)
    test = test_or_404(request, process, test_pk)
    if role not in ROLE_SLUGS:
        raise Http404
    test_role = ROLE_SLUGS[role]
    is_admin = test.operator_id in calls_scope.administered_operator_ids(request.user)
    key = _selection_key(test, test_role)
    selected: set[int] = set(request.session.get(key, []))
    links = selectors.linked_users(test, test_role)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        return _test_users_post(request, test, test_role, role, key, selected)
    if request.GET.get("formato") == "csv":
        return csv_response(
            f"usuarios-{role}-prueba-{test.pk}.csv",
            [_("Usuario"), _("Nombre"), _("Correo"), _("Estado"), _("Asociado el")],
            (
                [
                    link.user.username,
                    link.user.full_name,
                    link.user.email,
                    _("Activo") if link.user.is_active else _("Inactivo"),
                    f"{link.linked_at:%Y-%m-%d %H:%M}",
                ]
                for link in links
            ),
        )
    page = Paginator(links, LINKED_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render_page(
        request,
        "backoffice/evaluation/test_users.html",
        {
            "process": process,
            "test": test,
            "role": role,
            "role_label": test_role.label,
            "page": page,
            "selected": selected,
            "selected_count": len(selected),
            "linkable": selectors.linkable_users(test, test_role) if is_admin else [],
            "is_admin": is_admin,
        },
    )


def _test_users_post(
    request: HttpRequest, test: Test, test_role: Role, role: str, key: str, selected: set[int]
) -> HttpResponse:
    target = redirect(
        "backoffice:evaluation:test_users", pk=test.process_id, test_pk=test.pk, role=role
    )
    if request.POST.get("accion") == "asociar":
        user = User.objects.filter(pk=request.POST.get("usuario") or 0).first()
        if user is None:
            messages.error(request, _("Elija el usuario que desea asociar."))
            return target
        try:
            services.test_user_link(test=test, user=user, role=test_role, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("La información se guardó correctamente."))
        return target
    # Keep what was marked on this page with what was marked on the others.
    shown = {int(v) for v in request.POST.getlist("en_pagina") if v.isdigit()}
    marked = {int(v) for v in request.POST.getlist("seleccion") if v.isdigit()}
    selected = (selected - shown) | marked
    request.session[key] = sorted(selected)
    single = request.POST.get("desasociar_uno", "")
    if single.isdigit() or request.POST.get("accion") == "desasociar":
        ids = {int(single)} if single.isdigit() else selected
        links = list(
            TestUser.objects.filter(test=test, role=test_role, pk__in=ids).select_related("user")
        )
        if not links:
            messages.error(request, _("Marque al menos un usuario para desasociar."))
            return target
        try:
            count = services.test_users_unlink(test=test, links=links, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return target
        request.session[key] = sorted(selected - {link.pk for link in links})
        messages.success(
            request,
            _("La información se guardó correctamente: %(n)s usuario(s) desasociado(s).")
            % {"n": count},
        )
        return target
    page = request.POST.get("ir_a", "")
    if page.isdigit():
        target["Location"] += f"?pagina={page}"
    return target
