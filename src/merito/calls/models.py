"""A call (convocatoria) and what hangs from it: stages, positions, notices, documents;
and what SIMO (seed 004) keeps beside a call when it is a proceso de selección — the
process record, its state changes, the OPEC jobs and their requirements, the tests and the
operators' users linked to them.

A process of selection is a ``Call``; an OPEC job is a ``Position``. SIMO's extensions are
one-to-one records beside them, so the public catalogue keeps working on the same rows.
They lived in ``merito.evaluation`` first: each keeps its table and declares its old
``audit_type``, so its history stays under one name.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from merito.calls import calendar
from merito.organizations.models import Role
from merito.states import StateManager, StateQuerySet


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


class CallQuerySet(StateQuerySet):
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
    # Bumped by every state change (merito.states): a stale form loses.
    version = models.PositiveIntegerField(_("versión"), default=1, db_default=1, editable=False)
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


# --- the proceso de selección of seed 004 (SIMO) -----------------------------------------

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ProcessState(models.TextChoices):
    """The four states of seed 004 §3, stored with the ``calls.CallState`` values."""

    OPEN = "open", _("Abierta (A)")
    CLOSED = "closed", _("Cerrada (C)")
    CANCELLED = "cancelled", _("Cancelada (CA)")
    SUSPENDED = "suspended", _("Suspendida (S)")


class ApplicationType(models.TextChoices):
    NATIONAL = "national", _("Nacional (por país)")
    MUNICIPAL = "municipal", _("Municipal (por municipio)")


class SelectionProcess(models.Model):
    """What SIMO keeps about a proceso de selección beyond the call itself (seed 004 §3.1)."""

    audit_type = "evaluation.selectionprocess"

    call = models.OneToOneField(
        "calls.Call",
        verbose_name=_("convocatoria"),
        on_delete=models.PROTECT,
        related_name="selection_process",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("proceso de selección padre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subprocesses",
    )
    entity = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("entidad"),
        on_delete=models.PROTECT,
        related_name="selection_processes",
    )
    application_type = models.CharField(
        _("tipo de aplicación"),
        max_length=10,
        choices=ApplicationType.choices,
        default=ApplicationType.NATIONAL,
    )
    pse_payment_days = models.PositiveSmallIntegerField(_("delta pago PSE"), default=0)
    bank_payment_days = models.PositiveSmallIntegerField(_("delta pago banco"), default=0)
    keep_in_opec_history = models.BooleanField(_("mantener en histórico OPEC"), default=False)
    test_stage_open = models.BooleanField(
        _("etapa de pruebas abierta"),
        default=False,
        help_text=_("La abre la gerencia del proceso; habilita la distribución de carpetas."),
    )
    justification = models.ForeignKey(
        "documents.Document",
        verbose_name=_("documento que justifica la creación del proceso de selección"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creado por"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "evaluation_selectionprocess"
        ordering = ["-call__year", "call__code"]
        verbose_name = _("proceso de selección")
        verbose_name_plural = _("procesos de selección")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="evaluation_process_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return str(self.call)


class ProcessStateChange(models.Model):
    """One change of a process's state, with the PDF that justifies it."""

    audit_type = "evaluation.processstatechange"

    process = models.ForeignKey(
        SelectionProcess,
        verbose_name=_("proceso de selección"),
        on_delete=models.CASCADE,
        related_name="state_changes",
    )
    from_state = models.CharField(_("estado anterior"), max_length=10)
    to_state = models.CharField(_("estado nuevo"), max_length=10, choices=ProcessState.choices)
    justification = models.ForeignKey(
        "documents.Document",
        verbose_name=_("documento que justifica el cambio"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("motivo"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cambiado por"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("cambiado el"), auto_now_add=True)

    class Meta:
        db_table = "evaluation_processstatechange"
        ordering = ["-changed_at", "-id"]
        verbose_name = _("cambio de estado del proceso")
        verbose_name_plural = _("cambios de estado de procesos")

    def __str__(self) -> str:
        return f"{self.from_state_label} → {self.get_to_state_display()}"

    @property
    def from_state_label(self) -> str:
        """The state left, by its Spanish label (a call may leave Borrador too)."""
        if self.from_state in ProcessState.values:
            return str(ProcessState(self.from_state).label)
        return str(CallState(self.from_state).label) if self.from_state in CallState.values else ""


class JobLevel(models.TextChoices):
    DIRECTIVE = "Directivo", _("Directivo")
    ADVISOR = "Asesor", _("Asesor")
    PROFESSIONAL = "Profesional", _("Profesional")
    TECHNICAL = "Técnico", _("Técnico")
    ASSISTANT = "Asistencial", _("Asistencial")


class Job(models.Model):
    """The OPEC detail of a job: ``Position`` holds code, denomination, level and vacancies."""

    audit_type = "evaluation.job"

    position = models.OneToOneField(
        "calls.Position", verbose_name=_("empleo"), on_delete=models.CASCADE, related_name="job"
    )
    opec_number = models.PositiveIntegerField(_("Nº OPEC"), unique=True)
    grade = models.CharField(_("grado"), max_length=10, blank=True)
    entity = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("entidad"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    salary = models.DecimalField(
        _("asignación salarial"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    purpose = models.TextField(_("propósito"), blank=True)
    functions = models.TextField(_("funciones"), blank=True)
    ascenso_vacancies = models.PositiveIntegerField(
        _("vacantes para concurso de ascenso"), default=0
    )
    manual = models.ForeignKey(
        "documents.Document",
        verbose_name=_("manual de funciones"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "evaluation_job"
        ordering = ["opec_number"]
        verbose_name = _("empleo OPEC")
        verbose_name_plural = _("empleos OPEC")

    def __str__(self) -> str:
        return f"OPEC {self.opec_number} — {self.position.name}"


class RequirementKind(models.TextChoices):
    MINIMUM = "minimum", _("Requisito mínimo")
    ALTERNATIVE = "alternative", _("Alternativa")
    EQUIVALENCE = "equivalence", _("Equivalencia")


class JobRequirement(models.Model):
    """What the VRM decision checks against: minimum, alternatives and equivalences."""

    audit_type = "evaluation.jobrequirement"

    job = models.ForeignKey(
        Job, verbose_name=_("empleo"), on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(_("tipo"), max_length=12, choices=RequirementKind.choices)
    education = models.TextField(_("estudio"), blank=True)
    experience = models.TextField(_("experiencia"), blank=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        db_table = "evaluation_jobrequirement"
        ordering = ["order", "pk"]
        verbose_name = _("requisito del empleo")
        verbose_name_plural = _("requisitos del empleo")
        constraints = [
            models.CheckConstraint(
                condition=~Q(education="") | ~Q(experience=""),
                name="evaluation_requirement_not_empty",
                violation_error_message=_("Escriba el estudio, la experiencia o ambos."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.education} {self.experience}".strip()


class TestType(models.TextChoices):
    """The 19 test types of seed 004 §3.2, with the seed's exact names."""

    APTITUDES_BASICAS = "aptitudes_basicas", _("Aptitudes Y Competencias Básicas")
    BASICAS_GENERALES = "basicas_generales", _("Competencias Básicas Generales")
    BASICAS_COMPORTAMENTALES = (
        "basicas_comportamentales",
        _("Competencias Básicas Y Comportamentales"),
    )
    BASICAS_FUNCIONALES = "basicas_funcionales", _("Competencias Básicas Y Funcionales")
    COMPORTAMENTALES = "comportamentales", _("Competencias Comportamentales")
    ESPECIFICAS = "especificas", _("Competencias Especificas")
    FUNCIONALES = "funcionales", _("Competencias Funcionales")
    EXAMEN_MEDICO = "examen_medico", _("Examen Medico")
    ACTITUD_ESCRITA = "actitud_escrita", _("Prueba actitud Escrita")
    ACTITUD_PRACTICA = "actitud_practica", _("Prueba actitud Practica")
    APTITUDES_PSICOTECNICA = (
        "aptitudes_psicotecnica",
        _("Prueba De Aptitudes Y Competencias Básicas Y Psicotécnica"),
    )
    CONDUCCION = "conduccion", _("Prueba de conducción")
    ENTREVISTA = "entrevista", _("Prueba De Entrevista")
    ENTREVISTA_ELIMINATORIA = "entrevista_eliminatoria", _("Prueba Entrevista Eliminatoria")
    SCD = "scd", _("Prueba Tipo SCD = SELECCIONABLE")
    PSICOTECNICA = "psicotecnica", _("Psicotécnica")
    CONSOLIDADOS = "consolidados", _("Resultados Consolidados")
    VA = "va", _("Valoración De Antecedentes")
    VRM = "vrm", _("Verificación Requisito Mínimos")


class Classification(models.TextChoices):
    CLASSIFYING = "classifying", _("Clasificatoria")
    ELIMINATORY = "eliminatory", _("Eliminatoria")


def new_audit_seed() -> int:
    return secrets.randbits(62)


class TestState(models.TextChoices):
    CLOSED = "closed", _("Cerrada")
    OPEN = "open", _("Abierta")


class Test(models.Model):
    """A prueba of a process (seed 004 §3.2.1); its state machine is ``calls.states.TEST``."""

    audit_type = "evaluation.test"

    process = models.ForeignKey(
        SelectionProcess,
        verbose_name=_("proceso de selección"),
        on_delete=models.PROTECT,
        related_name="tests",
    )
    test_type = models.CharField(_("tipo"), max_length=30, choices=TestType.choices)
    description = models.CharField(_("descripción"), max_length=255)
    classification = models.CharField(
        _("clasificación"), max_length=12, choices=Classification.choices
    )
    operator = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("institución de educación superior (operador)"),
        on_delete=models.PROTECT,
        related_name="evaluation_tests",
    )
    date = models.DateField(_("fecha de realización"), null=True, blank=True)
    max_value = models.DecimalField(_("valor máximo"), max_digits=7, decimal_places=2)
    quantitative = models.BooleanField(
        _("prueba cuantitativa"),
        default=True,
        help_text=_("El valor aprobatorio aplica únicamente a las pruebas cuantitativas."),
    )
    pass_value = models.DecimalField(
        _("valor aprobatorio"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    weight = models.DecimalField(
        _("ponderación (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    audit_percent_approved = models.DecimalField(
        _("porcentaje auditoría aprobado"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT,
    )
    audit_percent_not_approved = models.DecimalField(
        _("porcentaje auditoría NO aprobado"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT,
    )
    claim_days = models.PositiveSmallIntegerField(
        _("delta publicación (días de reclamación)"), default=5
    )
    show_observations = models.BooleanField(_("visualizar observación"), default=False)
    show_detail = models.BooleanField(_("ver detalle"), default=False)
    positions = models.ManyToManyField(
        "calls.Position",
        verbose_name=_("empleos"),
        blank=True,
        related_name="evaluation_tests",
        help_text=_("Sin empleos asignados, la prueba se aplica a todos los del proceso."),
    )
    state = models.CharField(
        _("estado"), max_length=10, choices=TestState.choices, default=TestState.CLOSED
    )
    # Bumped by every state change (merito.states): a stale form loses.
    version = models.PositiveIntegerField(_("versión"), default=1, db_default=1, editable=False)
    # Set when Gerencia publishes the test's results (publications are a context to come).
    published_at = models.DateTimeField(_("publicada el"), null=True, blank=True)
    # Seeds the audit sample, so which folders were drawn can be recomputed and checked.
    audit_seed = models.PositiveBigIntegerField(
        _("semilla de la muestra de auditoría"), default=new_audit_seed, editable=False
    )
    created_at = models.DateTimeField(_("creada el"), auto_now_add=True)

    objects = StateManager()

    class Meta:
        db_table = "evaluation_test"
        ordering = ["process", "pk"]
        verbose_name = _("prueba")
        verbose_name_plural = _("pruebas")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100),
                name="evaluation_test_weight_percent",
                violation_error_message=_("La ponderación debe estar entre 0 y 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(pass_value__isnull=True) | Q(pass_value__lte=F("max_value")),
                name="evaluation_test_pass_not_above_max",
                violation_error_message=_(
                    "El valor aprobatorio no puede ser mayor que el valor máximo."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_test_type_display()} — {self.description}"


# Roles an operator's user can hold on a test (seed 004 §3.2.2–3.2.5).
TEST_ROLES = (Role.SUPERVISOR, Role.ANALYST, Role.AUDITOR, Role.CLAIMS_ANALYST)


class TestUser(models.Model):
    """An operator's user linked to a test in one role."""

    audit_type = "evaluation.testuser"

    test = models.ForeignKey(
        Test, verbose_name=_("prueba"), on_delete=models.CASCADE, related_name="linked_users"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.PROTECT,
        related_name="evaluation_tests",
    )
    role = models.CharField(
        _("rol"), max_length=30, choices=[(r.value, r.label) for r in TEST_ROLES]
    )
    linked_at = models.DateTimeField(_("asociado el"), auto_now_add=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asociado por"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "evaluation_testuser"
        ordering = ["user__username", "pk"]
        verbose_name = _("usuario asociado a la prueba")
        verbose_name_plural = _("usuarios asociados a pruebas")
        constraints = [
            models.UniqueConstraint(
                fields=["test", "user", "role"], name="evaluation_testuser_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"
