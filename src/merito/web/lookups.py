"""Lookups more than one audience makes, answering 404 in Spanish when nothing is found."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from merito.calls import selectors
from merito.calls.models import Call


def public_call_or_404(code: str) -> Call:
    """A call of the public catalogue by its code (the catalogue and the score preview)."""
    try:
        return selectors.call_detail(code=code)
    except Call.DoesNotExist:
        raise Http404(_("No existe una convocatoria pública con ese código.")) from None
