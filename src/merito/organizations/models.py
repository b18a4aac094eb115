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
