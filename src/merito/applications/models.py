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


class InscriptionState(models.TextChoices):
    ACTIVE = "active", _("Inscrito")
    WITHDRAWN = "withdrawn", _("Retirada")


class Inscription(models.Model):
    registry_number = models.CharField(
        _("número de inscripción"), max_length=60, unique=True, blank=True
    )
    call = models.ForeignKey(
        Call, verbose_name=_("convocatoria"), on_delete=models.PROTECT, related_name="inscriptions"
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("empleo o plaza"),
        on_delete=models.PROTECT,
        related_name="inscriptions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aspirante"),
        on_delete=models.PROTECT,
        related_name="inscriptions",
    )
    state = models.CharField(
        _("estado"),
        max_length=10,
        choices=InscriptionState.choices,
        default=InscriptionState.ACTIVE,
    )
    request_key = models.UUIDField(_("clave de la solicitud"), unique=True)
    snapshot = models.JSONField(_("hoja de vida inscrita"))
    snapshot_sha256 = models.CharField(_("SHA-256 de la hoja de vida"), max_length=64)
    submitted_at = models.DateTimeField(_("inscrito el"))
    withdrawn_at = models.DateTimeField(_("retirada el"), null=True, blank=True)

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

    def __str__(self) -> str:
        return self.registry_number or f"inscripción {self.pk}"
