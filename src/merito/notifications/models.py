from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One e-mail in the outbox. Sent by a task; kept afterwards so staff can see and resend."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En cola")
        SENT = "sent", _("Enviado")
        FAILED = "failed", _("Fallido")

    kind = models.CharField(_("tipo"), max_length=60, db_index=True)
    to = models.EmailField(_("destinatario"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_emails",
    )
    subject = models.CharField(_("asunto"), max_length=255)
    body_text = models.TextField(_("texto"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    last_error = models.TextField(_("último error"), blank=True)
    created_at = models.DateTimeField(_("creado el"), auto_now_add=True)
    # When its send task was published: at the commit for most mail; by the fan-out job for
    # mail queued in bulk, which waits here with this empty until then.
    handed_at = models.DateTimeField(_("entregado a la cola el"), null=True, blank=True)
    sent_at = models.DateTimeField(_("enviado el"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(status="queued", handed_at__isnull=True),
                name="outbox_waiting_fan_out",
            )
        ]
        verbose_name = _("correo saliente")
        verbose_name_plural = _("correos salientes")

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class Notice(models.Model):
    """An in-app notice (aviso) for one person, shown in their portal until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    title = models.CharField(_("título"), max_length=200)
    body = models.TextField(_("texto"), blank=True)
    url = models.CharField(_("enlace"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creado el"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("leído el"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("aviso")
        verbose_name_plural = _("avisos")

    def __str__(self) -> str:
        return self.title
