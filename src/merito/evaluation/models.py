"""The evaluation of seed 004 (SIMO): the folders of a test, their distribution, review,
versions and results.

The process, its jobs and its tests are the call's (``merito.calls``); a folder is one
inscription's work in one test.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from merito.calls.models import TestType
from merito.jobs import BackgroundJob
from merito.organizations.models import Role
from merito.states import StateManager

# --- folders and their distribution -------------------------------------------------------

# Only these tests are worked folder by folder (seed 004 §3.2.6).
FOLDER_TEST_TYPES = (TestType.VRM, TestType.VA)
# The three people a folder has at a time, one per role.
FOLDER_ROLES = (Role.SUPERVISOR, Role.ANALYST, Role.AUDITOR)
FOLDER_ROLE_FIELDS = {
    Role.SUPERVISOR: "supervisor",
    Role.ANALYST: "analyst",
    Role.AUDITOR: "auditor",
}


class FolderState(models.TextChoices):
    """Seed 004 §3.2.6; the machine is ``merito.evaluation.states.FOLDER``."""

    UNASSIGNED = "unassigned", _("Sin asignar")
    ASSIGNED = "assigned", _("Asignada")
    SCORED = "scored", _("Calificada")
    RETURNED = "returned", _("Devuelta")
    APPROVED = "approved", _("Aprobada")
    TO_AUDIT = "to_audit", _("Por auditar")
    AUDITED = "audited", _("Auditada")


class Folder(models.Model):
    """The carpeta of one inscription in one VRM or VA test.

    ``supervisor``, ``analyst`` and ``auditor`` are the current holders (one column per role,
    so a folder can never have two of a role); ``FolderAssignment`` keeps who held it when.
    ``version`` grows with every change and is checked in the UPDATE of each edit.
    """

    # No single-column indexes on ``test`` and the holders: the unique constraint starts
    # with the test and each holder's (holder, state) index with the holder, and every
    # index is written again by every distribution UPDATE.
    test = models.ForeignKey(
        "calls.Test",
        verbose_name=_("prueba"),
        on_delete=models.PROTECT,
        related_name="folders",
        db_index=False,
    )
    inscription = models.ForeignKey(
        "applications.Inscription",
        verbose_name=_("inscripción"),
        on_delete=models.PROTECT,
        related_name="evaluation_folders",
    )
    level = models.CharField(_("nivel"), max_length=100, blank=True)
    state = models.CharField(
        _("estado"), max_length=12, choices=FolderState.choices, default=FolderState.UNASSIGNED
    )
    # Copies of the inscription, so lists filter, sort and count on this table alone (one
    # index per sort key) instead of joining 1,000,000 inscriptions: ``active`` follows the
    # inscription's state (``inscription_changed``); the others never change once inscribed.
    active = models.BooleanField(_("en concurso"), default=True)
    opec_number = models.PositiveIntegerField(_("Nº OPEC"), null=True, blank=True)
    registry_number = models.CharField(_("número de inscripción"), max_length=60, blank=True)
    document_number = models.CharField(_("número de documento"), max_length=16, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("analista"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auditor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    passed = models.BooleanField(_("aprobó"), null=True, blank=True)
    observation = models.TextField(_("observación del analista"), blank=True)
    last_reason = models.TextField(_("motivo de la última devolución"), blank=True)
    audit_selected = models.BooleanField(_("seleccionada para auditoría"), default=False)
    version = models.PositiveIntegerField(_("versión"), default=1)
    created_at = models.DateTimeField(_("creada el"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada el"), auto_now=True)

    objects = StateManager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("carpeta")
        verbose_name_plural = _("carpetas")
        constraints = [
            models.UniqueConstraint(
                fields=["test", "inscription"], name="evaluation_folder_one_per_inscription"
            ),
            models.CheckConstraint(
                condition=Q(state="unassigned")
                | Q(supervisor__isnull=False)
                | Q(analyst__isnull=False)
                | Q(auditor__isnull=False),
                name="evaluation_folder_distributed_has_holder",
            ),
        ]
        # One index per way the lists of seed 004 §3.2.6.1 sort, each on the folders still in
        # the contest (every index is paid by every distribution UPDATE, so no more than
        # these); counts come from ``FolderTally``. By inscription number = by inscription
        # (numbers are the call's code and the inscription's id): the unique constraint.
        indexes = [
            *(
                models.Index(
                    fields=["test", *key, "id"],
                    name=f"evaluation_folder_{name}",
                    condition=Q(active=True),
                )
                for name, key in (
                    ("by_id", []),
                    ("by_level", ["level"]),
                    ("by_state", ["state"]),
                    ("by_opec", ["opec_number"]),
                    ("by_document", ["document_number"]),
                )
            ),
            models.Index(fields=["analyst", "state"], name="evaluation_folder_analyst"),
            models.Index(fields=["supervisor", "state"], name="evaluation_folder_supervisor"),
            models.Index(fields=["auditor", "state"], name="evaluation_folder_auditor"),
        ]

    def __str__(self) -> str:
        return _("Carpeta %(n)s") % {"n": self.pk}

    def holder(self, role: str) -> Any:
        return getattr(self, FOLDER_ROLE_FIELDS[Role(role)])

    def holder_id(self, role: str) -> int | None:
        return getattr(self, f"{FOLDER_ROLE_FIELDS[Role(role)]}_id")


class FolderTally(models.Model):
    """How many folders still in the contest a test has, by level and state — in all
    (``role`` "" and ``user_id`` 0) and per current holder of each role.

    Kept by database triggers on ``evaluation_folder`` (``merito.evaluation.tally``), so
    every write — one transition or a 500,000-folder distribution — moves it in the same
    transaction; counters and list totals read these few rows instead of counting folders.
    """

    # No database constraint: the tally is derived data its triggers write while folders
    # are deleted, whatever order a cleanup deletes tests in (Django still cascades).
    test = models.ForeignKey(
        "calls.Test",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    role = models.CharField(max_length=30, blank=True)
    user_id = models.IntegerField(default=0)
    level = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=12)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("conteo de carpetas")
        verbose_name_plural = _("conteos de carpetas")
        constraints = [
            models.UniqueConstraint(
                fields=["test", "role", "user_id", "level", "state"],
                name="evaluation_foldertally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.test_id} {self.role} {self.user_id} {self.level} {self.state}: {self.n}"


class FolderAssignment(models.Model):
    """Who held a folder in a role, from ``started_at`` to ``ended_at`` (open while held)."""

    folder = models.ForeignKey(
        Folder, verbose_name=_("carpeta"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(
        _("rol"), max_length=30, choices=[(r.value, r.label) for r in FOLDER_ROLES]
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.PROTECT,
        related_name="folder_assignments",
    )
    started_at = models.DateTimeField(_("desde"))
    ended_at = models.DateTimeField(_("hasta"), null=True, blank=True)
    # Not indexed: looked up only when a user is deleted, and written a million times by
    # a large distribution.
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asignado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    source = models.CharField(_("distribución"), max_length=12)

    SOURCE_LABELS = {"manual": _("Manual"), "masiva": _("Masiva"), "automatica": _("Automática")}

    class Meta:
        ordering = ["folder", "started_at", "pk"]
        verbose_name = _("asignación de carpeta")
        verbose_name_plural = _("asignaciones de carpetas")
        constraints = [
            models.UniqueConstraint(
                fields=["folder", "role"],
                condition=Q(ended_at__isnull=True),
                name="evaluation_one_holder_per_role",
                violation_error_message=_("La carpeta ya tiene un usuario con ese rol."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.folder} — {self.get_role_display()}: {self.user}"

    @property
    def source_label(self) -> str:
        return str(self.SOURCE_LABELS.get(self.source, self.source))


class FolderEvent(models.Model):
    """One transition of a folder, with the reason given (return, audit)."""

    folder = models.ForeignKey(
        Folder, verbose_name=_("carpeta"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("acción"), max_length=20)
    from_state = models.CharField(_("estado anterior"), max_length=12)
    to_state = models.CharField(_("estado nuevo"), max_length=12, choices=FolderState.choices)
    reason = models.TextField(_("motivo u observación"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("movimiento de carpeta")
        verbose_name_plural = _("movimientos de carpetas")

    def __str__(self) -> str:
        return f"{self.folder}: {self.from_state} → {self.to_state}"


class ConflictOfInterest(models.Model):
    """A user declares that they must not evaluate the person with this identity document."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.CASCADE,
        related_name="conflicts_of_interest",
    )
    document_number = models.CharField(_("número de documento"), max_length=16)
    reason = models.CharField(_("motivo"), max_length=255, blank=True)
    declared_at = models.DateTimeField(_("declarado el"), auto_now_add=True)

    class Meta:
        ordering = ["user", "document_number"]
        verbose_name = _("conflicto de interés")
        verbose_name_plural = _("conflictos de interés")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document_number"], name="evaluation_conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ≠ {self.document_number}"


class DistributionKind(models.TextChoices):
    LEVEL = "level", _("Nivel")
    JOB = "job", _("Empleo")
    AUTOMATIC = "automatic", _("Automático")


class DistributionJob(BackgroundJob):
    """An automatic distribution scheduled with "Programar trabajo" (seed 004 §3.2.6.2)."""

    test = models.ForeignKey(
        "calls.Test",
        verbose_name=_("prueba"),
        on_delete=models.CASCADE,
        related_name="distribution_jobs",
    )
    kind = models.CharField(
        _("tipo de distribución"), max_length=10, choices=DistributionKind.choices
    )
    level = models.CharField(_("nivel"), max_length=100, blank=True)
    position = models.ForeignKey(
        "calls.Position",
        verbose_name=_("empleo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("trabajo de distribución automática")
        verbose_name_plural = _("trabajos de distribución automática")

    def __str__(self) -> str:
        return _("Trabajo %(n)s") % {"n": self.pk}


# --- evaluation versions and results ------------------------------------------------------


class FolderEvaluation(models.Model):
    """One scoring of a folder: its versions are numbered 1, 2, … and one is the current.

    A VRM or VA folder gets a version each time its analyst scores it; a written test,
    interview and the like gets one each time the operator loads the provider's scores.
    ``approved`` marks the version the supervisor (or auditor) accepted: what Admitido reads.
    """

    folder = models.ForeignKey(
        Folder, verbose_name=_("carpeta"), on_delete=models.CASCADE, related_name="evaluations"
    )
    number = models.PositiveIntegerField(_("versión"))
    # Copies of the folder (``version_copies``), so "Resultados de la prueba" filters and
    # sorts 1,000,000 versions by one index each instead of joining folders and jobs.
    test = models.ForeignKey(
        "calls.Test",
        verbose_name=_("prueba"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    level = models.CharField(_("nivel"), max_length=100, blank=True)
    opec_number = models.PositiveIntegerField(_("Nº OPEC"), null=True, blank=True)
    registry_number = models.CharField(_("número de inscripción"), max_length=60, blank=True)
    score = models.DecimalField(
        _("calificación"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    decision = models.CharField(_("decisión"), max_length=40, blank=True)
    passed = models.BooleanField(_("aprobó"), null=True, blank=True)
    observation = models.TextField(_("observación"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)
    is_current = models.BooleanField(_("último"), default=True)
    approved = models.BooleanField(_("aprobada por el supervisor"), default=False)
    published_at = models.DateTimeField(_("publicada el"), null=True, blank=True)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)
    requirement = models.ForeignKey(
        "calls.JobRequirement",
        verbose_name=_("criterio cumplido"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("VRM: el requisito mínimo, la alternativa o la equivalencia que cumple."),
    )
    detail = models.JSONField(
        _("detalle de la revisión"),
        default=dict,
        blank=True,
        help_text=_("Folios revisados y, en la VA, la explicación del motor de calificación."),
    )

    class Meta:
        ordering = ["folder", "number"]
        verbose_name = _("versión de la evaluación")
        verbose_name_plural = _("versiones de evaluaciones")
        constraints = [
            models.UniqueConstraint(
                fields=["folder", "number"], name="evaluation_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["folder"],
                condition=Q(is_current=True),
                name="evaluation_one_current_version",
            ),
        ]
        indexes = [
            models.Index(fields=["folder", "is_current"], name="evaluation_version_current"),
            # One per sort of "Resultados de la prueba" (the id included: the page's ids
            # are read from the index alone).
            *(
                models.Index(
                    fields=["test", *key], name=f"evaluation_version_{name}", include=["id"]
                )
                for name, key in (
                    ("by_folder", ["folder", "number"]),
                    ("by_level", ["level", "folder"]),
                    ("by_opec", ["opec_number", "folder"]),
                    ("by_registry", ["registry_number", "number"]),
                    ("by_score", ["score", "folder"]),
                )
            ),
            models.Index(
                fields=["test", "folder"],
                condition=Q(published_at__isnull=False),
                name="evaluation_version_published",
            ),
        ]

    def __str__(self) -> str:
        return _("Versión %(n)s de la carpeta %(f)s") % {"n": self.number, "f": self.folder_id}

    @property
    def published(self) -> bool:
        return self.published_at is not None


# --- review, folio by folio (seed 004 §3.2.7.4–3.2.7.8) -----------------------------------


class FolioSection(models.TextChoices):
    """The four sections of the folder in which the seed shows the folios."""

    EDUCATION = "education", _("Formación académica")
    EXPERIENCE = "experience", _("Experiencia laboral")
    PRODUCTION = "production", _("Producción intelectual")
    OTHER = "other", _("Otros documentos")


# Lists of the frozen hoja de vida (``Inscription.snapshot``) and the section of each.
SNAPSHOT_SECTIONS: dict[str, str] = {
    "education": FolioSection.EDUCATION,
    "informal_education": FolioSection.EDUCATION,
    "experience": FolioSection.EXPERIENCE,
    "products": FolioSection.PRODUCTION,
    "memberships": FolioSection.OTHER,
    "quality_processes": FolioSection.OTHER,
    "other_documents": FolioSection.OTHER,
}


class FolioSource(models.TextChoices):
    EDUCATION = "education", _("Educación formal")
    INFORMAL_EDUCATION = "informal_education", _("Educación informal")
    EXPERIENCE = "experience", _("Experiencia")
    PRODUCTS = "products", _("Producción intelectual")
    MEMBERSHIPS = "memberships", _("Membresía")
    QUALITY_PROCESSES = "quality_processes", _("Proceso de calidad")
    OTHER_DOCUMENTS = "other_documents", _("Otro documento")


class VaSection(models.TextChoices):
    """ "Sección" of a folio in a VA test: the seed's generic evaluation factors."""

    FORMAL = "educacion_formal", _("Educación Formal")
    ETDH = "etdh", _("Educación para el Trabajo y Desarrollo Humano")
    INFORMAL = "educacion_informal", _("Educación Informal")
    LABOR = "experiencia_laboral", _("Experiencia Laboral")
    PROFESSIONAL = "experiencia_profesional", _("Experiencia Profesional")
    RELATED = "experiencia_profesional_relacionada", _("Experiencia Profesional Relacionada")
    MINIMUM = "requisito_minimo", _("Requisito Mínimo")
    NOT_APPLICABLE = "no_aplica", _("No Aplica")


class VrmDecision(models.TextChoices):
    """The analyst's VRM decision (seed 004 §3.2.7.8)."""

    MINIMUM = "minimum", _("Cumple por requisito mínimo")
    ALTERNATIVE = "alternative", _("Cumple por alternativa")
    EQUIVALENCE = "equivalence", _("Cumple aplicando equivalencia")
    NOT_MET = "not_met", _("No cumple")


class Folio(models.Model):
    """One entry of the inscription's frozen hoja de vida, as the analyst reviews it.

    Created from ``Inscription.snapshot`` when the analyst first opens the folder; the
    entry's data is read from the snapshot (never copied), the analyst's review is here.
    """

    folder = models.ForeignKey(
        Folder, verbose_name=_("carpeta"), on_delete=models.CASCADE, related_name="folios"
    )
    source = models.CharField(
        _("lista de la hoja de vida"), max_length=24, choices=FolioSource.choices
    )
    section = models.CharField(_("sección"), max_length=12, choices=FolioSection.choices)
    entry_id = models.PositiveIntegerField(_("id del registro en la hoja de vida"))
    label = models.CharField(_("folio"), max_length=300)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("documento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_sha256 = models.CharField(_("SHA-256 del documento"), max_length=64, blank=True)
    order = models.PositiveIntegerField(_("orden"), default=0)
    valid = models.BooleanField(_("folio válido"), null=True, blank=True)
    observation = models.TextField(_("observaciones"), blank=True)
    va_section = models.CharField(
        _("sección VA"), max_length=40, choices=VaSection.choices, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revisado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("revisado el"), null=True, blank=True)

    class Meta:
        ordering = ["folder", "order", "pk"]
        verbose_name = _("folio")
        verbose_name_plural = _("folios")
        constraints = [
            models.UniqueConstraint(
                fields=["folder", "source", "entry_id"], name="evaluation_folio_one_per_entry"
            ),
            models.CheckConstraint(
                condition=~Q(valid=False) | ~Q(observation=""),
                name="evaluation_folio_invalid_has_observation",
                violation_error_message=_(
                    "Observaciones: es obligatoria si el folio no es válido."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Folio %(n)s") % {"n": self.pk}

    @property
    def state_label(self) -> str:
        if self.valid is None:
            return str(_("Sin revisar"))
        return str(_("Válido")) if self.valid else str(_("No válido"))
