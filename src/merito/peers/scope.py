"""Who works the peer bank (seed 000): the verifiers of the organization that keeps it
(``settings.PEER_BANK_OWNER``, the MEN) and of those below it, and the platform's technical
staff. A verifier of another ministry holds the same role name and reaches none of it.

Every row of the bank — its members, imports, recognition and e-mail-change requests — is
the bank's: a person who works the bank sees them all, anyone else none.
"""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.db.models import Model, QuerySet

from merito.organizations.models import Organization, Role
from merito.organizations.rules import has_role_over
from merito.peers.models import EmailChangeRequest, PeerImport, PeerMembership, RecognitionRequest
from merito.scope import declare_scope

_WORKS_ATTR = "_merito_works_the_bank"


def bank_owner() -> Organization | None:
    return (
        Organization.objects.filter(short_name=settings.PEER_BANK_OWNER)
        .select_related("parent")
        .first()
    )


_verifier_over = has_role_over(Role.VERIFIER)


@rules.predicate
def works_the_bank(user: Any) -> bool:
    """Read once per request."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, _WORKS_ATTR, None)
    if cached is None:
        owner = bank_owner()
        cached = bool(user.is_staff or user.is_superuser or (owner and _verifier_over(user, owner)))
        setattr(user, _WORKS_ATTR, cached)
    return cached


rules.set_perm("peers.work_bank", works_the_bank)


def _bank_rows(model: type[Model]):
    def visible_to(user: Any) -> QuerySet[Any]:
        rows = model._default_manager.all()
        return rows if works_the_bank(user) else rows.none()

    visible_to.__name__ = f"visible_{model._meta.model_name}s"
    return visible_to


@rules.predicate
def can_view_bank_row(user: Any, row: Any) -> bool:
    return bool(works_the_bank(user))


for _model in (PeerMembership, PeerImport, RecognitionRequest, EmailChangeRequest):
    declare_scope(
        f"peers.view_{_model._meta.model_name}",
        _model,
        visible_to=_bank_rows(_model),
        allows=can_view_bank_row,
    )

visible_memberships = _bank_rows(PeerMembership)
visible_imports = _bank_rows(PeerImport)
visible_recognition_requests = _bank_rows(RecognitionRequest)
visible_email_change_requests = _bank_rows(EmailChangeRequest)
