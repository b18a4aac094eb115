from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from merito.identity import Country

LEGAL_TIME_ZONES = {Country.COLOMBIA: "America/Bogota", Country.PERU: "America/Lima"}


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministerio")
    COMMISSION = "commission", _("Comisión")
    REGIONAL = "regional", _("Entidad regional (DRE, secretaría)")
    LOCAL = "local", _("Unidad local (UGEL)")
    SCHOOL = "school", _("Institución educativa")
    OPERATOR = "operator", _("Operador del proceso de selección")
    ENTITY = "entity", _("Entidad pública")


class Organization(models.Model):
    """A public body, school or selection operator; the tree gives scope to roles."""

    name = models.CharField(_("nombre"), max_length=255)
    short_name = models.CharField(_("sigla"), max_length=50, unique=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("organización superior"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    country = models.CharField(_("país"), max_length=2, choices=Country.choices)
    time_zone = models.CharField(_("zona horaria legal"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organización")
        verbose_name_plural = _("organizaciones")

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs):
        if not self.time_zone:
            self.time_zone = LEGAL_TIME_ZONES.get(self.country, "UTC")
        super().save(*args, **kwargs)

    def ancestor_ids(self) -> list[int]:
        """This organization and every one above it (the tree is a few levels deep)."""
        ids: list[int] = []
        node: Organization | None = self
        while node is not None and node.pk not in ids:
            ids.append(node.pk)
            node = node.parent
        return ids


class Role(models.TextChoices):
    """Roles of seeds 000, 001, 003 and 004. Values are code names; labels are the seeds'."""

    PROCESS_MANAGEMENT = "process_management", _("Gerencia del proceso")
    OPERATOR_ADMIN = "operator_admin", _("Administrador del operador")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analista")
    AUDITOR = "auditor", _("Auditor")
    CLAIMS_ANALYST = "claims_analyst", _("Analista de reclamación")
    LEGAL = "legal", _("Jurídico")
    COMMITTEE_PRESIDENT = "committee_president", _("Presidente de comité")
    COMMITTEE_MEMBER = "committee_member", _("Miembro de comité")
    SCHOOL_DIRECTOR = "school_director", _("Director de IE")
    VERIFIER = "verifier", _("Verificador")
    APPLICANT = "applicant", _("Postulante")


# Seed 004 §4.2.2: an operator's user holds one role, except Analista + Analista reclamación.
OPERATOR_ROLES = frozenset(
    {
        Role.OPERATOR_ADMIN,
        Role.SUPERVISOR,
        Role.ANALYST,
        Role.AUDITOR,
        Role.CLAIMS_ANALYST,
        Role.LEGAL,
    }
)
ALLOWED_OPERATOR_COMBINATION = frozenset({Role.ANALYST, Role.CLAIMS_ANALYST})


class RoleAssignment(models.Model):
    """A person holds a role in an organization (and every one below it) or in one call.

    With neither scope the role is platform-wide (used for Postulante).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organización"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    call = models.ForeignKey(
        "calls.Call",
        verbose_name=_("convocatoria"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(_("asignado el"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asignado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("asignación de rol")
        verbose_name_plural = _("asignaciones de rol")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(organization__isnull=False) & Q(call__isnull=False)),
                name="organizations_roleassignment_one_scope",
                violation_error_message=_(
                    "Un rol se asigna a una organización o a una convocatoria, no a ambas."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organization", "call"],
                name="organizations_roleassignment_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        scope = self.organization or self.call or _("toda la plataforma")
        return f"{self.get_role_display()} — {scope}"


# Colombia's departments and Bogotá D.C. (DANE, DIVIPOLA names).
DEPARTMENTS = [
    "Amazonas", "Antioquia", "Arauca", "Archipiélago de San Andrés, Providencia y Santa Catalina",
    "Atlántico", "Bogotá, D.C.", "Bolívar", "Boyacá", "Caldas", "Caquetá", "Casanare", "Cauca",
    "Cesar", "Chocó", "Córdoba", "Cundinamarca", "Guainía", "Guaviare", "Huila", "La Guajira",
    "Magdalena", "Meta", "Nariño", "Norte de Santander", "Putumayo", "Quindío", "Risaralda",
    "Santander", "Sucre", "Tolima", "Valle del Cauca", "Vaupés", "Vichada",
]  # fmt: skip


class OperatorProfile(models.Model):
    """Datos del operador del proceso de selección (seed 004 §4.1)."""

    # Born in merito.evaluation: its rows keep that table, and their history that name.
    audit_type = "evaluation.operatorprofile"

    organization = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("operador"),
        on_delete=models.CASCADE,
        related_name="operator_profile",
    )
    cnsc_id = models.PositiveIntegerField(
        _("Id CNSC"), unique=True, null=True, blank=True, help_text=_("Asignado por la CNSC.")
    )
    nit = models.CharField(_("NIT"), max_length=15, blank=True)
    nit_check_digit = models.CharField(_("dígito de verificación"), max_length=1, blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    address = models.CharField(_("dirección"), max_length=255, blank=True)
    department = models.CharField(_("departamento"), max_length=80, blank=True)
    municipality = models.CharField(_("municipio"), max_length=120, blank=True)
    legal_representative = models.CharField(
        _("nombre del representante legal"), max_length=255, blank=True
    )
    legal_representative_email = models.EmailField(_("correo del representante legal"), blank=True)
    contact_name = models.CharField(_("nombre del contacto"), max_length=255, blank=True)
    contact_email = models.EmailField(_("correo del contacto"), blank=True)
    updated_at = models.DateTimeField(_("actualizado el"), auto_now=True)

    class Meta:
        db_table = "evaluation_operatorprofile"
        verbose_name = _("datos del operador")
        verbose_name_plural = _("datos de operadores")

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def nit_label(self) -> str:
        return f"{self.nit}-{self.nit_check_digit}" if self.nit else ""
