"""document_upload: checked by content, limited by kind, stored once, all or nothing."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from merito.audit.models import AuditEvent
from merito.documents.models import Document, DocumentKind
from merito.documents.selectors import document_latest, document_list
from merito.documents.services import document_upload, storage_name_for
from merito.errors import DomainError
from tests.conftest import make_user
from tests.documents.conftest import (
    PNG_BYTES,
    make_pdf,
    pdf_of_size,
    pdf_upload,
    stored_files,
)

pytestmark = pytest.mark.django_db

WORK = DocumentKind.WORK_CERTIFICATE


def upload(owner, data=None, *, kind=WORK, name="certificado.pdf", replaces=None):
    return document_upload(
        owner=owner, kind=kind, uploaded_file=pdf_upload(data, name), by=owner, replaces=replaces
    )


def refusal(owner, data, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        upload(owner, data, **kwargs)
    assert caught.value.field == "file"
    return caught.value


def test_a_pdf_is_stored_under_its_hash_with_a_receipt(
    alice, storage_dir, django_capture_on_commit_callbacks
):
    data = make_pdf(pages=3)
    digest = hashlib.sha256(data).hexdigest()
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(alice, data, name="Certificado Universidad.pdf")

    assert document.sha256 == digest
    assert document.size == len(data)
    assert document.page_count == 3
    assert document.original_name == "Certificado Universidad.pdf"
    assert document.storage_name == f"documents/{digest[:2]}/{digest[2:4]}/{digest}.pdf"
    assert (storage_dir / document.storage_name).read_bytes() == data
    assert document.uploaded_by == alice
    assert document.is_current
    event = AuditEvent.objects.get(action="documents.document.uploaded")
    assert event.object_id == str(document.pk)
    assert event.after["sha256"] == digest

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Recibo de carga de documento en Mérito"
    assert "Certificado Universidad.pdf" in message.body
    assert "Certificado laboral" in message.body
    assert digest in message.body
    assert f"{len(data):,}".replace(",", ".") + " bytes" in message.body
    local = document.uploaded_at.astimezone(__import__("zoneinfo").ZoneInfo("America/Bogota"))
    assert local.strftime("%Y-%m-%d %H:%M:%S") + " (hora legal de Colombia" in message.body
    assert f"/portal/documentos/{document.pk}/recibo/" in message.body


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (PNG_BYTES, "no es un PDF válido"),
        (b"<!DOCTYPE html><html><body>certificado</body></html>", "no es un PDF válido"),
        (b"Certificado laboral: trabaja desde 2010.\n", "no es un PDF válido"),
        (b"%PDF-1.7\nthis is not really a pdf at all\n%%EOF\n", "no es un PDF válido"),
        (make_pdf(pages=0), "no tiene páginas"),
        (make_pdf(password="x"), "protegido con contraseña"),
        (b"", "El archivo está vacío (0 bytes)"),
    ],
    ids=["png", "html", "text", "fake-header", "zero-pages", "encrypted", "empty"],
)
def test_files_that_are_not_readable_pdfs_are_refused_whatever_their_name(
    alice, storage_dir, data, reason
):
    error = refusal(alice, data)
    assert reason in error.message
    assert not Document.objects.exists()
    assert stored_files(storage_dir) == []
    assert not AuditEvent.objects.filter(action__startswith="documents.").exists()


def test_a_zip_renamed_pdf_is_refused(alice):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("certificado.pdf", make_pdf())
    assert "no es un PDF válido" in refusal(alice, buffer.getvalue()).message


def test_a_pdf_restricted_without_a_password_to_open_is_accepted(alice):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="", owner_password="solo-lectura")
    buffer = BytesIO()
    writer.write(buffer)
    assert upload(alice, buffer.getvalue()).page_count == 1


def test_one_byte_over_the_limit_is_refused_stating_both_sizes(alice, storage_dir):
    error = refusal(alice, pdf_of_size(1_048_577))
    assert error.message == (
        "El archivo pesa 1.048.577 bytes; el máximo para Certificado laboral es "
        "1.048.576 bytes (1 MB)."
    )
    assert stored_files(storage_dir) == []


def test_exactly_the_limit_is_accepted(alice):
    assert upload(alice, pdf_of_size(1_048_576)).size == 1_048_576


def test_claim_annexes_may_weigh_two_megabytes(alice):
    document = upload(alice, pdf_of_size(2_097_152), kind=DocumentKind.CLAIM_ANNEX)
    assert document.size == 2_097_152
    error = refusal(alice, pdf_of_size(2_097_153), kind=DocumentKind.CLAIM_ANNEX)
    assert "el máximo para Anexo de reclamación es 2.097.152 bytes (2 MB)" in error.message


def test_the_limit_is_configurable_per_kind(alice, settings):
    settings.DOCUMENT_SIZE_LIMITS = {WORK: 1_500}
    error = refusal(alice, pdf_of_size(1_501))
    assert error.message == (
        "El archivo pesa 1.501 bytes; el máximo para Certificado laboral es 1.500 bytes (1,5 KB)."
    )
    # Kinds the setting leaves out keep their default.
    assert upload(alice, pdf_of_size(1_501), kind=DocumentKind.DIPLOMA).size == 1_501


def test_an_oversize_file_is_not_read_past_the_limit(alice, settings):
    class Endless(SimpleUploadedFile):
        """Declares no size and never ends: only stopping early gets out of it."""

        size = None  # type: ignore[assignment]

        def chunks(self, chunk_size=None):
            self.read_chunks = 0
            while True:
                self.read_chunks += 1
                yield b"%PDF-" + b"0" * 65_531

    endless = Endless("grande.pdf", b"", "application/pdf")
    with pytest.raises(DomainError, match="el máximo para Certificado laboral"):
        document_upload(owner=alice, kind=WORK, uploaded_file=endless, by=alice)
    assert endless.read_chunks == 17  # 16 chunks of 64 KiB fit in 1 MiB; the 17th does not


def test_identical_content_is_stored_once_and_both_uploads_are_recorded(alice, storage_dir):
    data = make_pdf(text="diploma")
    bob = make_user(email="bob@example.org", given_names="Bob")
    first = upload(alice, data, kind=DocumentKind.DIPLOMA, name="diploma.pdf")
    path = storage_dir / first.storage_name
    stamp = path.stat().st_mtime_ns
    second = upload(bob, data, kind=DocumentKind.DIPLOMA, name="mi-diploma.pdf")
    assert first.storage_name == second.storage_name
    assert stored_files(storage_dir) == [first.storage_name]
    assert path.stat().st_mtime_ns == stamp  # never written again
    assert Document.objects.count() == 2


def test_replacing_keeps_the_previous_version_in_the_history(alice, storage_dir):
    old = upload(alice, make_pdf(text="v1"), name="v1.pdf")
    new = upload(alice, make_pdf(text="v2"), name="v2.pdf", replaces=old)
    assert new.replaces == old
    assert not old.is_current
    assert new.is_current
    assert document_latest(document=old) == new
    assert list(document_list(owner=alice)) == [new]
    assert Document.objects.filter(pk=old.pk).exists()
    assert len(stored_files(storage_dir)) == 2
    assert AuditEvent.objects.filter(action="documents.document.replaced").count() == 1


def test_a_version_already_replaced_cannot_be_replaced_again(alice):
    old = upload(alice, make_pdf(text="v1"))
    upload(alice, make_pdf(text="v2"), replaces=old)
    error = refusal(alice, make_pdf(text="v3"), replaces=old)
    assert "ya fue reemplazado" in error.message
    assert Document.objects.count() == 2


def test_replacing_another_persons_document_is_refused(alice, storage_dir):
    bob = make_user(email="bob@example.org", given_names="Bob")
    bobs = upload(bob, make_pdf(text="bob"))
    error = refusal(alice, make_pdf(text="alice"), replaces=bobs)
    assert error.message == "Solo puede reemplazar sus propios documentos."
    assert Document.objects.count() == 1
    assert stored_files(storage_dir) == [bobs.storage_name]


def test_a_failed_database_write_leaves_no_row_and_no_new_file(alice, storage_dir, monkeypatch):
    kept = upload(alice, make_pdf(text="ya cargado"))

    def broken_audit(**kwargs):
        raise RuntimeError("base de datos no disponible")

    monkeypatch.setattr("merito.documents.services.audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        upload(alice, make_pdf(text="nuevo"))
    assert list(Document.objects.all()) == [kept]
    assert stored_files(storage_dir) == [kept.storage_name]

    # Content stored earlier is never deleted by a failure.
    with pytest.raises(RuntimeError):
        upload(alice, make_pdf(text="ya cargado"))
    assert stored_files(storage_dir) == [kept.storage_name]


def test_the_scanner_hook_can_refuse_a_file_before_it_is_stored(alice, storage_dir, settings):
    settings.DOCUMENT_SCANNER = "tests.documents.scanners.refuse_everything"
    error = refusal(alice, make_pdf())
    assert error.message == "Se encontró un virus en el archivo."
    assert error.field == "file"
    assert stored_files(storage_dir) == []
    assert not Document.objects.exists()


def test_the_scanner_receives_the_file_content(alice, settings):
    from tests.documents import scanners

    settings.DOCUMENT_SCANNER = "tests.documents.scanners.remember"
    data = make_pdf(text="escaneado")
    upload(alice, data)
    assert scanners.seen == [data]


def test_a_scanner_that_breaks_refuses_the_file(alice, storage_dir, settings):
    settings.DOCUMENT_SCANNER = "tests.documents.scanners.broken"
    error = refusal(alice, make_pdf())
    assert "No fue posible revisar el archivo" in error.message
    assert stored_files(storage_dir) == []


def test_the_default_storage_name_is_content_addressed():
    digest = "ab" * 32
    assert storage_name_for(digest) == f"documents/ab/ab/{digest}.pdf"
