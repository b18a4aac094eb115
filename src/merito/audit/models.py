from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only row of the audit trail.

    ``entry_hash`` = SHA-256 of ``previous_hash`` followed by the row's canonical JSON
    (see ``merito.audit.chain``). The database refuses UPDATE and DELETE on this table
    (triggers created in migration 0002).
    """

    created_at = models.DateTimeField(_("fecha y hora"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor (texto)"), max_length=255, blank=True)
    action = models.CharField(_("acción"), max_length=100, db_index=True)
    object_type = models.CharField(_("tipo de objeto"), max_length=100, blank=True)
    object_id = models.CharField(_("id del objeto"), max_length=64, blank=True, db_index=True)
    object_label = models.CharField(_("objeto"), max_length=255, blank=True)
    before = models.JSONField(_("antes"), null=True, blank=True)
    after = models.JSONField(_("después"), null=True, blank=True)
    request_id = models.CharField(_("id de solicitud"), max_length=64, blank=True)
    previous_hash = models.CharField(_("hash anterior"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("evento de auditoría")
        verbose_name_plural = _("eventos de auditoría")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"
