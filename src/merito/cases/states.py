"""The update case's state machine (seed 000): En diligenciamiento → Verificación →
Corrección ↔ Verificación → Aprobado; an idle case is Desistido. Moved only through
``merito.states`` by the services of ``merito.cases.services``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from merito.cases.models import CaseState, UpdateCase
from merito.peers.scope import works_the_bank
from merito.states import Machine, Notify, Transition


def _owner(user: Any, case: UpdateCase) -> bool:
    return bool(getattr(user, "pk", None)) and case.user_id == user.pk


def _verifier(user: Any, case: UpdateCase) -> bool:
    return bool(works_the_bank(user))


def _peer(case: UpdateCase) -> list[Any]:
    return [case.user]


def _url(case: UpdateCase) -> str:
    return reverse("portal:cases:detail", args=[case.number])


def _context(case: UpdateCase) -> dict[str, Any]:
    return {"case": case, "number": case.number}


def _returned(case: UpdateCase) -> dict[str, Any]:
    return {**_context(case), "observations": list(case.observations.filter(round=case.round))}


def _lapsed(case: UpdateCase) -> dict[str, Any]:
    days = (case.closed_at - case.last_activity_at).days if case.closed_at else 0
    return {**_context(case), "days": days}


def _tell(kind: str, subject: Any, context: Any = _context) -> Notify:
    return Notify(
        kind=f"cases.{kind}",
        subject=subject,
        template=f"cases/email/{kind}",
        to=_peer,
        context=context,
        url=_url,
        notice=True,
    )


EDITABLE = (CaseState.DRAFT, CaseState.CORRECTION)

CASE = Machine(
    "cases.updatecase",
    UpdateCase,
    states=CaseState,
    initial=[CaseState.DRAFT],
    transitions=[
        Transition(
            "submit",
            EDITABLE,
            CaseState.VERIFICATION,
            label=_("Enviar a verificación"),
            audit_action="cases.case.submitted",
            allowed=_owner,
            refusal=_("Este caso no es suyo."),
            wrong_state=_("El caso está en %(state)s: no se puede enviar ahora."),
            notify=[_tell("submitted", _("Recibimos su caso %(number)s"))],
        ),
        Transition(
            "return",
            [CaseState.VERIFICATION],
            CaseState.CORRECTION,
            label=_("Devolver para corrección"),
            audit_action="cases.case.returned",
            allowed=_verifier,
            wrong_state=_("El caso está en %(state)s, no en Verificación."),
            notify=[_tell("returned", _("Su caso %(number)s requiere correcciones"), _returned)],
        ),
        Transition(
            "approve",
            [CaseState.VERIFICATION],
            CaseState.APPROVED,
            label=_("Aprobar"),
            audit_action="cases.case.approved",
            allowed=_verifier,
            wrong_state=_("El caso está en %(state)s, no en Verificación."),
            notify=[_tell("approved", _("Su caso %(number)s fue aprobado"))],
        ),
        Transition(
            "lapse",
            EDITABLE,
            CaseState.LAPSED,
            label=_("Cerrar por inactividad"),
            audit_action="cases.case.lapsed",
            notify=[_tell("lapsed", _("Su caso %(number)s se cerró por inactividad"), _lapsed)],
        ),
    ],
)
