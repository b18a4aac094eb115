"""The folio-by-folio review on the folder page, and the folio's PDF beside its form.

Only the people who hold the folder now (its supervisor, analyst and auditor) open its
folios and their PDFs: any other user, folder id or folio id answers 404, so ids cannot
be probed. Only the analyst edits, while the folder is Asignada or Devuelta.
"""

from __future__ import annotations

from typing import Any

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
from merito.errors import DomainError
from merito.evaluation import distribution, folder_selectors, review
from merito.evaluation.forms import FolioForm, VaScoreForm, VrmDecisionForm
from merito.evaluation.models import Folder, Folio, RequirementKind, TestType
from merito.organizations.models import Role

# Role of the person who writes the reason of each transition.
ACTION_ROLES = {action: role for action, (role, _states) in distribution.ACTIONS.items()}


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


def observations(folder: Folder) -> list[dict[str, Any]]:
    """Every observation written on the folder, with its user and role (seed 004 §3.2.7.8)."""
    rows: list[dict[str, Any]] = []
    folios = folder.folios.exclude(observation="").select_related("reviewed_by")
    for folio in folios:
        rows.append(
            {
                "at": folio.reviewed_at,
                "user": folio.reviewed_by,
                "role": Role.ANALYST.label,
                "text": folio.observation,
                "about": _("Folio %(n)s: %(label)s") % {"n": folio.pk, "label": folio.label},
            }
        )
    for event in folder.events.exclude(reason="").select_related("user"):
        role = ACTION_ROLES.get(event.action)
        rows.append(
            {
                "at": event.at,
                "user": event.user,
                "role": Role(role).label if role else "—",
                "text": event.reason,
                "about": distribution.ACTION_LABELS.get(event.action, event.action),
            }
        )
    return sorted(rows, key=lambda row: (row["at"] is None, row["at"]))


def review_context(
    request: HttpRequest,
    folder: Folder,
    *,
    worker: bool,
    folio_forms: dict[int, FolioForm] | None = None,
    score_form: Any = None,
) -> dict[str, Any]:
    """What the folder page needs to show the review; ``worker``: a holder of the folder."""
    is_va = folder.test.test_type == TestType.VA
    is_vrm = folder.test.test_type == TestType.VRM
    editable = (
        worker and folder.analyst_id == request.user.pk and folder.state in review.EDITABLE_STATES
    )
    if editable:
        review.folios_ensure(folder)
    folios = list(folder.folios.all())
    sections = review.review_sections(folder, folios)
    forms = folio_forms or {}
    for section in sections:
        for view in section.folios:
            folio = view.folio
            view.form = forms.get(folio.pk) or FolioForm(
                va=is_va,
                prefix=f"folio-{folio.pk}",
                initial={
                    "valido": "" if folio.valid is None else ("si" if folio.valid else "no"),
                    "observacion": folio.observation,
                    "seccion": folio.va_section,
                },
            )
            if worker and folio.document_id:
                view.pdf_url = reverse("evaluation:folio_document", args=[folder.pk, folio.pk])
    context: dict[str, Any] = {
        "sections": sections,
        "is_va": is_va,
        "is_vrm": is_vrm,
        "editable": editable,
        "observations": observations(folder),
        "pending_folios": sum(1 for f in folios if f.valid is None),
    }
    if is_vrm:
        requirements = review.job_requirements(folder)
        context["requirements"] = [
            (kind.label, [r for r in requirements if r.kind == kind]) for kind in RequirementKind
        ]
        current = folder.evaluations.filter(is_current=True).first()
        context["current_version"] = current
        context["valid_months"] = next(
            s.valid_months for s in sections if s.valid_months is not None
        )
        context["decision_form"] = score_form or VrmDecisionForm(requirements=requirements)
    if is_va:
        try:
            context["va"] = review.va_review(folder, folios)
        except DomainError as error:
            context["va_error"] = error.message
        context["decision_form"] = score_form or VaScoreForm()
    return context


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
            url = reverse("evaluation:my_folder", args=[folder.pk])
            return redirect(f"{url}#folio-{folio.pk}")
    from merito.evaluation.folder_views import folder_page

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
