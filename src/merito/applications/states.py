"""The inscription's state machine: Inscrito → Retirada, by the applicant while the
inscription window is open; Retirada → Inscrito only by the platform's staff (a
withdrawal undone on a written request). Moved only through ``merito.states``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from merito.applications.mail import mail_context
from merito.applications.models import Inscription, InscriptionState
from merito.states import Machine, Notify, Transition


def _owner(user: Any, inscription: Inscription) -> bool:
    return bool(getattr(user, "pk", None)) and inscription.user_id == user.pk


INSCRIPTION = Machine(
    "applications.inscription",
    Inscription,
    states=InscriptionState,
    initial=[InscriptionState.ACTIVE],
    transitions=[
        Transition(
            "withdraw",
            [InscriptionState.ACTIVE],
            InscriptionState.WITHDRAWN,
            label=_("Retirar la inscripción"),
            audit_action="applications.inscription.withdrawn",
            allowed=_owner,
            refusal=_("Esa inscripción no es suya."),
            wrong_state=_("La inscripción ya estaba retirada."),
            notify=[
                Notify(
                    kind="applications.withdrawn",
                    subject=_("Inscripción %(number)s retirada"),
                    template="applications/email/withdrawn",
                    to=lambda inscription: [inscription.user],
                    context=mail_context,
                    bulk=True,  # hundreds a second at a deadline: through the fan-out job
                )
            ],
        ),
        Transition(
            "reinstate",
            [InscriptionState.WITHDRAWN],
            InscriptionState.ACTIVE,
            label=_("Restablecer la inscripción"),
            audit_action="applications.inscription.reinstated",
            allowed=lambda user, inscription: bool(getattr(user, "is_superuser", False)),
            refusal=_("Solo el personal de la plataforma restablece una inscripción."),
            wrong_state=_("La inscripción no está retirada."),
        ),
    ],
)
