"""The peer bank (Banco de Pares Académicos, seed 000): who belongs to which group.

One account per person (``accounts.User``); a person may belong to several groups, except
that a CNA peer cannot also be a Registro Calificado peer (seed 000, FAQ).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from merito.states import StateManager


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


class RequestState(models.TextChoices):
    PENDING = "pending", _("Pendiente")
    APPROVED = "approved", _("Aprobada")
    REJECTED = "rejected", _("Rechazada")


class PeerImport(models.Model):
    """An uploaded bank file, kept from its preview (dry run) until staff confirm it."""

    file_name = models.CharField(_("archivo"), max_length=255)
    content = models.BinaryField(_("contenido"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cargado por"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("cargado el"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmado el"), null=True, blank=True)
    report = models.JSONField(_("resultado"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("importación del banco de pares")
        verbose_name_plural = _("importaciones del banco de pares")

    def __str__(self) -> str:
        return self.file_name


class _Review(models.Model):
    """What a staff decision on a peer's request records."""

    state = models.CharField(
        _("estado"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    # Bumped by every state change (merito.states): a stale form loses.
    version = models.PositiveIntegerField(_("versión"), default=1, db_default=1, editable=False)
    created_at = models.DateTimeField(_("recibida el"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revisada por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("revisada el"), null=True, blank=True)
    decision_reason = models.TextField(_("motivo de la decisión"), blank=True)

    objects = StateManager()

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class RecognitionRequest(_Review):
    """A person not found in the bank asks to be recognised, with proof (seed 000)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        related_name="peer_recognition_requests",
    )
    group = models.CharField(_("grupo"), max_length=12, choices=PeerGroup.choices)
    knowledge_area = models.CharField(_("área de conocimiento"), max_length=120, blank=True)
    region = models.CharField(_("departamento o región"), max_length=100, blank=True)
    explanation = models.TextField(_("explicación"), blank=True)
    proof = models.ForeignKey(
        "documents.Document",
        verbose_name=_("evidencia"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(_Review.Meta):
        verbose_name = _("solicitud de reconocimiento como par")
        verbose_name_plural = _("solicitudes de reconocimiento como par")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="peer_one_pending_recognition_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_group_display()}"


class EmailChangeRequest(_Review):
    """A peer whose registered e-mail no longer works asks for a new one (seed 000)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        related_name="peer_email_change_requests",
    )
    previous_email = models.EmailField(_("correo anterior"), max_length=254)
    new_email = models.EmailField(_("correo nuevo"), max_length=254)
    identity_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("documento de identidad"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(_Review.Meta):
        verbose_name = _("solicitud de cambio de correo")
        verbose_name_plural = _("solicitudes de cambio de correo")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="peer_one_pending_email_change_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.new_email}"


class EmailBounce(models.Model):
    """A message to ``address`` came back; it counts while it is still the user's e-mail."""

    address = models.EmailField(_("correo"), max_length=254, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="email_bounces",
    )
    reason = models.CharField(_("motivo"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("registrado el"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("correo rebotado")
        verbose_name_plural = _("correos rebotados")

    def __str__(self) -> str:
        return self.address
