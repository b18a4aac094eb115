"""Who reaches the update cases of the peer bank: those who work the bank
(``merito.peers.scope``) see every case; a peer sees their own only in the portal
(``selectors.case_for_owner``)."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from merito.cases.models import UpdateCase
from merito.peers.scope import works_the_bank
from merito.scope import declare_scope


def visible_cases(user: Any) -> QuerySet[UpdateCase]:
    cases = UpdateCase.objects.select_related("user", "verifier")
    return cases if works_the_bank(user) else cases.none()


@rules.predicate
def can_view_case(user: Any, case: UpdateCase) -> bool:
    return bool(works_the_bank(user))


declare_scope("cases.view_updatecase", UpdateCase, visible_to=visible_cases, allows=can_view_case)
