"""The life of an update case: open, submit with consent, verify, correct, approve, lapse.

Every transition takes the case row with ``select_for_update`` (two tabs, double clicks,
a verifier and the lapse task at the same moment), writes a timeline event and an audit
event, and tells the peer by e-mail (through the outbox) and by an in-app notice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merito.audit.services import audit_record
from merito.cases.models import (
    OPEN_STATES,
    PEER_EDITABLE_STATES,
    CaseEvent,
    CaseState,
    Observation,
    UpdateCase,
)
from merito.cases.states import CASE
from merito.errors import DomainError
from merito.notifications.services import email_enqueue, notice_add
from merito.peers.models import MembershipState, PeerMembership
from merito.profiles.selectors import profile_snapshot_and_missing, snapshot_sha256
from merito.profiles.services import register_entry_notes, register_profile_lock

CONSENT_VERSION = "2026-1"
CONSENT_TEXT = gettext_lazy(
    "Autorizo al Ministerio de Educación Nacional a tratar mis datos personales y los "
    "documentos que cargo para verificar mi información como par académico y para "
    "designarme en procesos de evaluación, conforme a la Ley 1581 de 2012 y su política de "
    "tratamiento de datos. Declaro que la información es veraz y que puedo consultarla, "
    "actualizarla y rectificarla."
)


def lapse_days() -> int:
    return int(getattr(settings, "CASE_LAPSE_DAYS", 30))


def reminder_days() -> list[int]:
    return sorted(int(day) for day in getattr(settings, "CASE_REMINDER_DAYS", (15, 25)))


# --- helpers ------------------------------------------------------------------------------


def _locked(case_id: int) -> UpdateCase:
    return UpdateCase.objects.select_for_update().select_related("user").get(pk=case_id)


def _event(case: UpdateCase, kind: str, actor: Any = None, message: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, message=message)


def _tell(case: UpdateCase, *, subject: str, template: str, kind: str, **context: Any) -> None:
    url = reverse("portal:cases:detail", args=[case.number])
    email_enqueue(
        to=case.user.email,
        subject=subject,
        template=template,
        context={
            "case": case,
            "user": case.user,
            "path": url,
            "site_url": settings.SITE_URL,
            **context,
        },
        kind=kind,
        user=case.user,
    )
    notice_add(user=case.user, title=subject, url=url)


def open_case_of(user: Any) -> UpdateCase | None:
    return UpdateCase.objects.filter(user=user, state__in=OPEN_STATES).first()


def why_no_new_case(user: Any) -> tuple[str, UpdateCase | None] | None:
    """Why "Nueva solicitud de actualización de información" is hidden, or None if shown."""
    if not PeerMembership.objects.filter(user=user, state=MembershipState.ACTIVE).exists():
        return (
            _(
                "Sus datos no aparecen en el banco de pares académicos. Si tiene evidencia de "
                "su ingreso anterior, solicite que lo reconozcan."
            ),
            None,
        )
    case = open_case_of(user)
    if case is not None:
        return (
            _("Ya tiene abierto el caso %(number)s (%(state)s): continúe con él.")
            % {"number": case.number, "state": case.get_state_display()},
            case,
        )
    return None


# --- peer ---------------------------------------------------------------------------------


def case_open(*, user: Any) -> UpdateCase:
    """ "Nueva solicitud de actualización de información": one open case at a time."""
    refusal = why_no_new_case(user)
    if refusal is not None:
        raise DomainError(refusal[0], code="no_new_case")
    now = timezone.now()
    try:
        with transaction.atomic():
            case = UpdateCase.objects.create(user=user, last_activity_at=now)
    except IntegrityError:  # a second request won the race
        existing = open_case_of(user)
        raise DomainError(
            _("Ya tiene abierto el caso %(number)s: continúe con él.")
            % {"number": existing.number if existing else ""},
            code="no_new_case",
        ) from None
    case.number = f"GP-{now:%Y}-{case.pk:06d}"
    case.save(update_fields=["number"])
    _event(case, CaseEvent.Kind.OPENED, user)
    audit_record(action="cases.case.opened", actor=user, obj=case, after={"number": case.number})
    return case


def case_submit(*, case: UpdateCase, user: Any, consent: bool) -> UpdateCase:
    """Send the case to verification with the personal-data consent (text version and time)."""
    with transaction.atomic():
        case = _locked(case.pk)
        if case.user_id != user.pk:
            raise DomainError(_("Este caso no es suyo."), code="forbidden")
        if case.state not in PEER_EDITABLE_STATES:
            raise DomainError(
                _("El caso está en %(state)s: no se puede enviar ahora.")
                % {"state": case.get_state_display()},
                code="state",
            )
        if not consent:
            raise DomainError(
                _(
                    "Autorización de tratamiento de datos personales: es obligatoria para "
                    "enviar el caso."
                ),
                field="consent",
                code="consent",
            )
        snapshot, missing = profile_snapshot_and_missing(user=user)
        if missing:
            raise DomainError(
                _("Antes de enviar complete su hoja de vida: %(items)s")
                % {"items": " ".join(item.message for item in missing)},
                code="incomplete",
            )
        now = timezone.now()
        returning = case.state == CaseState.CORRECTION
        sha256 = snapshot_sha256(snapshot)
        CASE.move(
            case,
            "submit",
            by=user,
            changes={
                "snapshot": snapshot,
                "snapshot_sha256": sha256,
                "round": case.round + 1,
                "submitted_at": now,
                "consent_version": CONSENT_VERSION,
                "consent_at": now,
                "last_activity_at": now,
                "reminders_sent": 0,
            },
            after={
                "round": case.round + 1,
                "snapshot_sha256": sha256,
                "consent_version": CONSENT_VERSION,
            },
        )
        _event(
            case,
            CaseEvent.Kind.SUBMITTED,
            user,
            _("Envío %(round)s, con las correcciones.") % {"round": case.round}
            if returning
            else "",
        )
    return case


# --- verifier -----------------------------------------------------------------------------


def _verifying(case_id: int, verifier: Any) -> UpdateCase:
    case = _locked(case_id)
    if case.state != CaseState.VERIFICATION:
        raise DomainError(
            _("El caso está en %(state)s, no en Verificación.")
            % {"state": case.get_state_display()},
            code="state",
        )
    if case.verifier_id not in (None, verifier.pk):
        raise DomainError(
            _("El caso está asignado a otro verificador (%(name)s).")
            % {"name": case.verifier.get_full_name() if case.verifier else ""},
            code="assigned",
        )
    return case


def case_assign(*, case: UpdateCase, verifier: Any, actor: Any) -> UpdateCase:
    with transaction.atomic():
        case = _locked(case.pk)
        if case.state not in OPEN_STATES:
            raise DomainError(_("Solo se asignan casos abiertos."), code="state")
        before = case.verifier_id
        case.verifier = verifier
        case.save(update_fields=["verifier"])
        _event(
            case,
            CaseEvent.Kind.ASSIGNED,
            actor,
            _("Verificador: %(name)s") % {"name": verifier.get_full_name()},
        )
        audit_record(
            action="cases.case.assigned",
            actor=actor,
            obj=case,
            before={"verifier": before},
            after={"verifier": verifier.pk},
        )
    return case


def observation_add(
    *, case: UpdateCase, verifier: Any, section: str, entry_id: int | None, label: str, text: str
) -> Observation:
    text = text.strip()
    if not text:
        raise DomainError(_("Observación: escriba qué debe corregir el par."), field="text")
    with transaction.atomic():
        case = _verifying(case.pk, verifier)
        observation = Observation.objects.create(
            case=case,
            round=case.round,
            section=section,
            entry_id=entry_id,
            item_label=label[:300],
            text=text,
            author=verifier,
        )
        audit_record(
            action="cases.observation.added",
            actor=verifier,
            obj=case,
            after={"section": section, "entry_id": entry_id, "text": text},
        )
    return observation


def observation_delete(*, observation: Observation, verifier: Any) -> None:
    with transaction.atomic():
        case = _verifying(observation.case_id, verifier)
        if observation.round != case.round:
            raise DomainError(_("Solo se borran observaciones de la revisión en curso."))
        audit_record(
            action="cases.observation.deleted",
            actor=verifier,
            obj=case,
            before={"section": observation.section, "text": observation.text},
        )
        observation.delete()


def case_return(*, case: UpdateCase, verifier: Any) -> UpdateCase:
    """Verificación → Corrección; the e-mail lists every observation of this review."""
    with transaction.atomic():
        case = _verifying(case.pk, verifier)
        observations = list(case.observations.filter(round=case.round))
        if not observations:
            raise DomainError(
                _("Para devolver el caso registre al menos una observación."), code="empty"
            )
        CASE.move(
            case,
            "return",
            by=verifier,
            changes={
                "verifier": verifier,
                "last_activity_at": timezone.now(),  # the peer's clock starts again
                "reminders_sent": 0,
            },
            after={"observations": len(observations)},
        )
        _event(
            case,
            CaseEvent.Kind.RETURNED,
            verifier,
            _("%(count)s observación(es).") % {"count": len(observations)},
        )
    return case


def case_approve(*, case: UpdateCase, verifier: Any) -> UpdateCase:
    """Verificación → Aprobado: the submitted version of the profile is the published one."""
    with transaction.atomic():
        case = _verifying(case.pk, verifier)
        if case.observations.filter(round=case.round).exists():
            raise DomainError(
                _(
                    "Hay observaciones en esta revisión: devuelva el caso para corrección o "
                    "bórrelas antes de aprobar."
                ),
                code="observations",
            )
        CASE.move(
            case,
            "approve",
            by=verifier,
            changes={"verifier": verifier, "closed_at": timezone.now()},
            after={"snapshot_sha256": case.snapshot_sha256},
        )
        _event(case, CaseEvent.Kind.APPROVED, verifier)
    return case


def published_snapshot(*, user: Any) -> UpdateCase | None:
    """The last approved case: its snapshot is the profile version the bank uses."""
    return (
        UpdateCase.objects.filter(user=user, state=CaseState.APPROVED)
        .order_by("-closed_at", "-pk")
        .first()
    )


# --- activity, reminders and desistimiento --------------------------------------------------


def touch_activity(*, user: Any) -> None:
    """The peer worked on the hoja de vida: the inactivity clock of the open case restarts."""
    UpdateCase.objects.filter(user=user, state__in=PEER_EDITABLE_STATES).update(
        last_activity_at=timezone.now(), reminders_sent=0
    )


def cases_lapse(*, now: datetime | None = None) -> dict[str, int]:
    """Send due reminders and close cases idle for ``CASE_LAPSE_DAYS`` (scheduled daily)."""
    now = now or timezone.now()
    limit = lapse_days()
    reminders = reminder_days()
    counts = {"reminded": 0, "lapsed": 0}
    idle = UpdateCase.objects.filter(
        state__in=PEER_EDITABLE_STATES,
        last_activity_at__lte=now - timedelta(days=min([limit, *reminders])),
    ).values_list("pk", flat=True)
    for pk in list(idle):
        with transaction.atomic():
            case = _locked(pk)
            if case.state not in PEER_EDITABLE_STATES:
                continue
            days = (now - case.last_activity_at).days
            if days >= limit:
                CASE.move(
                    case, "lapse", by=None, changes={"closed_at": now}, after={"idle_days": days}
                )
                _event(
                    case,
                    CaseEvent.Kind.LAPSED,
                    None,
                    _("%(days)s días sin actividad.") % {"days": days},
                )
                counts["lapsed"] += 1
                continue
            due = sum(1 for day in reminders if days >= day)
            if due > case.reminders_sent:
                case.reminders_sent = due
                case.save(update_fields=["reminders_sent"])
                remaining = limit - days
                _event(
                    case,
                    CaseEvent.Kind.REMINDED,
                    None,
                    _("Quedan %(days)s días para actuar.") % {"days": remaining},
                )
                _tell(
                    case,
                    subject=_("Su caso %(number)s se cerrará en %(days)s días")
                    % {"number": case.number, "days": remaining},
                    template="cases/email/reminder",
                    kind="cases.reminder",
                    days=remaining,
                    idle=days,
                )
                counts["reminded"] += 1
    return counts


# --- the profile lock -----------------------------------------------------------------------


def profile_lock_reason(user: Any) -> str | None:
    case = UpdateCase.objects.filter(user=user, state=CaseState.VERIFICATION).first()
    if case is None:
        return None
    return _(
        "Su caso %(number)s está en Verificación: no se pueden hacer cambios hasta que reciba "
        "el resultado por correo. Si se piden correcciones, podrá cargar todos los documentos "
        "faltantes."
    ) % {"number": case.number}


def observation_notes(user: Any) -> dict[tuple[str, int | None], list[str]]:
    """In Corrección, the verifier's observations beside each flagged profile entry."""
    case = UpdateCase.objects.filter(user=user, state=CaseState.CORRECTION).first()
    if case is None:
        return {}
    notes: dict[tuple[str, int | None], list[str]] = {}
    for observation in case.observations.filter(round=case.round):
        notes.setdefault((observation.section, observation.entry_id), []).append(observation.text)
    return notes


def register_hooks() -> None:
    register_profile_lock(profile_lock_reason)
    register_entry_notes(observation_notes)
