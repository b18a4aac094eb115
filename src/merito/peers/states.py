"""The state machines of the peer bank's requests (seed 000): a recognition request and
an e-mail change request are Pendiente until staff who work the bank approve or reject
them. Moved only through ``merito.states`` by ``merito.peers.services``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from merito.peers.models import EmailChangeRequest, RecognitionRequest, RequestState
from merito.peers.scope import works_the_bank
from merito.states import Machine, Notify, Transition

DECIDED = _("Esta solicitud ya fue decidida.")


def _staff(user: Any, item: Any) -> bool:
    return bool(works_the_bank(user))


def _request(item: Any) -> dict[str, Any]:
    return {"request": item}


def _recognised(item: Any) -> dict[str, Any]:
    return {"request": item, "path": reverse("portal:cases:dashboard")}


def _decisions(kind: str, *, approved: Notify | None, rejected: Notify) -> list[Transition]:
    """Pendiente → Aprobada or Rechazada, by staff who work the bank."""
    return [
        Transition(
            "approve",
            [RequestState.PENDING],
            RequestState.APPROVED,
            label=_("Aprobar"),
            audit_action=f"peers.{kind}.approved",
            allowed=_staff,
            wrong_state=DECIDED,
            notify=[approved] if approved else [],
        ),
        Transition(
            "reject",
            [RequestState.PENDING],
            RequestState.REJECTED,
            label=_("Rechazar"),
            audit_action=f"peers.{kind}.rejected",
            allowed=_staff,
            wrong_state=DECIDED,
            notify=[rejected],
        ),
    ]


def _person(item: Any) -> list[Any]:
    return [item.user]


def _new_address(item: Any) -> list[Any]:
    return [(item.new_email, item.user)]


RECOGNITION = Machine(
    "peers.recognitionrequest",
    RecognitionRequest,
    states=RequestState,
    initial=[RequestState.PENDING],
    transitions=_decisions(
        "recognition",
        approved=Notify(
            kind="peers.recognition.approved",
            subject=_("Su solicitud de reconocimiento como par fue aprobada"),
            template="peers/email/recognition_approved",
            to=_person,
            context=_recognised,
        ),
        rejected=Notify(
            kind="peers.recognition.rejected",
            subject=_("Su solicitud de reconocimiento como par fue rechazada"),
            template="peers/email/recognition_rejected",
            to=_person,
            context=_request,
        ),
    ),
)

# Approval sends no message of its own: the confirmation link to the new address is the
# message (``accounts.services.email_change_request``).
EMAIL_CHANGE = Machine(
    "peers.emailchangerequest",
    EmailChangeRequest,
    states=RequestState,
    initial=[RequestState.PENDING],
    transitions=_decisions(
        "email_change",
        approved=None,
        rejected=Notify(
            kind="peers.email_change.rejected",
            subject=_("Su solicitud de cambio de correo fue rechazada"),
            template="peers/email/email_change_rejected",
            to=_new_address,
            context=_request,
        ),
    ),
)
