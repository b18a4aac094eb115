"""The applicant's document pages: upload, receipt, list, download; only the owner sees them."""

from __future__ import annotations

import hashlib

import pytest
from django.core import mail
from django.urls import reverse

from merito.documents.models import Document, DocumentKind
from merito.documents.services import document_upload
from tests.conftest import make_user, sign_in
from tests.documents.conftest import PNG_BYTES, make_pdf, pdf_of_size, pdf_upload, stored_files
from tests.web.moved import assert_old_address_leads_to

pytestmark = pytest.mark.django_db

UPLOAD = reverse("portal:documents:upload")


@pytest.fixture
def alice_client(client, alice):
    sign_in(client, alice)
    return client


def stored(owner, text="v1", kind=DocumentKind.DIPLOMA, name="diploma.pdf") -> Document:
    return document_upload(
        owner=owner, kind=kind, uploaded_file=pdf_upload(make_pdf(text=text), name), by=owner
    )


def test_the_upload_form_states_the_rules_before_any_file_is_chosen(alice_client):
    html = alice_client.get(UPLOAD).content.decode()
    assert 'accept="application/pdf"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "Solo archivos PDF, sin contraseña." in html
    assert "Tamaño máximo: 1 MB (1.048.576 bytes)" in html
    assert "Anexo de reclamación: 2 MB (2.097.152 bytes)" in html
    assert "Un archivo por soporte" in html
    assert "carta de compromiso firmada" in html


def test_uploading_a_pdf_shows_and_mails_the_receipt(
    alice_client, alice, django_capture_on_commit_callbacks
):
    data = make_pdf(pages=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            UPLOAD,
            {"kind": DocumentKind.WORK_CERTIFICATE, "file": pdf_upload(data, "laboral.pdf")},
        )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:documents:receipt", args=[document.pk])

    html = alice_client.get(response["Location"]).content.decode()
    assert "laboral.pdf" in html
    assert "Certificado laboral" in html
    digest = hashlib.sha256(data).hexdigest()
    # Shown whole, with invisible break points so it wraps on a phone.
    assert "<wbr>".join(digest[i : i + 16] for i in range(0, 64, 16)) in html
    assert f"{len(data):,}".replace(",", ".") + " bytes" in html
    assert "hora legal de Colombia" in html
    assert reverse("portal:documents:download", args=[document.pk]) in html
    (message,) = mail.outbox
    receipt = f"/portal/documentos/{document.pk}/recibo/"
    assert_old_address_leads_to(
        alice_client, f"/documentos/{document.pk}/recibo/", receipt, message.body
    )


def test_a_renamed_png_is_refused_on_the_file_field(alice_client):
    response = alice_client.post(
        UPLOAD, {"kind": DocumentKind.DIPLOMA, "file": pdf_upload(PNG_BYTES, "foto.pdf")}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file-errors"' in html
    assert "El archivo no es un PDF válido" in html
    assert not Document.objects.exists()


def test_an_oversize_file_names_its_size_and_the_limit(alice_client, storage_dir):
    response = alice_client.post(
        UPLOAD, {"kind": DocumentKind.WORK_CERTIFICATE, "file": pdf_upload(pdf_of_size(1_048_577))}
    )
    assert (
        "El archivo pesa 1.048.577 bytes; el máximo para Certificado laboral es "
        "1.048.576 bytes (1 MB)." in response.content.decode()
    )
    assert stored_files(storage_dir) == []


def test_an_empty_file_gets_the_rule_not_a_generic_error(alice_client):
    response = alice_client.post(
        UPLOAD, {"kind": DocumentKind.RUT, "file": pdf_upload(b"", "rut.pdf")}
    )
    assert "El archivo está vacío (0 bytes)" in response.content.decode()


def test_the_kind_is_required(alice_client):
    response = alice_client.post(UPLOAD, {"kind": "", "file": pdf_upload()})
    assert 'id="id_kind-errors"' in response.content.decode()
    assert not Document.objects.exists()


def test_replacing_from_the_list_keeps_the_old_version(alice_client, alice):
    old = stored(alice, "v1", name="diploma-2019.pdf")
    page = alice_client.get(f"{UPLOAD}?reemplaza={old.pk}").content.decode()
    assert "diploma-2019.pdf" in page
    assert '<option value="diploma" selected>' in page

    response = alice_client.post(
        f"{UPLOAD}?reemplaza={old.pk}",
        {"kind": DocumentKind.DIPLOMA, "file": pdf_upload(make_pdf(text="v2"), "diploma.pdf")},
    )
    new = Document.objects.get(replaces=old)
    assert response["Location"] == reverse("portal:documents:receipt", args=[new.pk])

    listing = alice_client.get(reverse("portal:documents:list")).content.decode()
    assert "1 versión anterior" in listing
    assert reverse("portal:documents:download", args=[old.pk]) in listing
    old_receipt = alice_client.get(
        reverse("portal:documents:receipt", args=[old.pk])
    ).content.decode()
    assert "Esta versión fue reemplazada." in old_receipt


def test_replacing_someone_elses_document_is_not_found(alice_client):
    bobs = stored(make_user(email="bob@example.org"))
    assert alice_client.get(f"{UPLOAD}?reemplaza={bobs.pk}").status_code == 404
    response = alice_client.post(
        f"{UPLOAD}?reemplaza={bobs.pk}", {"kind": DocumentKind.DIPLOMA, "file": pdf_upload()}
    )
    assert response.status_code == 404
    assert alice_client.get(f"{UPLOAD}?reemplaza=abc").status_code == 404
    assert Document.objects.count() == 1


def test_the_list_shows_only_my_current_documents_filtered_by_kind(alice_client, alice):
    mine = stored(alice, "diploma", name="mi-diploma.pdf")
    stored(alice, "rut", kind=DocumentKind.RUT, name="mi-rut.pdf")
    stored(make_user(email="bob@example.org"), "bob", name="de-bob.pdf")

    html = alice_client.get(reverse("portal:documents:list")).content.decode()
    assert "mi-diploma.pdf" in html
    assert "mi-rut.pdf" in html
    assert "de-bob.pdf" not in html

    html = alice_client.get(reverse("portal:documents:list"), {"kind": "diploma"}).content.decode()
    assert "mi-diploma.pdf" in html
    assert "mi-rut.pdf" not in html
    assert reverse("portal:documents:receipt", args=[mine.pk]) in html
    # An unknown kind shows everything rather than failing.
    assert alice_client.get(reverse("portal:documents:list"), {"kind": "x"}).status_code == 200


def test_the_list_is_paginated_by_twenty(alice_client, alice, django_assert_max_num_queries):
    for number in range(21):
        stored(alice, f"doc {number}", name=f"doc-{number:02d}.pdf")
    with django_assert_max_num_queries(12):
        first = alice_client.get(reverse("portal:documents:list")).content.decode()
    assert first.count("?reemplaza=") == 20
    assert "Página 1 de 2" in first
    second = alice_client.get(reverse("portal:documents:list"), {"page": "2"}).content.decode()
    assert second.count("?reemplaza=") == 1
    assert alice_client.get(reverse("portal:documents:list"), {"page": "zz"}).status_code == 200


def test_the_owner_downloads_the_exact_file_as_an_attachment(alice_client, alice):
    data = make_pdf(text="descarga")
    document = document_upload(
        owner=alice,
        kind=DocumentKind.RUT,
        uploaded_file=pdf_upload(data, "Mi RUT ñ.pdf"),
        by=alice,
    )
    response = alice_client.get(reverse("portal:documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Mi%20RUT%20%C3%B1.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == data


@pytest.mark.parametrize("name", ["portal:documents:receipt", "portal:documents:download"])
def test_another_persons_document_is_not_found(alice_client, name):
    bobs = stored(make_user(email="bob@example.org"))
    assert alice_client.get(reverse(name, args=[bobs.pk])).status_code == 404
    assert alice_client.get(reverse(name, args=[bobs.pk + 1000])).status_code == 404


def test_tampered_ids_are_not_found(alice_client):
    assert alice_client.get("/portal/documentos/abc/recibo/").status_code == 404
    assert alice_client.get("/portal/documentos/-1/descargar/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("portal:documents:list"),
        UPLOAD,
        reverse("portal:documents:receipt", args=[1]),
        reverse("portal:documents:download", args=[1]),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:accounts:login"))
