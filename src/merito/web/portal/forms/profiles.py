"""Forms of the profile. Field rules live in the models; the services run them on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from merito.documents.limits import format_bytes, format_size, size_limit
from merito.profiles import selectors
from merito.profiles.models import (
    Education,
    EthnicGroup,
    Experience,
    InformalEducation,
    Membership,
    OtherDocument,
    Product,
    Profile,
    QualityProcess,
)
from merito.profiles.services import DOCUMENT_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()}: {obj.original_name}"


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.institution.name}"


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class DocumentSlotsForm(forms.ModelForm):
    """Adds, for each document slot, "pick one already uploaded" or "upload a new PDF".

    Model rules are not run here: the service runs them after attaching the uploads, so a
    rule like "certificate required" is satisfied by a file chosen in the same submit.
    """

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            choices = getattr(field, "choices", None)
            if isinstance(field, forms.TypedChoiceField) and choices and choices[0][0] == "":
                field.choices = [("", _("Seleccione…")), *list(choices)[1:]]
        documents = selectors.user_documents(user=user)
        for slot, kind in DOCUMENT_KINDS[self._meta.model].items():
            if slot not in self.fields:
                continue
            pick = self.fields[slot] = DocumentChoiceField(
                queryset=documents,
                required=False,
                label=self.fields[slot].label,
                empty_label=str(_("— Ninguno —")),
                help_text=_("Elija un PDF que ya cargó, o cargue uno nuevo abajo."),
            )
            limit = size_limit(kind)
            name = f"{slot}_file"
            self.fields[name] = forms.FileField(
                label=_("Cargar nuevo PDF: %(label)s") % {"label": pick.label},
                required=False,
                allow_empty_file=True,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "application/pdf", "aria-describedby": f"id_{name}_helptext"}
                ),
                help_text=_("Solo PDF, sin contraseña. Tamaño máximo: %(human)s (%(bytes)s bytes).")
                % {"human": format_size(limit), "bytes": format_bytes(limit)},
            )
            # Show the upload right after its picker.
            order = list(self.fields)
            order.remove(name)
            order.insert(order.index(slot) + 1, name)
            self.order_fields(order)

    def _post_clean(self) -> None:
        opts = self._meta
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)

    def uploads(self) -> dict[str, Any]:
        return {
            slot: self.cleaned_data.get(f"{slot}_file")
            for slot in DOCUMENT_KINDS[self._meta.model]
            if self.cleaned_data.get(f"{slot}_file")
        }


class PersonalForm(DocumentSlotsForm):
    phone = forms.CharField(
        label=_("Teléfono celular"),
        required=False,
        max_length=20,
        help_text=_("Su celular de contacto, por ejemplo 300 123 4567."),
    )
    ethnic_group = forms.ChoiceField(
        label=_("Autorreconocimiento étnico"),
        choices=[("", _("Seleccione…")), *EthnicGroup.choices],
        help_text=Profile._meta.get_field("ethnic_group").help_text,
        error_messages={"required": _("Autorreconocimiento étnico: este campo es obligatorio.")},
    )

    class Meta:
        model = Profile
        fields = [
            "birth_date",
            "alternate_phone",
            "address",
            "country",
            "department",
            "city",
            "ethnic_group",
            "has_disability",
            "disability_document",
        ]
        widgets = {"birth_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].initial = self.user.phone
        order = list(self.fields)
        order.remove("phone")
        order.insert(order.index("alternate_phone"), "phone")
        self.order_fields(order)


class ProfileDocumentsForm(DocumentSlotsForm):
    class Meta:
        model = Profile
        fields = [
            "nit",
            "rut_document",
            "professional_card_number",
            "professional_card_document",
            "disciplinary_record_document",
            "arl_document",
        ]


class EducationForm(DocumentSlotsForm):
    other = forms.BooleanField(
        label=_("Mi institución o programa no está en la lista (Otro)"),
        required=False,
        help_text=_(
            "Busque primero por el nombre en el idioma original. Si no aparece, escríbalo "
            "abajo: quedará «propuesto» para revisión."
        ),
    )
    other_institution_name = forms.CharField(
        label=_("Otra institución: nombre"), required=False, max_length=255
    )
    other_institution_original_name = forms.CharField(
        label=_("Otra institución: nombre en el idioma original"), required=False, max_length=255
    )
    other_institution_country = forms.CharField(
        label=_("Otra institución: país (código de dos letras)"), required=False, max_length=2
    )
    other_institution_city = forms.CharField(
        label=_("Otra institución: ciudad"), required=False, max_length=100
    )
    other_program = forms.CharField(
        label=_("Otro programa: nombre"), required=False, max_length=255
    )

    class Meta:
        model = Education
        fields = [
            "level",
            "institution",
            "program",
            "knowledge_area",
            "title_obtained",
            "is_foreign",
            "issuing_country",
            "graduated",
            "graduation_date",
            "periodicity",
            "level_reached",
            "convalidated",
            "convalidation_resolution",
            "convalidation_date",
            "convalidation_document",
            "document",
        ]
        widgets = {
            "graduation_date": DATE,
            "convalidation_date": DATE,
            "convalidated": forms.NullBooleanSelect(),
        }

    def __init__(self, *args: Any, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["convalidated"].widget.choices = [
            ("unknown", _("— No aplica (título nacional) —")),
            ("true", _("Sí, está convalidado")),
            ("false", _("No está convalidado")),
        ]
        chosen = self.data.get("institution") or self.initial.get("institution")
        chosen = chosen or self.instance.institution_id
        self.fields["institution"] = InstitutionChoiceField(
            queryset=selectors.institution_choices(query=query, include=chosen),
            required=False,
            label=self.fields["institution"].label,
            empty_label=str(_("Seleccione…")),
            help_text=_("Use el buscador de arriba para acotar la lista."),
        )
        self.fields["program"] = ProgramChoiceField(
            queryset=selectors.program_choices(
                institution_id=chosen if str(chosen or "").isdigit() else None,
                include=self.data.get("program") or self.instance.program_id,
            ),
            required=False,
            label=self.fields["program"].label,
            empty_label=str(_("Seleccione…")),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("other") and not data.get("institution"):
            self.add_error(
                "institution",
                _("Institución: elija una de la lista o marque «Otro» y escriba su nombre."),
            )
        return data

    def other_institution(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if not data.get("other") or not data.get("other_institution_name"):
            return None
        return {
            "name": data["other_institution_name"],
            "original_name": data.get("other_institution_original_name", ""),
            "country": data.get("other_institution_country", ""),
            "city": data.get("other_institution_city", ""),
        }

    def other_program_name(self) -> str:
        return self.cleaned_data.get("other_program", "") if self.cleaned_data.get("other") else ""


class InformalEducationForm(DocumentSlotsForm):
    class Meta:
        model = InformalEducation
        fields = ["name", "institution_name", "start_date", "end_date", "hours", "document"]
        widgets = {"start_date": DATE, "end_date": DATE}


class ExperienceForm(DocumentSlotsForm):
    class Meta:
        model = Experience
        fields = [
            "institution_name",
            "role",
            "kind",
            "dedication",
            "total_hours",
            "start_date",
            "end_date",
            "certificate_issued_on",
            "learning_outcomes_system",
            "higher_education_public_post",
            "public_hei_director",
            "country",
            "document",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "certificate_issued_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "Si una misma certificación cubre varios cargos o dedicaciones, registre una línea "
            "por cada periodo y elija la misma certificación en cada una."
        )


class MembershipForm(DocumentSlotsForm):
    class Meta:
        model = Membership
        fields = ["society", "country", "start_date", "end_date", "document"]
        widgets = {"start_date": DATE, "end_date": DATE}


class ProductForm(DocumentSlotsForm):
    cvlac_url = forms.URLField(
        label=Product._meta.get_field("cvlac_url").verbose_name,
        help_text=Product._meta.get_field("cvlac_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Product
        fields = ["kind", "title", "year", "identifier", "citation", "cvlac_url", "document"]
        widgets = {"citation": forms.Textarea(attrs={"rows": 3})}


class QualityProcessForm(DocumentSlotsForm):
    class Meta:
        model = QualityProcess
        fields = ["kind", "year", "institution_name", "document"]


class OtherDocumentForm(DocumentSlotsForm):
    class Meta:
        model = OtherDocument
        fields = ["kind", "number", "issued_on", "document"]
        widgets = {"issued_on": DATE}


# Each section's form, by the section's key (merito.profiles.sections).
SECTION_FORMS: dict[str, type[DocumentSlotsForm]] = {
    "education": EducationForm,
    "informal_education": InformalEducationForm,
    "experience": ExperienceForm,
    "memberships": MembershipForm,
    "products": ProductForm,
    "quality_processes": QualityProcessForm,
    "other_documents": OtherDocumentForm,
}
