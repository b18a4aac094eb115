from __future__ import annotations

import unicodedata
from datetime import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from merito.calls import calendar


def search_key(text: str) -> str:
    """Lower case without accents, so "Educación" and "educacion" match on any database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# How a legal time is named beside a deadline.
TIME_ZONE_LABELS = {"America/Bogota": _("hora de Colombia"), "America/Lima": _("hora de Perú")}


class CallState(models.TextChoices):
    """Seed 004 §3: Abierta (A), Cerrada (C), Cancelada (CA), Suspendida (S); plus a draft."""

    DRAFT = "draft", _("Borrador")
    OPEN = "open", _("Abierta")
    CLOSED = "closed", _("Cerrada")
    CANCELLED = "cancelled", _("Cancelada")
    SUSPENDED = "suspended", _("Suspendida")


PUBLIC_STATES = (CallState.OPEN, CallState.CLOSED, CallState.CANCELLED, CallState.SUSPENDED)


class CallQuerySet(models.QuerySet):
    def public(self) -> CallQuerySet:
        """What anyone may see: marked public and out of draft."""
        return self.filter(is_public=True).exclude(state=CallState.DRAFT)


class Call(models.Model):
    """A selection: convocatoria, proceso de selección or concurso."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organización"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    code = models.CharField(_("código"), max_length=50, unique=True)
    name = models.CharField(_("nombre"), max_length=255)
    created_at = models.DateTimeField(_("creada el"), auto_now_add=True)
    description = models.TextField(_("descripción"), blank=True)
    year = models.PositiveSmallIntegerField(_("año"), null=True, blank=True)
    state = models.CharField(
        _("estado"), max_length=10, choices=CallState.choices, default=CallState.DRAFT
    )
    is_public = models.BooleanField(
        _("visible al público"),
        default=False,
        help_text=_("Mantener visible al público: la convocatoria aparece en el catálogo."),
    )
    rubric_id = models.CharField(
        _("rúbrica"),
        max_length=100,
        blank=True,
        help_text=_("Identificador del archivo de rúbrica del motor de calificación."),
    )
    # Filled on save from code, name and organization; searched without accents.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("convocatoria")
        verbose_name_plural = _("convocatorias")
        indexes = [models.Index(fields=["is_public", "state", "year"])]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        organization = self.organization
        self.search_text = search_key(
            " ".join([self.code, self.name, organization.short_name, organization.name])
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_visible(self) -> bool:
        return self.is_public and self.state != CallState.DRAFT

    @property
    def time_zone(self) -> str:
        return self.organization.time_zone or "UTC"

    @property
    def time_zone_label(self) -> str:
        """ "hora de Colombia", "hora de Perú", or the zone's name for any other."""
        zone = self.time_zone
        return str(TIME_ZONE_LABELS.get(zone, _("hora de %(zone)s") % {"zone": zone}))


class StageKind(models.TextChoices):
    INSCRIPTIONS = "inscriptions", _("Inscripciones")
    REQUIREMENTS = "requirements", _("Verificación de requisitos")
    TESTS = "tests", _("Aplicación de pruebas")
    RESULTS = "results", _("Publicación de resultados")
    CLAIMS = "claims", _("Reclamaciones")
    OTHER = "other", _("Otra actividad")


class Stage(models.Model):
    """One line of the cronograma. Dates are calendar days in the organization's legal zone."""

    call = models.ForeignKey(
        Call, verbose_name=_("convocatoria"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(
        _("tipo"), max_length=20, choices=StageKind.choices, default=StageKind.OTHER
    )
    start_date = models.DateField(_("fecha de inicio"))
    end_date = models.DateField(_("fecha de cierre"))
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["order", "start_date", "pk"]
        verbose_name = _("etapa")
        verbose_name_plural = _("etapas (cronograma)")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="calls_stage_end_after_start",
                violation_error_message=_(
                    "La fecha de cierre no puede ser anterior a la fecha de inicio."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date} – {self.end_date})"

    def bounds(self) -> tuple[datetime, datetime]:
        """UTC instants: 00:00:00 local on the start date, 23:59:59.999999 on the end date."""
        return calendar.window_bounds(self.start_date, self.end_date, self.call.time_zone)

    @property
    def opens_at(self) -> datetime:
        return self.bounds()[0]

    @property
    def closes_at(self) -> datetime:
        return self.bounds()[1]

    def is_open(self, at: datetime) -> bool:
        """Whether the aware instant ``at`` is inside the window (server-side rule)."""
        return calendar.is_within(at, self.start_date, self.end_date, self.call.time_zone)


class Position(models.Model):
    """What applicants compete for: an OPEC job, or region × grupo de competencia × escala."""

    call = models.ForeignKey(
        Call, verbose_name=_("convocatoria"), on_delete=models.CASCADE, related_name="positions"
    )
    code = models.CharField(_("código"), max_length=50)
    name = models.CharField(_("denominación"), max_length=255)
    region = models.CharField(_("región"), max_length=100, blank=True)
    group = models.CharField(_("grupo de competencia"), max_length=150, blank=True)
    level = models.CharField(_("escala, nivel o grado"), max_length=100, blank=True)
    vacancies = models.PositiveIntegerField(_("vacantes"), default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("empleo o plaza")
        verbose_name_plural = _("empleos y plazas")
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="calls_position_unique_code"),
            models.CheckConstraint(
                condition=Q(vacancies__gte=0),
                name="calls_position_vacancies_not_negative",
                violation_error_message=_("Las vacantes no pueden ser negativas."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Notice(models.Model):
    """An aviso: title and text, shown once published."""

    call = models.ForeignKey(
        Call, verbose_name=_("convocatoria"), on_delete=models.CASCADE, related_name="notices"
    )
    title = models.CharField(_("título"), max_length=255)
    body = models.TextField(_("texto"))
    published_at = models.DateTimeField(
        _("publicado el"), null=True, blank=True, help_text=_("En blanco: no publicado.")
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("aviso")
        verbose_name_plural = _("avisos")

    def __str__(self) -> str:
        return self.title


class CallDocument(models.Model):
    """A file published with the call (acuerdo, anexos, guía), downloadable by anyone."""

    call = models.ForeignKey(
        Call, verbose_name=_("convocatoria"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("título"), max_length=255)
    file = models.FileField(_("archivo"), upload_to="calls/")
    published_at = models.DateTimeField(
        _("publicado el"), null=True, blank=True, help_text=_("En blanco: no publicado.")
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("documento de la convocatoria")
        verbose_name_plural = _("documentos de la convocatoria")

    def __str__(self) -> str:
        return self.title
