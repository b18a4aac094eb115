"""The folio-by-folio review on the folder page, and the folio's PDF beside its form.

Only the people who hold the folder now (its supervisor, analyst and auditor) open its
folios and their PDFs: any other user, folder id or folio id answers 404, so ids cannot
be probed. Only the analyst edits, while the folder is Asignada or Devuelta.
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from merito.audit.services import audit_read
from merito.calls.models import TestType
from merito.errors import DomainError
from merito.evaluation import folder_selectors, review
from merito.evaluation.models import Folder, Folio
from merito.web.backoffice.forms.evaluation import FolioForm


def _held_folder(request: HttpRequest, folder_pk: int) -> Folder:
    folder = folder_selectors.my_folder(request.user, folder_pk)
    if folder is None:
        raise Http404
    return folder


def _folio(folder: Folder, folio_pk: int) -> Folio:
    folio = Folio.objects.filter(folder=folder, pk=folio_pk).first()
    if folio is None:
        raise Http404
    return folio


@login_required
@require_POST
def folio_review(request: HttpRequest, folder_pk: int, folio_pk: int) -> HttpResponse:
    """Save the analyst's review of one folio (Folio válido, Observaciones, Sección)."""
    folder = _held_folder(request, folder_pk)
    folio = _folio(folder, folio_pk)
    form = FolioForm(
        request.POST, va=folder.test.test_type == TestType.VA, prefix=f"folio-{folio.pk}"
    )
    version = request.POST.get("version", "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            review.folio_save(
                folder=folder,
                folio=folio,
                user=request.user,
                expected_version=int(version) if version.isdigit() else -1,
                valid=data["valido"],
                observation=data.get("observacion", ""),
                va_section=data.get("seccion", ""),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("La información se guardó correctamente."))
            url = reverse("backoffice:evaluation:my_folder", args=[folder.pk])
            return redirect(f"{url}#folio-{folio.pk}")
    from merito.web.backoffice.views.folder_page import folder_page

    return folder_page(request, folder, folio_forms={folio.pk: form})


@login_required
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})  # type: ignore[arg-type]
def folio_document(request: HttpRequest, folder_pk: int, folio_pk: int) -> FileResponse:
    """The PDF of a folio, as frozen in the snapshot, shown beside its form."""
    folder = _held_folder(request, folder_pk)
    folio = _folio(folder, folio_pk)
    document = folio.document
    if document is None or (folio.document_sha256 and document.sha256 != folio.document_sha256):
        raise Http404
    audit_read(actor=request.user, obj=document, what="documents.document.viewed")
    response = FileResponse(
        default_storage.open(document.storage_name, "rb"),
        as_attachment=False,
        filename=document.original_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
