"""Whose account an operator's administrator may edit (seed 004 §4.2): a person every role
of whom is in one operator the administrator administers. A person who also works for a
ministry, or holds a role on a call or platform-wide, is out of its reach (their e-mail
would open those doors too). The predicate is ``rules.can_edit_operator_user``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from merito.organizations.models import RoleAssignment
from merito.organizations.rules import administered_operator_ids, can_edit_operator_user
from merito.scope import declare_scope


def editable_operator_users(admin: Any) -> QuerySet[Any]:
    administered = administered_operator_ids(admin)
    users = get_user_model().objects.all()
    if not administered:
        return users.none()
    elsewhere = RoleAssignment.objects.filter(
        Q(organization__isnull=True) | ~Q(organization_id__in=administered)
    ).values("user_id")
    return (
        users.filter(role_assignments__organization_id__in=administered)
        .exclude(pk__in=elsewhere)
        .annotate(operators=Count("role_assignments__organization_id", distinct=True))
        .filter(operators=1)
    )


declare_scope(
    "accounts.edit_operator_user",
    get_user_model(),
    visible_to=editable_operator_users,
    allows=can_edit_operator_user,
)
