from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from merito.documents.limits import format_bytes, format_size, size_limit
from merito.documents.models import DocumentKind


def limits_text() -> str:
    """The size limits by kind, grouped, as shown before anyone picks a file."""
    kinds_by_limit: dict[int, list[str]] = {}
    for kind in DocumentKind:
        kinds_by_limit.setdefault(size_limit(kind), []).append(str(kind.label))
    common = max(kinds_by_limit, key=lambda limit: len(kinds_by_limit[limit]))
    parts = [
        str(_("Tamaño máximo: %(human)s (%(bytes)s bytes)"))
        % {"human": format_size(common), "bytes": format_bytes(common)}
    ]
    for limit, labels in sorted(kinds_by_limit.items()):
        if limit != common:
            parts.append(
                str(_("%(kinds)s: %(human)s (%(bytes)s bytes)"))
                % {
                    "kinds": ", ".join(labels),
                    "human": format_size(limit),
                    "bytes": format_bytes(limit),
                }
            )
    return "; ".join(parts) + "."


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipo de documento"), choices=[("", _("Seleccione…")), *DocumentKind.choices]
    )
    file = forms.FileField(
        label=_("Archivo PDF"),
        # An empty file gets the service's message, which names the rule.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = _(
            "Un archivo por soporte: cada título, cada certificado y cada experiencia con "
            "su propio PDF; no combine varios documentos en uno. El diploma puede "
            "reemplazar al acta de grado. Si un documento aún está en trámite, cargue una "
            "carta de compromiso firmada por usted."
        )
        self.fields["file"].help_text = "{} {}".format(
            _("Solo archivos PDF, sin contraseña."), limits_text()
        )
        self.fields["file"].widget.attrs["aria-describedby"] = "id_file_helptext"


class DocumentFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipo de documento"),
        required=False,
        choices=[("", _("Todos los tipos")), *DocumentKind.choices],
    )
