"""Filters of the public catalogue: bad query strings become an ignored filter, never a 500."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from merito.calls.models import PUBLIC_STATES, Call
from merito.calls.selectors import CallFilters, PositionFilters
from merito.identity import Country
from merito.organizations.models import Organization


class CallFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Buscar"),
        required=False,
        max_length=100,
        help_text=_("Código, nombre u organización; no importan tildes ni mayúsculas."),
    )
    organizacion = forms.ModelChoiceField(
        label=_("Organización"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("Todas"),
    )
    pais = forms.ChoiceField(label=_("País"), required=False)
    estado = forms.ChoiceField(label=_("Estado"), required=False)
    anio = forms.TypedChoiceField(label=_("Año"), required=False, coerce=int, empty_value=None)
    # A select, not a checkbox: the form reads the same as its neighbours at any width.
    abiertas = forms.ChoiceField(
        label=_("Inscripciones"),
        required=False,
        choices=[("", _("Todas")), ("si", _("Solo con inscripciones abiertas"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        public = Call.objects.public()
        self.fields["organizacion"].queryset = Organization.objects.filter(
            pk__in=public.values("organization")
        ).order_by("short_name")
        self.fields["pais"].choices = [("", _("Todos")), *Country.choices]
        self.fields["estado"].choices = [
            ("", _("Todos")),
            *[(state.value, state.label) for state in PUBLIC_STATES],
        ]
        years = public.exclude(year=None).order_by("-year").values_list("year", flat=True)
        self.fields["anio"].choices = [
            ("", _("Todos")),
            *[(year, year) for year in dict.fromkeys(years)],
        ]

    def to_filters(self) -> CallFilters:
        """The valid filters; an invalid field is dropped (and shown with its error)."""
        data = self.cleaned_data if self.is_bound else {}
        organization = data.get("organizacion")
        return CallFilters(
            q=data.get("q") or "",
            organization_id=organization.pk if organization else None,
            country=data.get("pais") or "",
            state=data.get("estado") or "",
            year=data.get("anio"),
            open_inscriptions=data.get("abiertas") == "si",
        )


class PositionFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Región"), required=False)
    grupo = forms.ChoiceField(label=_("Grupo de competencia"), required=False)
    nivel = forms.ChoiceField(label=_("Escala, nivel o grado"), required=False)

    def __init__(self, *args, labels: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        for field, key in (("region", "region"), ("grupo", "group"), ("nivel", "level")):
            if labels[key]:
                self.fields[field].choices = [  # type: ignore[attr-defined]
                    ("", _("Todos")),
                    *[(value, value) for value in labels[key]],
                ]
            else:
                del self.fields[field]

    def to_filters(self) -> PositionFilters:
        data = self.cleaned_data if self.is_bound else {}
        return PositionFilters(
            region=data.get("region") or "",
            group=data.get("grupo") or "",
            level=data.get("nivel") or "",
        )
