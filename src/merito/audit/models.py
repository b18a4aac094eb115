from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only row of the audit log, written by a service inside its own
    transaction. The sealing task later makes it a leaf of the log's Merkle tree
    (``AuditLeaf``). The database refuses UPDATE and DELETE on this table.

    ``previous_hash`` and ``entry_hash`` belong to the hash chain the log had before it
    became a Merkle tree: they are kept on the rows written then (the first tree head
    records the chain's last hash) and empty on later rows.
    """

    created_at = models.DateTimeField(_("fecha y hora"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor (texto)"), max_length=255, blank=True)
    action = models.CharField(_("acción"), max_length=100, db_index=True)
    object_type = models.CharField(_("tipo de objeto"), max_length=100, blank=True)
    object_id = models.CharField(_("id del objeto"), max_length=64, blank=True, db_index=True)
    object_label = models.CharField(_("objeto"), max_length=255, blank=True)
    before = models.JSONField(_("antes"), null=True, blank=True)
    after = models.JSONField(_("después"), null=True, blank=True)
    request_id = models.CharField(_("id de solicitud"), max_length=64, blank=True)
    previous_hash = models.CharField(_("hash anterior (cadena)"), max_length=64, blank=True)
    entry_hash = models.CharField(
        _("hash (cadena)"), max_length=64, unique=True, null=True, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("evento de auditoría")
        verbose_name_plural = _("eventos de auditoría")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditLeaf(models.Model):
    """The event at position ``index`` of the log's Merkle tree (RFC 9162). Append-only.

    ``content_hash`` is the SHA-256 of the event's canonical JSON when it was sealed, and the
    leaf commits to it (``merito.audit.log.leaf_input``), not to the text: a row whose
    personal data is later redacted keeps its place and its proof.
    """

    index = models.BigIntegerField(_("posición"), primary_key=True)
    event = models.OneToOneField(
        AuditEvent, verbose_name=_("evento"), on_delete=models.PROTECT, related_name="leaf"
    )
    content_hash = models.CharField(_("hash del contenido"), max_length=64)
    leaf_hash = models.CharField(_("hash de la hoja"), max_length=64)

    class Meta:
        ordering = ["index"]
        verbose_name = _("hoja del registro de auditoría")
        verbose_name_plural = _("hojas del registro de auditoría")

    def __str__(self) -> str:
        return f"hoja {self.index} (evento {self.event_id})"


class TreeHead(models.Model):
    """A signed tree head: the root of the first ``size`` leaves, as a C2SP checkpoint
    signed with Ed25519 (``note``). ``frontier`` keeps the right edge of the tree so the
    next sealing goes on from here. Append-only."""

    size = models.BigIntegerField(_("hojas"), primary_key=True)
    root_hash = models.CharField(_("raíz"), max_length=64)
    frontier = models.JSONField(_("frontera"), default=list)
    note = models.TextField(_("cabeza firmada"))
    key_name = models.CharField(_("clave"), max_length=200)
    created_at = models.DateTimeField(_("firmada el"))
    legacy_tip = models.CharField(_("último hash de la cadena anterior"), max_length=64, blank=True)

    class Meta:
        ordering = ["size"]
        verbose_name = _("cabeza firmada del registro de auditoría")
        verbose_name_plural = _("cabezas firmadas del registro de auditoría")

    def __str__(self) -> str:
        return f"{self.size} hojas, raíz {self.root_hash[:12]}…"


class LegacyChain(models.Model):
    """What the hash chain had when the log became a Merkle tree: how many rows and the
    last ``entry_hash``, checked by the migration before sealing those rows first. The
    first signed head states it (one row at most)."""

    rows = models.BigIntegerField(_("filas"))
    tip = models.CharField(_("último hash"), max_length=64)

    class Meta:
        verbose_name = _("cadena anterior del registro de auditoría")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.rows} filas, último hash {self.tip[:12]}…"


class AuditTouch(models.Model):
    """An object a bulk event touched besides the one it is filed under: a chunk of a
    distribution writes one event under its test, and one of these per folder, so each
    folder's history (``object_history``) still finds it. An index, not a record: the
    event's own content lists the same objects and is what the log seals."""

    event = models.ForeignKey(
        AuditEvent, verbose_name=_("evento"), on_delete=models.PROTECT, related_name="touches"
    )
    object_type = models.CharField(_("tipo de objeto"), max_length=100)
    object_id = models.CharField(_("id del objeto"), max_length=64)

    class Meta:
        ordering = ["event_id", "id"]
        verbose_name = _("objeto tocado por un evento")
        verbose_name_plural = _("objetos tocados por eventos")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_touch_object")]

    def __str__(self) -> str:
        return f"evento {self.event_id} → {self.object_type}:{self.object_id}"


class AuditRedaction(models.Model):
    """The erasure of an event's personal data (a legal request), after it was sealed: its
    ``before``, ``after`` and ``object_label`` are replaced by ``REDACTED``; its leaf, its
    proof and every head stay valid, because the leaf commits to the hash of the content it
    had (``AuditLeaf.content_hash``). The redaction is an event of the log too
    (``audit.event.redacted``). Append-only; the database lets an event's row change only
    this way (migration 0006)."""

    event = models.OneToOneField(
        AuditEvent, verbose_name=_("evento"), on_delete=models.PROTECT, related_name="redaction"
    )
    reason = models.TextField(_("motivo (solicitud y fundamento)"))
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redactado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    redacted_at = models.DateTimeField(_("redactado el"))

    class Meta:
        ordering = ["event_id"]
        verbose_name = _("redacción de un evento de auditoría")
        verbose_name_plural = _("redacciones de eventos de auditoría")

    def __str__(self) -> str:
        return f"evento {self.event_id} redactado el {self.redacted_at:%Y-%m-%d}"


# What a redacted event keeps in place of its personal data.
REDACTED = {"redactado": True}
REDACTED_LABEL = "[redactado]"
REDACTED_ACTION = "audit.event.redacted"
