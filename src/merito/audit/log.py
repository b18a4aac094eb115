"""The audit log as Certificate Transparency keeps one (RFC 9162): sealing, signed tree heads,
verification and inclusion proofs.

Services append plain ``AuditEvent`` rows inside their own transaction (``audit_record``):
no lock and no hash on the request path. ``audit_seal`` — a Celery beat task; in the demo
and the tests, run in-process after the commit — takes the committed rows that have no leaf
yet, in id order, gives each the next leaf index (``AuditLeaf``, append-only: a row that
commits after a later id was sealed is sealed by the next run, never skipped), adds them to
the Merkle tree and signs the new tree head as a C2SP checkpoint with Ed25519
(``TreeHead``). ``audit_verify`` walks every leaf in order and checks each row's content,
each leaf, and each head's root and signature against keys from outside the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from merito.audit import merkle
from merito.audit.canonical import canonical_json, row_fields
from merito.audit.models import (
    REDACTED,
    REDACTED_ACTION,
    REDACTED_LABEL,
    AuditEvent,
    AuditLeaf,
    AuditRedaction,
    LegacyChain,
    TreeHead,
)
from merito.audit.notes import Checkpoint, NoteError, Signer, Verifier, open_note

CONTENT = (
    "created_at", "actor_id", "actor_label", "action", "object_type", "object_id",
    "object_label", "before", "after", "request_id",
)  # fmt: skip
SEAL_CHUNK = 5000
# Ids behind the highest sealed one that each run looks at again for rows that committed
# late; ``audit_seal(full=True)`` (hourly) looks at every row.
LOOKBACK = 50_000
# A committed row must be sealed within this long (``audit_verify`` reports it otherwise).
SEAL_DEADLINE = timedelta(seconds=60)
DEMO_KEY_MARK = "demo"
_SEAL_LOCK = 7_202_612  # the PostgreSQL advisory lock that one sealing run holds


# --------------------------------------------------------------------------- hashing


def content_hash(values: dict[str, Any]) -> str:
    """SHA-256 of an event's canonical JSON (its content fields, the time in UTC)."""
    fields = row_fields(
        created_at=values["created_at"].astimezone(UTC),
        **{name: values[name] for name in CONTENT if name != "created_at"},
    )
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def leaf_input(event_id: int, content: str) -> bytes:
    """What a leaf commits to: the event's id and its content hash, not the content itself
    (a redacted row keeps its leaf)."""
    return f"{event_id}:{content}".encode()


# --------------------------------------------------------------------------- keys


def origin() -> str:
    return str(settings.AUDIT_LOG_ORIGIN)


def signer() -> Signer:
    """The signing key, a file only where sealing runs (never in the database). The demo
    and the tests make one on first use; with DEBUG off a demo key is refused."""
    path = Path(settings.AUDIT_SIGNING_KEY_FILE or "")
    demo = bool(settings.DEBUG or getattr(settings, "TESTING", False))
    if not settings.AUDIT_SIGNING_KEY_FILE:
        raise ImproperlyConfigured(
            "AUDIT_SIGNING_KEY_FILE: falta la clave con la que se firman las cabezas del "
            "registro de auditoría (docs/operations.md, «Claves del registro de auditoría»)."
        )
    if not path.exists():
        if not demo:
            raise ImproperlyConfigured(f"AUDIT_SIGNING_KEY_FILE: no existe {path}.")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Signer.generate(f"{origin()}").text() + "\n", encoding="ascii")
        path.chmod(0o600)
    key = Signer.parse(path.read_text(encoding="ascii"))
    if DEMO_KEY_MARK in key.name and not demo:
        raise ImproperlyConfigured(
            f"La clave «{key.name}» es de demostración: no firma un registro real."
        )
    return key


def trusted_verifiers(texts: Iterable[str] = ()) -> list[Verifier]:
    return [Verifier.parse(text) for text in texts if text.strip()]


# --------------------------------------------------------------------------- sealing


@dataclass
class SealReport:
    sealed: int = 0
    size: int = 0
    heads: int = 0


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK])
    # SQLite: the transaction takes the database's write lock (IMMEDIATE) when it begins.


def _pending(full: bool, sealed_up_to: int) -> Any:
    rows = AuditEvent.objects.filter(leaf__isnull=True)
    if not full:
        rows = rows.filter(id__gt=sealed_up_to - LOOKBACK)
    return rows.order_by("id").values("id", *CONTENT)


def audit_seal(*, full: bool = False, key: Signer | None = None) -> SealReport:
    """Seal every committed row without a leaf; one signed head per chunk of rows."""
    report = SealReport()
    key = key or signer()
    while True:
        with transaction.atomic():
            _lock()
            head = TreeHead.objects.order_by("-size").first()
            if head is None:  # the first head: after the migrated chain's leaves, if any
                frontier = _rebuild_frontier()
            else:
                frontier = merkle.Frontier(head.size, [bytes.fromhex(h) for h in head.frontier])
            # The highest sealed id (not the last leaf's: a late row has a lower one).
            highest = AuditLeaf.objects.aggregate(highest=Max("event_id"))["highest"]
            pending = list(_pending(full, highest or 0)[:SEAL_CHUNK])
            if not pending:
                if head is None and frontier.size:  # only the migrated chain: sign it
                    _sign_head(frontier, key, first=True)
                    report.heads += 1
                report.size = frontier.size
                return report
            leaves = []
            for values in pending:
                content = content_hash(values)
                digest = merkle.leaf_hash(leaf_input(values["id"], content))
                leaves.append(
                    AuditLeaf(
                        index=frontier.size,
                        event_id=values["id"],
                        content_hash=content,
                        leaf_hash=digest.hex(),
                    )
                )
                frontier.append(digest)
            AuditLeaf.objects.bulk_create(leaves)
            _sign_head(frontier, key, first=head is None)
            report.sealed += len(leaves)
            report.heads += 1
            report.size = frontier.size


def _rebuild_frontier() -> merkle.Frontier:
    """Leaves without a head yet (the migrated chain): the tree of all of them."""
    frontier = merkle.Frontier()
    for digest in AuditLeaf.objects.order_by("index").values_list("leaf_hash", flat=True):
        frontier.append(bytes.fromhex(digest))
    return frontier


def _sign_head(frontier: merkle.Frontier, key: Signer, *, first: bool) -> TreeHead:
    legacy = LegacyChain.objects.first() if first else None
    extensions = (f"merito-cadena-anterior {legacy.rows} {legacy.tip}",) if legacy else ()
    root = frontier.root()
    checkpoint = Checkpoint(origin(), frontier.size, root, extensions)
    return TreeHead.objects.create(
        size=frontier.size,
        root_hash=root.hex(),
        frontier=[node.hex() for node in frontier.nodes],
        note=key.sign(checkpoint.text()),
        key_name=key.name,
        created_at=timezone.now(),
        legacy_tip=legacy.tip if legacy else "",
    )


def _seal_now() -> None:
    audit_seal()


def seal_after_commit() -> None:
    """Where no broker runs the beat (the demo, the tests), seal once this commits — once
    per transaction, however many rows it wrote."""
    from merito.celery import app

    if not app.conf.task_always_eager:
        return
    if any(entry[1] is _seal_now for entry in connection.run_on_commit):
        return
    transaction.on_commit(_seal_now)


# --------------------------------------------------------------------------- proofs


@dataclass(frozen=True)
class InclusionProof:
    event_id: int
    index: int
    size: int
    leaf_hash: str
    path: tuple[str, ...]
    root_hash: str
    note: str

    def verifies(self) -> bool:
        return merkle.verify_inclusion(
            bytes.fromhex(self.leaf_hash),
            self.index,
            self.size,
            [bytes.fromhex(p) for p in self.path],
            bytes.fromhex(self.root_hash),
        )


def inclusion_proof(event: AuditEvent, head: TreeHead | None = None) -> InclusionProof:
    """The proof that ``event`` is in the tree of ``head`` (the latest signed one)."""
    leaf = AuditLeaf.objects.get(event=event)
    head = head or TreeHead.objects.order_by("-size").first()
    if head is None or head.size <= leaf.index:
        raise AuditLeaf.DoesNotExist("el evento aún no está en una cabeza firmada")
    leaves = [
        bytes.fromhex(h)
        for h in AuditLeaf.objects.filter(index__lt=head.size)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
    ]
    path = merkle.inclusion_path(leaves, leaf.index)
    return InclusionProof(
        event.pk, leaf.index, head.size, leaf.leaf_hash, tuple(p.hex() for p in path),
        head.root_hash, head.note,
    )  # fmt: skip


# --------------------------------------------------------------------------- verifying


@dataclass
class VerifyReport:
    leaves: int = 0
    heads: int = 0
    redacted: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> str:
        return self.problems[0] if self.problems else ""


def _walk(batch: int) -> Iterator[tuple[int, int | None, str, str, dict[str, Any] | None]]:
    """(index, event id, content hash, leaf hash, the event's content or None) per leaf."""
    rows = AuditLeaf.objects.order_by("index").values_list(
        "index", "event_id", "content_hash", "leaf_hash"
    )
    last = -1
    while True:
        chunk = list(rows.filter(index__gt=last)[:batch])
        if not chunk:
            return
        ids = [event_id for _i, event_id, _c, _l in chunk]
        events = {
            values["id"]: values
            for values in AuditEvent.objects.filter(id__in=ids).values("id", *CONTENT)
        }
        for index, event_id, content, digest in chunk:
            yield index, event_id, content, digest, events.get(event_id)
        last = chunk[-1][0]


def is_redacted_form(values: dict[str, Any]) -> bool:
    """Whether an event's content is exactly what a redaction leaves in it."""
    return (
        values["before"] in (None, REDACTED)
        and values["after"] in (None, REDACTED)
        and values["object_label"] in ("", REDACTED_LABEL)
    )


def _redacted_ids() -> set[int]:
    """Events with a redaction that the log itself records (``audit.event.redacted``)."""
    announced = set(
        AuditEvent.objects.filter(action=REDACTED_ACTION).values_list("object_id", flat=True)
    )
    return {
        event_id
        for event_id in AuditRedaction.objects.values_list("event_id", flat=True)
        if str(event_id) in announced
    }


def audit_verify(
    *,
    verifiers: list[Verifier],
    head_file: str | None = None,
    batch: int = 20_000,
    now: datetime | None = None,
) -> VerifyReport:
    """Check every leaf's row and hash, every head's root and signature, each head's
    consistency with the one before it, and (``head_file``) a head kept outside the
    database. Problems are listed in the order met: the first names the first bad row or
    head."""
    report = VerifyReport()
    if not verifiers:
        report.problems.append("no se dieron claves públicas de confianza (--key)")
        return report
    kept = _kept_head(head_file, verifiers, report) if head_file else None
    heads = list(TreeHead.objects.order_by("size").values_list("size", "root_hash", "note"))
    upcoming = iter(heads)
    next_head = next(upcoming, None)
    frontier = merkle.Frontier()
    previous_root: tuple[int, bytes] | None = None
    redacted = _redacted_ids()
    for index, event_id, content, digest, values in _walk(batch):
        if index != frontier.size:
            report.problems.append(
                f"falta la hoja {frontier.size} (la siguiente es la {index}): se borraron "
                "filas del registro"
            )
            return report
        if values is None:
            report.problems.append(f"hoja {index}: el evento #{event_id} ya no existe (borrado)")
        elif content_hash(values) != content:
            if event_id in redacted and is_redacted_form(values):
                # Its personal data was erased on request; the leaf keeps what it was.
                report.redacted += 1
            else:
                report.problems.append(
                    f"evento #{event_id} (hoja {index}): su contenido cambió después de sellado"
                )
        expected = merkle.leaf_hash(leaf_input(event_id or 0, content))
        if expected.hex() != digest:
            report.problems.append(f"hoja {index}: su hash no corresponde al evento #{event_id}")
        frontier.append(expected)
        report.leaves += 1
        while next_head is not None and next_head[0] == frontier.size:
            previous_root = _check_head(next_head, frontier, previous_root, verifiers, report)
            next_head = next(upcoming, None)
        if kept is not None and kept.size == frontier.size and frontier.root() != kept.root:
            report.problems.append(
                f"la cabeza guardada fuera (tamaño {kept.size}) no coincide con el registro: "
                "filas anteriores a ella fueron cambiadas"
            )
    if next_head is not None:
        report.problems.append(
            f"la cabeza firmada de tamaño {next_head[0]} tiene más hojas que el registro "
            f"({frontier.size}): el registro fue truncado"
        )
    if kept is not None and kept.size > frontier.size:
        report.problems.append(
            f"la cabeza guardada fuera tiene {kept.size} hojas y el registro {frontier.size}: "
            "el registro fue truncado"
        )
    late = (now or timezone.now()) - SEAL_DEADLINE
    unsealed = AuditEvent.objects.filter(leaf__isnull=True, created_at__lt=late).order_by("id")
    first_unsealed = unsealed.values_list("id", flat=True).first()
    if first_unsealed is not None:
        report.problems.append(
            f"evento #{first_unsealed}: lleva más de {SEAL_DEADLINE.seconds} s sin sellar "
            f"({unsealed.count()} en total)"
        )
    return report


def _check_head(
    head: tuple[int, str, str],
    frontier: merkle.Frontier,
    previous: tuple[int, bytes] | None,
    verifiers: list[Verifier],
    report: VerifyReport,
) -> tuple[int, bytes]:
    size, root_hex, note = head
    root = frontier.root()
    report.heads += 1
    try:
        text, _names = open_note(note, verifiers)
        checkpoint = Checkpoint.parse(text)
    except NoteError as error:
        report.problems.append(f"cabeza de tamaño {size}: {error}")
        return size, root
    if checkpoint.size != size or checkpoint.root.hex() != root_hex:
        report.problems.append(f"cabeza de tamaño {size}: la firma es de otra cabeza")
    if root.hex() != root_hex or checkpoint.root != root:
        first = previous[0] if previous else 0
        report.problems.append(
            f"cabeza de tamaño {size}: la raíz de las hojas {first}–{size - 1} no es la "
            "firmada (filas re-hechas)"
        )
    # Every head is recomputed from the same leaves, so each is a prefix of the next:
    # consistent by construction when every root matches.
    return size, root


def _kept_head(path: str, verifiers: list[Verifier], report: VerifyReport) -> Checkpoint | None:
    try:
        text, _names = open_note(Path(path).read_text(encoding="utf-8"), verifiers)
        return Checkpoint.parse(text)
    except (OSError, NoteError) as error:
        report.problems.append(f"cabeza guardada {path}: {error}")
        return None
