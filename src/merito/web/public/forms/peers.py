"""Forms of the public peer-bank pages. Errors are linked to their fields for screen readers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from merito.documents.limits import format_bytes, size_limit
from merito.documents.models import DocumentKind
from merito.identity import Country, DocumentType, validate_identity_document
from merito.peers.models import PeerGroup
from merito.web.forms import LinkedErrorsMixin


def _pdf_field(label: Any, kind: str) -> forms.FileField:
    limit = size_limit(kind)
    return forms.FileField(
        label=label,
        help_text=_("Un solo archivo PDF de máximo %(limit)s bytes.")
        % {"limit": format_bytes(limit)},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class DocumentFieldsForm(LinkedErrorsMixin, forms.Form):
    document_country = forms.ChoiceField(
        label=_("País que expide el documento"), choices=Country.choices, initial=Country.COLOMBIA
    )
    document_type = forms.ChoiceField(label=_("Tipo de documento"), choices=DocumentType.choices)
    document_number = forms.CharField(
        label=_("Número de documento"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        country, doc_type = cleaned.get("document_country"), cleaned.get("document_type")
        if country and doc_type and "document_number" in cleaned:
            try:
                cleaned["document_number"] = validate_identity_document(
                    country, doc_type, cleaned["document_number"]
                )
            except ValidationError as exc:
                field = "document_type" if exc.code == "document_type" else "document_number"
                self.add_error(field, exc)
        return cleaned


class LookupForm(DocumentFieldsForm):
    pass


class EmailChangeForm(DocumentFieldsForm):
    new_email = forms.EmailField(
        label=_("Correo nuevo"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Un correo personal que usted consulte; a él llegará el enlace de acceso."),
    )
    identity_document = _pdf_field(_("Documento de identidad (PDF)"), DocumentKind.IDENTITY)


class RecognitionForm(LinkedErrorsMixin, forms.Form):
    group = forms.ChoiceField(label=_("Grupo al que perteneció"), choices=PeerGroup.choices)
    knowledge_area = forms.CharField(
        label=_("Área de conocimiento"), max_length=120, required=False
    )
    region = forms.CharField(label=_("Departamento o región"), max_length=100, required=False)
    explanation = forms.CharField(
        label=_("Explicación"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Cuándo y en qué procesos participó como par o comisionado."),
    )
    proof = _pdf_field(_("Evidencia de su participación anterior (PDF)"), DocumentKind.OTHER)
