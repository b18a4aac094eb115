"""Update cases of the peer bank (seed 000, "Nueva solicitud de actualización de información").

A peer opens a case, fills the hoja de vida (the profile is shared, so a new case starts
from what was saved before), and submits it with the personal-data consent. A verifier
checks it: returns it for correction with observations per item, or approves it, which
publishes that version of the profile. A case without the peer's action for N days is
closed as *Desistido*; only the case closes, never the membership.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from merito.states import StateManager


class CaseState(models.TextChoices):
    DRAFT = "draft", _("En diligenciamiento")
    VERIFICATION = "verification", _("Verificación")
    CORRECTION = "correction", _("Corrección")
    APPROVED = "approved", _("Aprobado")
    LAPSED = "lapsed", _("Desistido")


OPEN_STATES = (CaseState.DRAFT, CaseState.VERIFICATION, CaseState.CORRECTION)
PEER_EDITABLE_STATES = (CaseState.DRAFT, CaseState.CORRECTION)


class UpdateCase(models.Model):
    number = models.CharField(_("número de caso"), max_length=20, unique=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par académico"),
        on_delete=models.PROTECT,
        related_name="update_cases",
    )
    state = models.CharField(
        _("estado"), max_length=14, choices=CaseState.choices, default=CaseState.DRAFT
    )
    # Bumped by every state change (merito.states): a stale form loses.
    version = models.PositiveIntegerField(_("versión"), default=1, db_default=1, editable=False)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verificador"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verified_cases",
    )
    round = models.PositiveSmallIntegerField(
        _("envío"), default=0, help_text=_("Cuántas veces se ha enviado a verificación.")
    )
    created_at = models.DateTimeField(_("creado el"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("última actividad del par"))
    reminders_sent = models.PositiveSmallIntegerField(_("recordatorios enviados"), default=0)
    submitted_at = models.DateTimeField(_("enviado el"), null=True, blank=True)
    consent_version = models.CharField(_("versión del consentimiento"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consentimiento aceptado el"), null=True, blank=True)
    snapshot = models.JSONField(_("hoja de vida enviada"), null=True, blank=True)
    snapshot_sha256 = models.CharField(_("SHA-256 de la hoja de vida"), max_length=64, blank=True)
    closed_at = models.DateTimeField(_("cerrado el"), null=True, blank=True)

    objects = StateManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("caso de actualización")
        verbose_name_plural = _("casos de actualización")
        constraints = [
            # One open case per person, enforced by the database (double clicks, two tabs).
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state__in=["draft", "verification", "correction"]),
                name="one_open_update_case_per_person",
            )
        ]
        indexes = [models.Index(fields=["state", "last_activity_at"])]

    def __str__(self) -> str:
        return self.number or f"caso {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def peer_can_edit(self) -> bool:
        return self.state in PEER_EDITABLE_STATES


class CaseEvent(models.Model):
    """One line of the case's timeline, as the peer and the verifier see it."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Caso creado")
        SUBMITTED = "submitted", _("Enviado a verificación")
        ASSIGNED = "assigned", _("Asignado a un verificador")
        RETURNED = "returned", _("Devuelto para corrección")
        APPROVED = "approved", _("Aprobado")
        REMINDED = "reminded", _("Recordatorio por inactividad")
        LAPSED = "lapsed", _("Cerrado por inactividad (desistido)")

    case = models.ForeignKey(
        UpdateCase, verbose_name=_("caso"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("fecha"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("realizado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("detalle"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento del caso")
        verbose_name_plural = _("eventos del caso")

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"


class Observation(models.Model):
    """A verifier's observation on one item of the submitted hoja de vida."""

    case = models.ForeignKey(
        UpdateCase, verbose_name=_("caso"), on_delete=models.CASCADE, related_name="observations"
    )
    round = models.PositiveSmallIntegerField(_("envío"))
    section = models.CharField(_("sección"), max_length=40)
    entry_id = models.PositiveIntegerField(_("registro"), null=True, blank=True)
    item_label = models.CharField(_("elemento"), max_length=300)
    text = models.TextField(_("observación"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verificador"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("creada el"), auto_now_add=True)

    class Meta:
        ordering = ["round", "section", "entry_id", "id"]
        verbose_name = _("observación")
        verbose_name_plural = _("observaciones")

    def __str__(self) -> str:
        return f"{self.item_label}: {self.text[:40]}"
