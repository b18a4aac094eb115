"""Forms of the peer bank's staff pages: the import and the decisions on requests. Errors
are linked to their fields for screen readers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from merito.web.forms import LinkedErrorsMixin


class ImportForm(LinkedErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("Archivo del banco de pares"),
        help_text=_(
            "CSV o Excel (.xlsx) con las columnas tipo_documento, numero_documento, "
            "pais_documento (CO si se omite), nombres, primer_apellido, segundo_apellido, "
            "correo, grupo (conaces, rc o cna), area y region."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ReasonForm(LinkedErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motivo del rechazo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("La persona lo recibirá por correo."),
    )


class BounceForm(LinkedErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Motivo del rebote"), max_length=255, required=False)
