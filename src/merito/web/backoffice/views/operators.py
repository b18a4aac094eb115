"""The selection operators and their people (seed 004 §4): the operator's record, and its
users' accounts, roles, second factor and activation.

An operator or user outside the viewer's scope answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merito.accounts import second_factor
from merito.accounts.models import User
from merito.audit.services import audit_list_read, audit_read
from merito.calls import scope as calls_scope
from merito.calls import selectors, services
from merito.errors import DomainError
from merito.exports import csv_response
from merito.organizations.models import Organization, Role
from merito.organizations.rules import holding_roles_elsewhere
from merito.organizations.scope import editable_operator_users
from merito.organizations.services import OPERATOR_FIELDS, operator_profile_of, operator_update
from merito.web.backoffice.forms.evaluation import (
    OperatorForm,
    OperatorUserForm,
)
from merito.web.backoffice.views.base import OPERATE, page_of, refuse, render_page, require_staff


def _operator(request: HttpRequest, pk: int) -> Organization:
    require_staff(request)
    operator = calls_scope.visible_operators(request.user).filter(pk=pk).first()
    if operator is None:
        raise Http404
    return operator


def _administers(request: HttpRequest, operator: Organization) -> bool:
    return operator.pk in calls_scope.administered_operator_ids(request.user)


@login_required
@require_GET
def operator_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    query = request.GET.get("q", "").strip()
    operators = calls_scope.visible_operators(request.user).order_by("name")
    for word in query.split():
        operators = operators.filter(name__icontains=word)
    if request.GET.get("formato") == "csv":
        return csv_response(
            "operadores.csv",
            [_("Id"), _("Nombre"), _("NIT"), _("Contacto")],
            (_operator_row(o) for o in operators),
        )
    return render_page(
        request,
        "backoffice/evaluation/operator_list.html",
        {"page": page_of(request, operators), "query": query},
    )


def _operator_row(operator: Organization) -> list[Any]:
    profile = getattr(operator, "operator_profile", None)
    return [
        profile.cnsc_id if profile else "",
        operator.name,
        profile.nit_label if profile else "",
        profile.contact_name if profile else "",
    ]


@login_required
@require_http_methods(["GET", "POST"])
def operator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    operator = _operator(request, pk)
    profile = operator_profile_of(operator)
    can_edit = _administers(request, operator)
    initial = {"name": operator.name, **{k: getattr(profile, k) for k in OPERATOR_FIELDS}}
    form = OperatorForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            operator_update(profile=profile, name=data.pop("name"), data=data, by=request.user)
            messages.success(request, _("La información se guardó correctamente."))
            return redirect("backoffice:evaluation:operator_detail", pk=pk)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    filters = {
        "nombre": request.GET.get("nombre", "").strip(),
        "usuario": request.GET.get("usuario", "").strip(),
        "estado": request.GET.get("estado", ""),
        "rol": request.GET.get("rol", ""),
    }
    role = filters["rol"] if filters["rol"] in services.OPERATOR_USER_ROLES else ""
    if filters["rol"] == Role.OPERATOR_ADMIN:
        role = Role.OPERATOR_ADMIN
    users = selectors.operator_users(
        operator=operator,
        name=filters["nombre"],
        username=filters["usuario"],
        state=filters["estado"],
        role=role,
    ).order_by(*selectors.USER_ORDER.get(request.GET.get("orden", ""), ("username",)))
    if request.GET.get("formato") == "csv":
        exported = list(users.values_list("pk", flat=True))
        roles = selectors.roles_by_user(operator, exported)
        audit_list_read(
            actor=request.user,
            model=User,
            ids=exported,
            what="organizations.operator.users_exported",
            after={"operator": operator.pk},
        )
        return csv_response(
            "usuarios-operador.csv",
            [_("Usuario"), _("Identificación"), _("Correo"), _("Nombre"), _("Roles"), _("Estado")],
            (
                [
                    u.username,
                    u.document_label,
                    u.email,
                    u.full_name,
                    ", ".join(roles.get(u.pk, [])),
                    _("Activo") if u.is_active else _("Inactivo"),
                ]
                for u in users
            ),
        )
    page = page_of(request, users)
    shown = [u.pk for u in page.object_list]
    roles = selectors.roles_by_user(operator, shown)
    elsewhere = holding_roles_elsewhere(operator.pk, shown)
    return render_page(
        request,
        "backoffice/evaluation/operator_detail.html",
        {
            "operator": operator,
            "profile": profile,
            "form": form,
            "can_edit": can_edit,
            "page": page,
            "rows": [(u, roles.get(u.pk, []), u.pk not in elsewhere) for u in page.object_list],
            "filters": filters,
            "role_choices": [
                (Role.OPERATOR_ADMIN.value, Role.OPERATOR_ADMIN.label),
                *((r.value, r.label) for r in services.OPERATOR_USER_ROLES),
            ],
            "order": request.GET.get("orden", ""),
        },
        status=400 if form.errors else 200,
    )


def _admin_operator(request: HttpRequest, pk: int) -> Organization:
    if not request.user.has_perm(OPERATE):
        raise PermissionDenied
    operator = _operator(request, pk)
    if not _administers(request, operator):
        raise PermissionDenied
    return operator


def _add_user_errors(form: OperatorUserForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest, pk: int) -> HttpResponse:
    operator = _admin_operator(request, pk)
    form = OperatorUserForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if User.objects.filter(username__iexact=data["username"]).exists():
            form.add_error("username", _("Ya existe un usuario con ese nombre de usuario."))
        else:
            try:
                services.operator_user_create(
                    operator=operator, data=data, roles=data["roles"], by=request.user
                )
            except DomainError as error:
                refuse(form, error)
            except ValidationError as exc:
                _add_user_errors(form, exc)
            else:
                messages.success(request, _("La información se guardó correctamente."))
                return redirect("backoffice:evaluation:operator_detail", pk=pk)
    return render_page(
        request,
        "backoffice/evaluation/user_form.html",
        {"operator": operator, "form": form, "target": None},
        status=400 if form.errors else 200,
    )


def _operator_user(request: HttpRequest, operator: Organization, user_pk: int) -> User:
    """A user the administrator may edit; one who also holds a role elsewhere answers 404,
    as an id that does not exist."""
    editable = editable_operator_users(request.user).values("pk")
    user = selectors.operator_users(operator=operator).filter(pk=user_pk, pk__in=editable).first()
    if user is None:
        raise Http404
    return user


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    operator = _admin_operator(request, pk)
    target = _operator_user(request, operator, user_pk)
    if request.method == "GET":
        # The person's document, e-mail and phone, read by the administrator.
        audit_read(actor=request.user, obj=target, what="accounts.user.viewed")
    roles = [
        r
        for r in target.role_assignments.filter(organization=operator).values_list(
            "role", flat=True
        )
        if r in services.OPERATOR_USER_ROLES
    ]
    initial = {
        "username": target.username,
        "given_names": target.given_names,
        "first_surname": target.first_surname,
        "second_surname": target.second_surname,
        "document_type": target.document_type,
        "document_number": target.document_number,
        "email": target.email,
        "phone": target.phone,
        "roles": roles,
        "is_active": target.is_active,
    }
    form = OperatorUserForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.operator_user_update(
                operator=operator, user=target, data=data, roles=data["roles"], by=request.user
            )
        except DomainError as error:
            refuse(form, error)
        except ValidationError as exc:
            _add_user_errors(form, exc)
        else:
            messages.success(request, _("La información se guardó correctamente."))
            if data["email"] != target.email:
                messages.warning(
                    request,
                    _(
                        "El correo cambia cuando la persona abra el enlace enviado a "
                        "%(email)s; se avisó a la dirección actual."
                    )
                    % {"email": data["email"]},
                )
            return redirect("backoffice:evaluation:operator_detail", pk=pk)
    return render_page(
        request,
        "backoffice/evaluation/user_form.html",
        {
            "operator": operator,
            "form": form,
            "target": target,
            "has_second_factor": second_factor.has_second_factor(target),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def user_second_factor_reset(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """The person lost the device: devices and codes go, their sessions end (audited)."""
    operator = _admin_operator(request, pk)
    target = _operator_user(request, operator, user_pk)
    if not request.user.has_perm("merito.reset_second_factor", target):
        raise PermissionDenied
    second_factor.second_factor_reset(user=target, by=request.user, reason="lost_device")
    messages.success(
        request,
        _(
            "Se restableció el segundo factor de %(user)s: al ingresar registrará un "
            "dispositivo nuevo. Se le avisó por correo."
        )
        % {"user": target.username},
    )
    return redirect("backoffice:evaluation:user_edit", pk=pk, user_pk=user_pk)


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    operator = _admin_operator(request, pk)
    target = _operator_user(request, operator, user_pk)
    active = request.POST.get("habilitado") == "1"
    services.operator_user_set_active(user=target, active=active, by=request.user)
    messages.success(
        request,
        (
            _("El usuario %(user)s quedó activo.")
            if active
            else _("El usuario %(user)s quedó inactivo.")
        )
        % {"user": target.username},
    )
    return redirect("backoffice:evaluation:operator_detail", pk=pk)
