"""The peer bank (Banco de Pares Académicos, seed 000): who belongs to which group.

One account per person (``accounts.User``); a person may belong to several groups, except
that a CNA peer cannot also be a Registro Calificado peer (seed 000, FAQ).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeerGroup(models.TextChoices):
    CONACES = "conaces", _("Comisionado de sala de evaluación de la Conaces")
    QUALIFIED_REGISTRY = "rc", _("Par académico de Registro Calificado")
    CNA = "cna", _("Par académico del CNA")


# Pairs of groups one person may not hold at the same time.
EXCLUSIVE_GROUPS = frozenset({frozenset({PeerGroup.CNA, PeerGroup.QUALIFIED_REGISTRY})})


class MembershipState(models.TextChoices):
    ACTIVE = "active", _("Activo")
    INACTIVE = "inactive", _("Inactivo")


class PeerMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        related_name="peer_memberships",
    )
    group = models.CharField(_("grupo"), max_length=12, choices=PeerGroup.choices)
    state = models.CharField(
        _("estado"), max_length=10, choices=MembershipState.choices, default=MembershipState.ACTIVE
    )
    knowledge_area = models.CharField(_("área de conocimiento"), max_length=120, blank=True)
    region = models.CharField(_("departamento o región"), max_length=100, blank=True)
    source = models.CharField(
        _("origen"),
        max_length=20,
        default="import",
        help_text=_(
            "import: banco existente; recognition: reconocido por solicitud; call: convocatoria."
        ),
    )
    created_at = models.DateTimeField(_("creado el"), auto_now_add=True)

    class Meta:
        ordering = ["user_id", "group"]
        verbose_name = _("integrante del banco de pares")
        verbose_name_plural = _("integrantes del banco de pares")
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="peer_membership_once_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_group_display()}"
