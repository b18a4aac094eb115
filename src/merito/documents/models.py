from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """The supporting documents the seeds ask for (soportes, folios, anexos)."""

    IDENTITY = "identity", _("Documento de identidad")
    DIPLOMA = "diploma", _("Diploma o acta de grado")
    CONVALIDATION = "convalidation", _("Resolución de convalidación del título")
    WORK_CERTIFICATE = "work_certificate", _("Certificado laboral")
    RUT = "rut", _("RUT (NIT)")
    PROFESSIONAL_CARD = "professional_card", _("Tarjeta profesional")
    DISCIPLINARY_RECORD = "disciplinary_record", _("Certificado de antecedentes disciplinarios")
    ARL = "arl", _("Certificado de ARL o carta firmada")
    MILITARY_CARD = "military_card", _("Libreta militar")
    DISABILITY = "disability", _("Certificado de discapacidad")
    COMMITMENT_LETTER = "commitment_letter", _("Carta de compromiso por documento pendiente")
    CLAIM_ANNEX = "claim_annex", _("Anexo de reclamación")
    OTHER = "other", _("Otro documento")


class Document(models.Model):
    """One uploaded PDF. Never edited: a new version points at the one it ``replaces``."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("titular"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("tipo de documento"), max_length=32, choices=DocumentKind.choices)
    original_name = models.CharField(_("nombre del archivo"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("tamaño en bytes"))
    page_count = models.PositiveIntegerField(_("páginas"))
    # Content-addressed: several rows may share one stored file.
    storage_name = models.CharField(_("archivo almacenado"), max_length=255)
    uploaded_at = models.DateTimeField(_("cargado el"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cargado por"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # One-to-one: a version is superseded at most once, so a history is a chain, not a tree.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("reemplaza a"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("documento")
        verbose_name_plural = _("documentos")
        indexes = [models.Index(fields=["owner", "kind"], name="documents_owner_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="documents_sha256_hex"
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="documents_size_positive"),
            models.CheckConstraint(condition=Q(page_count__gt=0), name="documents_has_pages"),
            models.CheckConstraint(
                condition=~Q(replaces=F("id")), name="documents_not_replacing_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_current(self) -> bool:
        """True when no later version replaces this one."""
        return not Document.objects.filter(replaces_id=self.pk).exists()
