"""A report generated in the background, for its requester alone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from merito.jobs import BackgroundJob


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel")
    PDF = "pdf", _("PDF")


class ReportJob(BackgroundJob):
    """A large report (seed 004 §6) generated in the background; only its requester downloads it."""

    # Born in merito.evaluation: its rows keep that table, and their history that name.
    audit_type = "evaluation.reportjob"

    report = models.CharField(_("reporte"), max_length=40)
    parameters = models.JSONField(_("parámetros"), default=dict)
    format = models.CharField(_("formato"), max_length=4, choices=ReportFormat.choices)
    file_name = models.CharField(_("archivo"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        db_table = "evaluation_reportjob"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("trabajo de reporte")
        verbose_name_plural = _("trabajos de reportes")

    def __str__(self) -> str:
        return _("Reporte %(n)s") % {"n": self.pk}
