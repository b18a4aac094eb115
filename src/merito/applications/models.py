"""Inscriptions (seeds 001 and 004): a person applies to one position of an open call.

The hoja de vida is frozen at submission (snapshot + SHA-256): later edits of the profile
never change what the inscription was judged on. A person holds at most one active
inscription per call; the idempotency key of the form makes double clicks and retries
land on the same inscription.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from merito.calls.models import Call, Position
from merito.states import StateManager


class InscriptionState(models.TextChoices):
    ACTIVE = "active", _("Inscrito")
    WITHDRAWN = "withdrawn", _("Retirada")


class Inscription(models.Model):
    registry_number = models.CharField(
        _("número de inscripción"), max_length=60, unique=True, blank=True
    )
    # The three foreign keys are indexed by the composite indexes of ``Meta`` (they lead).
    call = models.ForeignKey(
        Call,
        verbose_name=_("convocatoria"),
        on_delete=models.PROTECT,
        related_name="inscriptions",
        db_index=False,
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("empleo o plaza"),
        on_delete=models.PROTECT,
        related_name="inscriptions",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aspirante"),
        on_delete=models.PROTECT,
        related_name="inscriptions",
        db_index=False,
    )
    state = models.CharField(
        _("estado"),
        max_length=10,
        choices=InscriptionState.choices,
        default=InscriptionState.ACTIVE,
    )
    # Bumped by every state change (merito.states): a stale form loses.
    version = models.PositiveIntegerField(_("versión"), default=1, db_default=1, editable=False)
    request_key = models.UUIDField(_("clave de la solicitud"), unique=True)
    snapshot = models.JSONField(_("hoja de vida inscrita"))
    snapshot_sha256 = models.CharField(_("SHA-256 de la hoja de vida"), max_length=64)
    submitted_at = models.DateTimeField(_("inscrito el"))
    withdrawn_at = models.DateTimeField(_("retirada el"), null=True, blank=True)

    objects = StateManager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("inscripción")
        verbose_name_plural = _("inscripciones")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "call"],
                condition=Q(state="active"),
                name="one_active_inscription_per_call",
            )
        ]
        # The staff search of seed 004 §5 over 1,000,000 inscriptions: each index holds every
        # column its counts or pages read, so PostgreSQL answers from the index alone.
        indexes = [
            # counts per call and per state
            models.Index(fields=["call", "state"], name="inscription_by_call_state"),
            # pages by number, at any depth
            models.Index(fields=["registry_number", "id", "call"], name="inscription_by_registry"),
            # pages by OPEC (position after position), counts per level or position
            models.Index(fields=["position", "id", "call"], name="inscription_by_position"),
            # the search by name or document, from the people found
            models.Index(fields=["user", "call"], name="inscription_by_user"),
        ]

    def __str__(self) -> str:
        return self.registry_number or f"inscripción {self.pk}"
