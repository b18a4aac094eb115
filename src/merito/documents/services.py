"""Document uploads: checked by content, size-limited, scanned, stored once under their hash."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PasswordType, PdfReader
from pypdf.errors import PyPdfError

from merito.audit.services import audit_record
from merito.documents.limits import format_bytes, format_size, size_limit
from merito.documents.models import Document, DocumentKind
from merito.documents.scanning import get_scanner
from merito.errors import DomainError
from merito.notifications.services import email_enqueue

logger = logging.getLogger(__name__)

# Receipts state the legal time of Colombia, where the peer bank (seed 000) lives.
RECEIPT_TIME_ZONE = ZoneInfo("America/Bogota")

# Small uploads stay in memory; larger ones spill to a private temporary file.
_IN_MEMORY_BYTES = 256 * 1024

# Viewers tolerate a header anywhere in the first kilobyte, but so would a ZIP that
# carries a PDF inside it: the file itself must start as a PDF.
_PDF_HEADER = b"%PDF-"


@dataclass(frozen=True)
class _Received:
    file: IO[bytes]
    size: int
    sha256: str


def storage_name_for(sha256: str) -> str:
    """Where content with this hash lives: ``documents/ab/cd/<sha256>.pdf``."""
    return f"documents/{sha256[:2]}/{sha256[2:4]}/{sha256}.pdf"


def receipt_time(document: Document) -> str:
    """The upload time as the receipt states it, in Colombia's legal time."""
    local = timezone.localtime(document.uploaded_at, RECEIPT_TIME_ZONE)
    return _("%(time)s (hora legal de Colombia, UTC−05:00)") % {
        "time": local.strftime("%Y-%m-%d %H:%M:%S")
    }


def document_snapshot(document: Document) -> dict[str, Any]:
    """What the audit trail keeps of a document."""
    return {
        "owner_id": document.owner_id,
        "kind": document.kind,
        "original_name": document.original_name,
        "sha256": document.sha256,
        "size": document.size,
        "page_count": document.page_count,
        "storage_name": document.storage_name,
        "replaces_id": document.replaces_id,
    }


def _refuse(message: str, code: str) -> DomainError:
    return DomainError(message, field="file", code=code)


@contextmanager
def _receive(uploaded_file: Any, *, kind: str) -> Iterator[_Received]:
    """Copy the upload in chunks into a private temporary file, hashing as it goes.

    Stops as soon as the kind's limit is passed, so an oversize file is never read whole.
    """
    limit = size_limit(kind)
    label = DocumentKind(kind).label
    too_big = _(
        "El archivo pesa %(size)s bytes; el máximo para %(kind)s es %(limit)s bytes (%(human)s)."
    )

    def refuse_size(size: int) -> DomainError:
        return _refuse(
            too_big
            % {
                "size": format_bytes(size),
                "kind": label,
                "limit": format_bytes(limit),
                "human": format_size(limit),
            },
            "too_large",
        )

    # Django measures ``size`` itself while receiving the request; it is not client-declared.
    measured = getattr(uploaded_file, "size", None)
    if measured is not None and measured > limit:
        raise refuse_size(measured)
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES) as copy:
        for chunk in uploaded_file.chunks():
            if size + len(chunk) > limit:
                raise refuse_size(max(size + len(chunk), measured or 0))
            copy.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        if size == 0:
            raise _refuse(
                _("El archivo está vacío (0 bytes). Cargue un PDF con contenido."), "empty"
            )
        copy.seek(0)
        yield _Received(file=copy, size=size, sha256=digest.hexdigest())


def _count_pdf_pages(file: IO[bytes]) -> int:
    """Page count of a readable, unprotected PDF; anything else is refused by content."""
    not_pdf = _refuse(
        _(
            "El archivo no es un PDF válido. Solo se reciben archivos PDF; cambiar la "
            "extensión de una imagen u otro archivo a .pdf no lo convierte en PDF."
        ),
        "not_pdf",
    )
    if file.read(len(_PDF_HEADER)) != _PDF_HEADER:
        raise not_pdf
    file.seek(0)
    try:
        reader = PdfReader(file)
        if reader.is_encrypted:
            # Restrictions with no password to open (common in official certificates) are
            # fine: anyone can read them. A password to open is not.
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except PyPdfError:  # e.g. AES without the optional cryptography package
                opened = False
            if not opened:
                raise _refuse(
                    _(
                        "El PDF está protegido con contraseña. Guárdelo sin contraseña "
                        "(por ejemplo, con «Imprimir como PDF») y cárguelo de nuevo."
                    ),
                    "encrypted",
                )
        pages = len(reader.pages)
    except DomainError:
        raise
    except Exception as exc:  # malformed files make parsers raise anything
        logger.info("documents.upload.unreadable_pdf", extra={"error": type(exc).__name__})
        raise not_pdf from exc
    if pages == 0:
        raise _refuse(_("El PDF no tiene páginas. Cargue un documento con contenido."), "no_pages")
    return pages


def _scan(file: IO[bytes]) -> None:
    """Run the configured scanner; a scanner that fails refuses the file (fail closed)."""
    file.seek(0)
    try:
        get_scanner()(file)
    except DomainError as exc:
        exc.field = exc.field or "file"
        raise
    except Exception as exc:  # an unavailable scanner must not let files in
        logger.exception("documents.upload.scanner_failed")
        raise _refuse(
            _("No fue posible revisar el archivo en busca de virus. Intente de nuevo más tarde."),
            "scanner_unavailable",
        ) from exc
    file.seek(0)


def _store(received: _Received) -> tuple[str, bool]:
    """Save the content under its hash unless it is already there.

    Returns the name and whether this call created the file. Existing content is never
    overwritten, and never saved a second time.
    """
    name = storage_name_for(received.sha256)
    if default_storage.exists(name):
        return name, False
    received.file.seek(0)
    saved = default_storage.save(name, File(received.file, name=os.path.basename(name)))
    if saved != name:
        # Someone stored the same content between exists() and save(); keep theirs.
        default_storage.delete(saved)
        return name, False
    return name, True


def _discard_if_unreferenced(name: str) -> None:
    if not Document.objects.filter(storage_name=name).exists():
        default_storage.delete(name)


def document_upload(
    *,
    owner: Any,
    kind: str,
    uploaded_file: Any,
    by: Any,
    replaces: Document | None = None,
) -> Document:
    """Check, scan and store a PDF for ``owner``; record it, audit it, mail the receipt.

    ``uploaded_file`` is a Django ``UploadedFile`` (anything with ``chunks()``).
    ``replaces`` is the owner's current version of the same document, which stays in the
    history. All or nothing: when a check fails or the database refuses the row, no row is
    written and a file this call stored is removed again (content that was already stored
    is never touched). If a caller's enclosing transaction rolls back later, the stored
    file stays behind unreferenced; being content-addressed, it is harmless.
    """
    if kind not in DocumentKind.values:
        raise _refuse(_("Seleccione un tipo de documento válido."), "invalid_kind")
    if replaces is not None and replaces.owner_id != owner.pk:
        raise _refuse(_("Solo puede reemplazar sus propios documentos."), "foreign_document")
    original_name = os.path.basename(getattr(uploaded_file, "name", "") or "documento.pdf")
    with _receive(uploaded_file, kind=kind) as received:
        page_count = _count_pdf_pages(received.file)
        _scan(received.file)
        name, created = _store(received)
    try:
        with transaction.atomic():
            if replaces is not None:
                _check_still_current(replaces)
            document = Document.objects.create(
                owner=owner,
                kind=kind,
                original_name=original_name[:255],
                sha256=received.sha256,
                size=received.size,
                page_count=page_count,
                storage_name=name,
                uploaded_by=by,
                replaces=replaces,
            )
            audit_record(
                action="documents.document.replaced" if replaces else "documents.document.uploaded",
                actor=by,
                obj=document,
                after=document_snapshot(document),
            )
            _send_receipt(document)
    except BaseException as exc:
        if created:
            _discard_if_unreferenced(name)
        if replaces is not None and isinstance(exc, IntegrityError):
            # The one-to-one on ``replaces``: another upload replaced it a moment ago.
            raise _already_replaced() from exc
        raise
    return document


def _already_replaced() -> DomainError:
    return _refuse(
        _("Este documento ya fue reemplazado por una versión más reciente; reemplace esa."),
        "already_replaced",
    )


def _check_still_current(document: Document) -> None:
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if Document.objects.filter(replaces=locked).exists():
        raise _already_replaced()


def _send_receipt(document: Document) -> None:
    owner = document.owner
    if not owner.email:
        return
    email_enqueue(
        to=owner.email,
        subject=_("Recibo de carga de documento en Mérito"),
        template="documents/email/receipt",
        context={
            "user": owner,
            "document": document,
            "size": format_bytes(document.size),
            "uploaded_at": receipt_time(document),
            "link": settings.SITE_URL.rstrip("/")
            + reverse("portal:documents:receipt", args=[document.pk]),
        },
        user=owner,
        kind="documents.receipt",
    )
