"""What every long job shares: its state, progress, error and times (an abstract model),
so a page can show how far it has gone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    PENDING = "pending", _("Programado")
    RUNNING = "running", _("En ejecución")
    DONE = "done", _("Finalizado")
    FAILED = "failed", _("Con error")


class BackgroundJob(models.Model):
    """What every background job shows while it runs: state, progress, error and times."""

    state = models.CharField(
        _("estado"), max_length=10, choices=JobState.choices, default=JobState.PENDING
    )
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("procesadas"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("fecha creación"), auto_now_add=True)
    started_at = models.DateTimeField(_("fecha ejecución"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fecha finalización"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)
