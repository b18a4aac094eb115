"""The applicant's documents: upload, receipt, list with history, download.

Only the owner sees a document; any other id answers 404, so ids cannot be probed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from merito.documents import selectors
from merito.documents.models import Document
from merito.documents.services import document_upload, receipt_time
from merito.errors import DomainError
from merito.web.portal.forms.documents import DocumentFilterForm, DocumentUploadForm

PAGE_SIZE = 20


def _own_document(request: HttpRequest, pk: int) -> Document:
    document = selectors.document_get(owner=request.user, pk=pk)
    if document is None:
        raise Http404
    return document


def _replaced_document(request: HttpRequest) -> Document | None:
    raw = request.GET.get("reemplaza", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return _own_document(request, int(raw))


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    replaces = _replaced_document(request)
    initial = {"kind": replaces.kind} if replaces else {}
    form = DocumentUploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_upload(
                owner=request.user,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
                by=request.user,
                replaces=replaces,
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return redirect("portal:documents:receipt", pk=document.pk)
    return render(request, "portal/documents/upload.html", {"form": form, "replaces": replaces})


@login_required
@require_GET
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    document = _own_document(request, pk)
    latest = selectors.document_latest(document=document)
    return render(
        request,
        "portal/documents/receipt.html",
        {
            "document": document,
            "uploaded_at": receipt_time(document),
            "latest": latest if latest.pk != document.pk else None,
        },
    )


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    filters = DocumentFilterForm(request.GET or None)
    kind = filters.cleaned_data["kind"] if filters.is_valid() else ""
    documents = selectors.document_list(owner=request.user, kind=kind)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    histories = selectors.document_histories(owner=request.user, documents=page.object_list)
    return render(
        request,
        "portal/documents/list.html",
        {
            "filters": filters,
            "kind": kind,
            "page": page,
            "rows": [(document, histories[document.pk]) for document in page.object_list],
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    document = _own_document(request, pk)
    response = FileResponse(
        default_storage.open(document.storage_name, "rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
