"""Named permission predicates (django-rules), used by views, services and the API alike.

``has_role(...)`` asks whether a person holds any of the roles anywhere;
``has_role_over(...)`` asks whether they hold it over a given organization or call
(an assignment in an organization covers every organization below it).
"""

from __future__ import annotations

from typing import Any

import rules

from merito.organizations.models import Organization, Role, RoleAssignment

_CACHE_ATTR = "_merito_role_assignments"


def role_assignments(user: Any) -> list[tuple[str, int | None, int | None]]:
    """(role, organization id, call id) of a person, read once per request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user).values_list(
                "role", "organization_id", "call_id"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(*roles: str) -> rules.Predicate:
    wanted = frozenset(roles)
    name = "has_role:" + "|".join(sorted(wanted))

    def check(user: Any) -> bool:
        return any(role in wanted for role, _org, _call in role_assignments(user))

    return rules.Predicate(check, name=name)


def has_role_over(*roles: str) -> rules.Predicate:
    wanted = frozenset(roles)
    name = "has_role_over:" + "|".join(sorted(wanted))

    def check(user: Any, target: Any) -> bool:
        if target is None:
            return False
        if isinstance(target, Organization):
            org_ids, call_id = set(target.ancestor_ids()), None
        else:  # a call, or anything with an organization and a pk
            org_ids = set(target.organization.ancestor_ids())
            call_id = target.pk
        for role, org_id, assigned_call_id in role_assignments(user):
            if role not in wanted:
                continue
            if org_id is None and assigned_call_id is None:
                return True
            if org_id in org_ids or (call_id is not None and assigned_call_id == call_id):
                return True
        return False

    return rules.Predicate(check, name=name)


def holding_roles_elsewhere(organization_id: int, user_ids: list[int]) -> set[int]:
    """Of ``user_ids``, those holding a role anywhere but in ``organization_id`` (another
    organization, a call, or platform-wide)."""
    return set(
        RoleAssignment.objects.filter(user_id__in=user_ids)
        .exclude(organization_id=organization_id)
        .values_list("user_id", flat=True)
    )


def administered_operator_ids(user: Any) -> set[int]:
    """Operators whose administrator ``user`` is."""
    return {
        org_id
        for role, org_id, _call in role_assignments(user)
        if role == Role.OPERATOR_ADMIN and org_id is not None
    }


@rules.predicate
def can_edit_operator_user(admin: Any, target: Any) -> bool:
    """An operator's administrator edits a person only when every role the person holds
    is in that operator: a person who also works for a ministry, or applies to calls, is
    out of its reach (their e-mail would open those doors too)."""
    administered = administered_operator_ids(admin)
    held = set(RoleAssignment.objects.filter(user=target).values_list("organization_id", flat=True))
    return len(held) == 1 and held <= administered


@rules.predicate
def is_someone_else(user: Any, target: Any) -> bool:
    return target is not None and user.pk != target.pk


is_process_management = has_role(Role.PROCESS_MANAGEMENT)
is_operator_admin = has_role(Role.OPERATOR_ADMIN)
is_supervisor = has_role(Role.SUPERVISOR)
is_analyst = has_role(Role.ANALYST)
is_auditor = has_role(Role.AUDITOR)
is_claims_analyst = has_role(Role.CLAIMS_ANALYST)
is_legal = has_role(Role.LEGAL)
is_committee_member = has_role(Role.COMMITTEE_PRESIDENT, Role.COMMITTEE_MEMBER)
is_committee_president = has_role(Role.COMMITTEE_PRESIDENT)
is_school_director = has_role(Role.SCHOOL_DIRECTOR)
is_verifier = has_role(Role.VERIFIER)
is_applicant = has_role(Role.APPLICANT)
is_staff_member = has_role(*(r for r in Role if r != Role.APPLICANT)) | rules.is_staff

rules.add_perm("merito.access_process_management", is_process_management)
rules.add_perm("merito.access_operator", is_operator_admin)
rules.add_perm("merito.access_supervision", is_supervisor)
rules.add_perm("merito.access_analysis", is_analyst)
rules.add_perm("merito.access_audit", is_auditor)
rules.add_perm("merito.access_claims", is_claims_analyst)
rules.add_perm("merito.access_legal", is_legal)
rules.add_perm("merito.access_committee", is_committee_member)
rules.add_perm("merito.access_school", is_school_director)
rules.add_perm("merito.access_verification", is_verifier)
rules.add_perm("merito.access_portal", is_applicant)
# The backoffice's entry gate: any staff role anywhere; each page then checks its scope.
rules.add_perm("merito.access_backoffice", is_staff_member | rules.is_superuser)
rules.add_perm("merito.manage_second_factor", is_staff_member | rules.is_superuser)
rules.add_perm("merito.manage_organization", has_role_over(Role.PROCESS_MANAGEMENT))
rules.add_perm("merito.edit_operator_user", can_edit_operator_user)
# A lost device: the person's operator administrator, or a platform superuser (at /admin/).
rules.add_perm(
    "merito.reset_second_factor", is_someone_else & (can_edit_operator_user | rules.is_superuser)
)
