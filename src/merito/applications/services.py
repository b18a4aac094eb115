"""Apply to a position, and withdraw, inside the call's inscription window.

The window is checked on the server in the organization's legal time zone (closing at
23:59:59 local time); the browser's clock never decides. The form's request key makes a
double click or a retried POST return the inscription already made.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from merito.applications.mail import local_time, mail_context
from merito.applications.models import Inscription, InscriptionState
from merito.applications.states import INSCRIPTION
from merito.audit.services import audit_record
from merito.calls.models import Call, Position, Stage, StageKind
from merito.errors import DomainError
from merito.notifications.services import email_enqueue
from merito.profiles.selectors import profile_snapshot_and_missing, snapshot_sha256


def registry_number(call: Call, pk: int) -> str:
    return f"{call.code}-{pk:07d}"


def _earlier(user: Any, position: Position, request_key: uuid.UUID) -> list[Inscription]:
    """The inscription made with this key, and the user's active one in the call: one read
    answers both "was this request already made?" and "is there an active one?"."""
    return list(
        Inscription.objects.filter(
            Q(request_key=request_key)
            | Q(user=user, call_id=position.call_id, state=InscriptionState.ACTIVE)
        )
    )


def inscription_stage(call: Call) -> Stage | None:
    """The call's inscription stage (the first one, if the schedule has several)."""
    if "stages" in getattr(call, "_prefetched_objects_cache", {}):
        return next((s for s in call.stages.all() if s.kind == StageKind.INSCRIPTIONS), None)
    stage = Stage.objects.filter(call=call, kind=StageKind.INSCRIPTIONS).first()
    if stage is not None:
        stage.call = call  # its legal time zone, without reading the call again
    return stage


def window_refusal(call: Call, now: datetime) -> str | None:
    """Why one cannot apply or withdraw now; ``None`` while the window is open."""
    stage = inscription_stage(call)
    if stage is None:
        return _("Esta convocatoria no tiene etapa de inscripciones.")
    if stage.is_open(now):
        return None
    if now < stage.opens_at:
        return _("Las inscripciones abren el %(when)s.") % {
            "when": local_time(call, stage.opens_at)
        }
    return _(
        "Las inscripciones cerraron el %(when)s: ya no se reciben inscripciones ni cambios."
    ) % {"when": local_time(call, stage.closes_at)}


def active_inscription(*, user: Any, call: Call) -> Inscription | None:
    return Inscription.objects.filter(user=user, call=call, state=InscriptionState.ACTIVE).first()


def inscription_submit(
    *, user: Any, position: Position, request_key: uuid.UUID, now: datetime | None = None
) -> tuple[Inscription, bool]:
    """Inscribe ``user``; returns the inscription and whether this call created it."""
    request_key = uuid.UUID(str(request_key))
    call = position.call
    earlier = _earlier(user, position, request_key)
    existing = next((i for i in earlier if i.request_key == request_key), None)
    if existing is not None:
        if existing.user_id != user.pk:
            raise DomainError(_("Esa solicitud no es suya."), code="forbidden")
        return existing, False
    now = now or timezone.now()
    refusal = window_refusal(call, now)
    if refusal:
        raise DomainError(refusal, code="closed")
    if earlier:
        active = earlier[0]
        raise DomainError(
            _(
                "Ya está inscrito en esta convocatoria con el número %(number)s (%(position)s). "
                "Para cambiar de empleo, retire esa inscripción y vuelva a inscribirse mientras "
                "el plazo esté abierto."
            )
            % {"number": active.registry_number, "position": active.position},
            code="duplicate",
        )
    snapshot, missing = profile_snapshot_and_missing(user=user)
    if missing:
        raise DomainError(
            _("Antes de inscribirse complete su hoja de vida: %(items)s")
            % {"items": " ".join(item.message for item in missing)},
            code="incomplete",
        )
    try:
        with transaction.atomic():
            # The number is made of the row's id: a placeholder unique to this request goes
            # in first, and no other transaction ever sees it.
            inscription = Inscription.objects.create(
                call=call,
                position=position,
                user=user,
                request_key=request_key,
                registry_number=f"pendiente-{request_key}",
                snapshot=snapshot,
                snapshot_sha256=snapshot_sha256(snapshot),
                submitted_at=now,
            )
            inscription.registry_number = registry_number(call, inscription.pk)
            inscription.save(update_fields=["registry_number"])
            _tell(inscription, "applications/email/receipt", _("Inscripción %(number)s"))
            # Last: the audit chain's lock is held from here until the commit.
            audit_record(
                action="applications.inscription.submitted",
                actor=user,
                obj=inscription,
                after={
                    "registry_number": inscription.registry_number,
                    "position": position.code,
                    "snapshot_sha256": inscription.snapshot_sha256,
                },
            )
    except IntegrityError:
        # A concurrent request with the same key (or for the same call) won the race.
        same = Inscription.objects.filter(request_key=request_key, user=user).first()
        if same is not None:
            return same, False
        current = active_inscription(user=user, call=call)
        raise DomainError(
            _("Ya está inscrito en esta convocatoria con el número %(number)s.")
            % {"number": current.registry_number if current else ""},
            code="duplicate",
        ) from None
    return inscription, True


def inscription_withdraw(
    *, inscription: Inscription, user: Any, now: datetime | None = None
) -> Inscription:
    now = now or timezone.now()
    with transaction.atomic():
        inscription = (
            Inscription.objects.select_for_update()
            .select_related("call", "position")
            .get(pk=inscription.pk)
        )
        if inscription.user_id != user.pk:
            raise DomainError(_("Esa inscripción no es suya."), code="forbidden")
        if inscription.state != InscriptionState.ACTIVE:
            raise DomainError(_("La inscripción ya estaba retirada."), code="state")
        refusal = window_refusal(inscription.call, now)
        if refusal:
            raise DomainError(refusal, code="closed")
        INSCRIPTION.move(
            inscription,
            "withdraw",
            by=user,
            changes={"withdrawn_at": now},
            after={"registry_number": inscription.registry_number},
        )
    return inscription


def _tell(inscription: Inscription, template: str, subject: str) -> None:
    email_enqueue(
        to=inscription.user.email,
        subject=subject % {"number": inscription.registry_number},
        template=template,
        context={"user": inscription.user, **mail_context(inscription)},
        kind=template.replace("/", ".").replace("email.", ""),
        bulk=True,  # hundreds a second at a deadline: through the fan-out job
        user=inscription.user,
    )
