"""The applicant's profile pages. Thin: forms validate input, services write, selectors read.

Only the owner reaches an entry: any other id answers 404, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from merito.accounts.models import User
from merito.errors import DomainError
from merito.profiles import selectors, services
from merito.profiles.models import Profile
from merito.profiles.sections import SECTIONS, SECTIONS_BY_SLUG, Section
from merito.web.portal.forms.profiles import (
    SECTION_FORMS,
    DocumentSlotsForm,
    EducationForm,
    PersonalForm,
    ProfileDocumentsForm,
)

PAGE_SIZE = 20


def _section(slug: str) -> Section:
    section = SECTIONS_BY_SLUG.get(slug)
    if section is None:
        raise Http404
    return section


def _locked_redirect(request: HttpRequest) -> HttpResponse | None:
    reason = services.profile_is_locked(request.user)
    if reason:
        messages.error(request, reason)
        return redirect("portal:profiles:overview")
    return None


def _add_errors(form: DocumentSlotsForm, exc: ValidationError | DomainError) -> None:
    if isinstance(exc, DomainError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = selectors.profile_get(user=user)
    missing = selectors.profile_missing(user=user)
    counts = selectors.section_counts(user=user)
    sections = [
        {
            "section": section,
            "count": counts[section.key],
            "missing": [m.message for m in missing if m.section == section.key],
        }
        for section in SECTIONS
    ]
    return render(
        request,
        "portal/profiles/overview.html",
        {
            "profile": profile,
            "sections": sections,
            "missing": missing,
            "personal_missing": [m.message for m in missing if m.section == "personal"],
            "documents_missing": [m.message for m in missing if m.section == "documents"],
            "lock_reason": services.profile_is_locked(user),
        },
    )


def _profile_form_view(
    request: HttpRequest, form_class: type[DocumentSlotsForm], title: str
) -> HttpResponse:
    if refused := _locked_redirect(request):
        return refused
    profile = selectors.profile_get(user=request.user) or Profile(user=cast(User, request.user))
    form = form_class(
        request.POST or None, request.FILES or None, instance=profile, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                user=request.user,
                profile=form.instance,
                uploads=form.uploads(),
                phone=form.cleaned_data.get("phone") if "phone" in form.fields else None,
            )
        except (ValidationError, DomainError) as exc:
            if isinstance(exc, DomainError) and exc.code == "locked":
                messages.error(request, exc.message)
                return redirect("portal:profiles:overview")
            _add_errors(form, exc)
        else:
            messages.success(request, _("Se guardaron los cambios de su hoja de vida."))
            return redirect("portal:profiles:overview")
    return render(request, "portal/profiles/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def personal(request: HttpRequest) -> HttpResponse:
    return _profile_form_view(request, PersonalForm, _("Datos personales"))


@login_required
@require_http_methods(["GET", "POST"])
def profile_documents(request: HttpRequest) -> HttpResponse:
    return _profile_form_view(request, ProfileDocumentsForm, _("RUT, tarjeta profesional y ARL"))


@login_required
@require_GET
def section_list(request: HttpRequest, slug: str) -> HttpResponse:
    section = _section(slug)
    entries = selectors.entry_list(user=request.user, model=section.model)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("pagina"))
    notes = services.entry_notes(request.user)
    rows = [(entry, notes.get((section.key, entry.pk), [])) for entry in page.object_list]
    return render(
        request,
        "portal/profiles/section_list.html",
        {
            "section": section,
            "page": page,
            "rows": rows,
            "section_notes": notes.get((section.key, None), []),
            "lock_reason": services.profile_is_locked(request.user),
        },
    )


def _entry(request: HttpRequest, section: Section, pk: int) -> Any:
    entry = selectors.entry_get(user=request.user, model=section.model, pk=pk)
    if entry is None:
        raise Http404
    return entry


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    section = _section(slug)
    entry = _entry(request, section, pk) if pk is not None else section.model()
    if refused := _locked_redirect(request):
        return refused
    kwargs: dict[str, Any] = {"instance": entry, "user": request.user}
    query = request.GET.get("q", "")
    if SECTION_FORMS[section.key] is EducationForm:
        kwargs["query"] = query
    form = SECTION_FORMS[section.key](request.POST or None, request.FILES or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        instance = form.instance
        try:
            if isinstance(form, EducationForm):
                services.education_save(
                    user=request.user,
                    entry=instance,
                    uploads=form.uploads(),
                    other_institution=form.other_institution(),
                    other_program=form.other_program_name(),
                )
            else:
                services.profile_entry_save(
                    user=request.user, entry=instance, uploads=form.uploads()
                )
        except (ValidationError, DomainError) as exc:
            if isinstance(exc, DomainError) and exc.code == "locked":
                messages.error(request, exc.message)
                return redirect("portal:profiles:overview")
            if pk is None:
                form.instance.pk = None
            _add_errors(form, exc)
        else:
            messages.success(request, _("Se guardó el registro."))
            return redirect("portal:profiles:section", slug=section.slug)
    return render(
        request,
        "portal/profiles/form.html",
        {
            "form": form,
            "title": section.title,
            "section": section,
            "entry": entry if pk is not None else None,
            "query": query,
            "institution_search": SECTION_FORMS[section.key] is EducationForm,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    section = _section(slug)
    entry = _entry(request, section, pk)
    if refused := _locked_redirect(request):
        return refused
    if request.method == "POST":
        try:
            services.profile_entry_delete(user=request.user, entry=entry)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("portal:profiles:overview")
        messages.success(request, _("Se eliminó el registro. Sus documentos siguen guardados."))
        return redirect("portal:profiles:section", slug=section.slug)
    return render(
        request, "portal/profiles/confirm_delete.html", {"section": section, "entry": entry}
    )


@login_required
@require_GET
def institution_search(request: HttpRequest) -> HttpResponse:
    """Options for the institution field: an HTML fragment for HTMX, a page without JS."""
    query = request.GET.get("q", "")
    institutions = selectors.institution_search(query=query) if query.strip() else []
    context = {"institutions": institutions, "query": query}
    if getattr(request, "htmx", False):
        return render(request, "portal/profiles/_institution_options.html", context)
    return render(request, "portal/profiles/institution_search.html", context)
