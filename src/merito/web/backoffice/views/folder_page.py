"""The folder page (seed 004 §3.2.7), for the people who hold the folder and, read-only, for
the test's administrator and Gerencia: history, observations and the folio-by-folio review."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from merito.calls.models import RequirementKind, TestType
from merito.errors import DomainError
from merito.evaluation import distribution, review
from merito.evaluation.models import Folder
from merito.organizations.models import Role
from merito.web.backoffice.forms.evaluation import (
    FolioForm,
    VaScoreForm,
    VrmDecisionForm,
)
from merito.web.backoffice.views.base import render_page

# Role of the person who writes the reason of each transition.
ACTION_ROLES = {action: role for action, (role, _states) in distribution.ACTIONS.items()}


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
                view.pdf_url = reverse(
                    "backoffice:evaluation:folio_document", args=[folder.pk, folio.pk]
                )
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


"""Folders: distribution by the operator's administrator, and work by its people.

The distribution screens answer 404 for a test of another operator (the test selectors
scope it) and 403 to anyone but the administrator of the test's operator. A worker sees
only the folders they hold now: any other folder id answers 404, and an action that
belongs to another role of the folder answers 403.
"""


def _actions(folder: Folder, user: Any) -> list[str]:
    return [
        action
        for action, (role, states) in distribution.ACTIONS.items()
        if folder.state in states and folder.holder_id(role) == user.pk
    ]


def folder_page(
    request: HttpRequest,
    folder: Folder,
    *,
    worker: bool = True,
    folio_forms: dict[int, Any] | None = None,
    score_form: Any = None,
) -> HttpResponse:
    """The folder with its review, section by section (seed 004 §3.2.7).

    ``worker``: the user holds the folder (actions, the folios' PDFs); the administrator
    and Gerencia see the same page read-only from the test.
    """
    forms = folio_forms or {}
    failed = score_form is not None and score_form.errors
    failed = failed or any(form.errors for form in forms.values())
    return render_page(
        request,
        "backoffice/evaluation/folder_detail.html",
        {
            "folder": folder,
            "test": folder.test,
            "process": folder.test.process,
            "actions": _actions(folder, request.user) if worker else [],
            "labels": distribution.ACTION_LABELS,
            "assignments": folder.assignments.select_related("user", "assigned_by"),
            "events": folder.events.select_related("user"),
            **review_context(
                request, folder, worker=worker, folio_forms=forms, score_form=score_form
            ),
        },
        status=400 if failed else 200,
    )
