"""PDFs made on the spot with pypdf, and a private storage for every test."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

# Smallest valid PNG header and chunk: an image someone renamed to .pdf.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00"
    b"\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82"
)


def make_pdf(*, pages: int = 1, padding: int = 0, text: str = "", password: str = "") -> bytes:
    """A real PDF; ``padding`` characters of metadata make it as large as a test needs."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    metadata = {}
    if text:
        metadata["/Subject"] = text
    if padding:
        metadata["/Padding"] = "x" * padding
    if metadata:
        writer.add_metadata(metadata)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_of_size(size: int, *, text: str = "") -> bytes:
    """A valid one-page PDF of exactly ``size`` bytes."""
    padding = 1000
    data = make_pdf(padding=padding, text=text)
    # The trailer's "startxref" offset gains digits as the file grows: converge in steps.
    while len(data) != size:
        padding += size - len(data)
        data = make_pdf(padding=padding, text=text)
    return data


def pdf_upload(data: bytes | None = None, name: str = "certificado.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf() if data is None else data, "application/pdf")


@pytest.fixture(autouse=True)
def storage_dir(settings, tmp_path):
    """Uploads go to a fresh folder; the test can look at what is stored there."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


def stored_files(location) -> list[str]:
    if not location.exists():
        return []
    return sorted(str(p.relative_to(location)) for p in location.rglob("*") if p.is_file())
