"""Role assignments, and the record of a selection operator."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from merito.audit.services import audit_record
from merito.errors import DomainError
from merito.organizations.models import (
    ALLOWED_OPERATOR_COMBINATION,
    OPERATOR_ROLES,
    OperatorProfile,
    Organization,
    OrganizationKind,
    Role,
    RoleAssignment,
)


def role_assign(
    *,
    user: Any,
    role: str,
    organization: Organization | None = None,
    call: Any = None,
    by: Any,
) -> RoleAssignment:
    """Give ``user`` the ``role`` in one scope; refuse what seed 004 forbids."""
    role = Role(role)
    if organization is not None and call is not None:
        raise DomainError(
            _("Un rol se asigna a una organización o a una convocatoria, no a ambas.")
        )
    with transaction.atomic():
        # Lock the person's assignments so two admins cannot add incompatible roles at once.
        assignments = list(
            RoleAssignment.objects.select_for_update()
            .filter(user=user)
            .values_list("role", "organization_id", "call_id")
        )
        held = {held_role for held_role, _org, _call in assignments}
        scope = (role.value, getattr(organization, "pk", None), getattr(call, "pk", None))
        # PostgreSQL also enforces this with a NULLS NOT DISTINCT constraint; SQLite cannot.
        if scope in assignments:
            raise DomainError(_("El usuario ya tiene ese rol en ese ámbito."), field="role")
        if role in OPERATOR_ROLES:
            operator_roles = {Role(r) for r in held if r in OPERATOR_ROLES} | {role}
            if len(operator_roles) > 1 and operator_roles != ALLOWED_OPERATOR_COMBINATION:
                raise DomainError(
                    _(
                        "Un usuario del operador solo puede tener un rol; la única "
                        "combinación permitida es Analista con Analista de reclamación."
                    ),
                    field="role",
                )
        try:
            with transaction.atomic():
                assignment = RoleAssignment.objects.create(
                    user=user,
                    role=role,
                    organization=organization,
                    call=call,
                    created_by=by if getattr(by, "pk", None) else None,
                )
        except IntegrityError as exc:
            raise DomainError(
                _("El usuario ya tiene ese rol en ese ámbito."), field="role"
            ) from exc
        audit_record(
            action="organizations.role.assigned",
            actor=by,
            obj=assignment,
            after={
                "user": user.pk,
                "role": role.value,
                "organization": organization.pk if organization else None,
                "call": getattr(call, "pk", None),
            },
        )
    return assignment


def role_revoke(*, assignment: RoleAssignment, by: Any) -> None:
    with transaction.atomic():
        before = {
            "user": assignment.user_id,
            "role": assignment.role,
            "organization": assignment.organization_id,
            "call": assignment.call_id,
        }
        audit_record(action="organizations.role.revoked", actor=by, obj=assignment, before=before)
        assignment.delete()


# --- the operator's record ---------------------------------------------------------------

OPERATOR_FIELDS = (
    "nit",
    "nit_check_digit",
    "phone",
    "address",
    "department",
    "municipality",
    "legal_representative",
    "legal_representative_email",
    "contact_name",
    "contact_email",
)


def operator_profile_of(organization: Organization) -> OperatorProfile:
    """The operator's record, created empty the first time it is asked for."""
    if organization.kind != OrganizationKind.OPERATOR:
        raise DomainError(_("La organización no es un operador del proceso de selección."))
    profile, _created = OperatorProfile.objects.get_or_create(organization=organization)
    return profile


def operator_update(*, profile: OperatorProfile, name: str, data: dict[str, Any], by: Any):
    """Save the operator's data (name lives on the organization); audited."""
    with transaction.atomic():
        profile = OperatorProfile.objects.select_for_update().get(pk=profile.pk)
        organization = profile.organization
        before = {"name": organization.name, **{f: getattr(profile, f) for f in OPERATOR_FIELDS}}
        organization.name = name
        organization.save(update_fields=["name"])
        for field in OPERATOR_FIELDS:
            setattr(profile, field, data.get(field, getattr(profile, field)))
        profile.save()
        audit_record(
            action="evaluation.operator.updated",
            actor=by,
            obj=profile,
            before=before,
            after={"name": name, **{f: getattr(profile, f) for f in OPERATOR_FIELDS}},
        )
    return profile
