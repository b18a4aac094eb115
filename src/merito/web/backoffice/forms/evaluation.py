"""Forms of the back office; the rules that need the database live in the services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from merito.accounts.validators import validate_phone, validate_username
from merito.calls.models import (
    ApplicationType,
    Classification,
    JobLevel,
    ProcessState,
    RequirementKind,
    SelectionProcess,
    TestType,
)
from merito.calls.services import OPERATOR_USER_ROLES
from merito.evaluation.models import VaSection, VrmDecision
from merito.identity import DocumentType
from merito.organizations.models import DEPARTMENTS, Organization, OrganizationKind
from merito.profiles.validators import normalize_nit

# Seed 004 §4.2.2: "numérico, no puede iniciar con cero (0), mínimo 6 caracteres, máximo 10".
IDENTITY_RE = re.compile(r"[1-9]\d{5,9}")


def validate_identity_number(value: str) -> None:
    if not IDENTITY_RE.fullmatch(value):
        raise ValidationError(
            _(
                "El número de identificación debe ser numérico, de mínimo 6 y máximo 10 "
                "dígitos, y no puede iniciar con cero (0)."
            ),
            code="document_number",
        )


class PdfField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf"})


class OperatorForm(forms.Form):
    name = forms.CharField(label=_("Nombre"), max_length=255)
    nit = forms.CharField(
        label=_("NIT"), max_length=15, help_text=_("Solo números, sin el dígito de verificación.")
    )
    nit_check_digit = forms.CharField(label=_("Dígito de verificación"), max_length=1)
    phone = forms.CharField(
        label=_("Teléfono"), max_length=20, validators=[validate_phone], required=False
    )
    address = forms.CharField(label=_("Dirección"), max_length=255, required=False)
    department = forms.ChoiceField(
        label=_("Departamento"),
        choices=[("", _("Seleccione…")), *((d, d) for d in DEPARTMENTS)],
        required=False,
    )
    municipality = forms.CharField(label=_("Municipio"), max_length=120, required=False)
    legal_representative = forms.CharField(
        label=_("Nombre representante legal"), max_length=255, required=False
    )
    legal_representative_email = forms.EmailField(
        label=_("Correo del representante legal"), required=False
    )
    contact_name = forms.CharField(label=_("Nombre del contacto"), max_length=255, required=False)
    contact_email = forms.EmailField(label=_("Correo del contacto"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        nit, digit = cleaned.get("nit", ""), cleaned.get("nit_check_digit", "")
        if nit and digit:
            try:
                normalize_nit(f"{nit}{digit}")
            except ValidationError as exc:
                self.add_error("nit_check_digit", exc)
        return cleaned


class ProcessForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("Proceso de selección padre"),
        queryset=SelectionProcess.objects.none(),
        required=False,
        empty_label=_("Ninguno"),
    )
    code = forms.CharField(label=_("Código único del proceso de selección"), max_length=50)
    entity = forms.ModelChoiceField(
        label=_("Entidad"), queryset=Organization.objects.none(), empty_label=_("Seleccione…")
    )
    year = forms.IntegerField(label=_("Año"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Nombre"), max_length=255)
    description = forms.CharField(label=_("Descripción"), widget=forms.Textarea, required=False)
    pse_payment_days = forms.IntegerField(label=_("Delta pago PSE"), min_value=0, initial=0)
    bank_payment_days = forms.IntegerField(label=_("Delta pago banco"), min_value=0, initial=0)
    application_type = forms.ChoiceField(
        label=_("Tipo de aplicación"), choices=ApplicationType.choices
    )
    is_public = forms.BooleanField(label=_("Mantener visible al público"), required=False)
    keep_in_opec_history = forms.BooleanField(label=_("Mantener en histórico OPEC"), required=False)
    justification = PdfField(
        label=_("Documento que justifica la creación del proceso de selección (PDF)"),
        required=False,
    )

    def __init__(self, *args: Any, processes: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = processes
        entity = self.fields["entity"]
        assert isinstance(entity, forms.ModelChoiceField)
        entity.queryset = Organization.objects.exclude(kind=OrganizationKind.OPERATOR)
        if creating:
            self.fields["justification"].required = True
        else:
            del self.fields["justification"]


class ProcessStateForm(forms.Form):
    state = forms.ChoiceField(label=_("Nuevo estado"), choices=ProcessState.choices)
    justification = PdfField(label=_("Documento que justifica el cambio de estado (PDF)"))
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea, required=False)
    # The process as the page showed it: a change made meanwhile by someone else wins.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class JobForm(forms.Form):
    opec_number = forms.IntegerField(label=_("Nº OPEC"), min_value=1)
    code = forms.CharField(label=_("Código"), max_length=50)
    name = forms.CharField(label=_("Denominación"), max_length=255)
    grade = forms.CharField(label=_("Grado"), max_length=10, required=False)
    level = forms.ChoiceField(label=_("Nivel"), choices=JobLevel.choices)
    entity = forms.ModelChoiceField(
        label=_("Entidad"),
        queryset=Organization.objects.exclude(kind=OrganizationKind.OPERATOR),
        required=False,
        empty_label=_("La del proceso"),
    )
    salary = forms.DecimalField(
        label=_("Asignación salarial"), min_value=0, max_digits=12, decimal_places=2
    )
    purpose = forms.CharField(label=_("Propósito"), widget=forms.Textarea, required=False)
    functions = forms.CharField(label=_("Funciones"), widget=forms.Textarea, required=False)
    vacancies = forms.IntegerField(label=_("Vacantes"), min_value=1)
    ascenso_vacancies = forms.IntegerField(
        label=_("Vacantes para concurso de ascenso"), min_value=0, initial=0
    )
    manual = PdfField(label=_("Manual de funciones (PDF)"), required=False)


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo"), choices=RequirementKind.choices)
    education = forms.CharField(label=_("Estudio"), widget=forms.Textarea, required=False)
    experience = forms.CharField(label=_("Experiencia"), widget=forms.Textarea, required=False)


class TestForm(forms.Form):
    test_type = forms.ChoiceField(label=_("Tipo"), choices=TestType.choices)
    description = forms.CharField(label=_("Descripción"), max_length=255)
    classification = forms.ChoiceField(label=_("Clasificación"), choices=Classification.choices)
    operator = forms.ModelChoiceField(
        label=_("Institución de Educación Superior (operador)"),
        queryset=Organization.objects.filter(kind=OrganizationKind.OPERATOR),
        empty_label=_("Seleccione…"),
    )
    date = forms.DateField(
        label=_("Fecha de realización"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    max_value = forms.DecimalField(
        label=_("Valor máximo"), min_value=0, max_digits=7, decimal_places=2
    )
    quantitative = forms.BooleanField(label=_("Prueba cuantitativa"), required=False)
    pass_value = forms.DecimalField(
        label=_("Valor aprobatorio"),
        min_value=0,
        max_digits=7,
        decimal_places=2,
        required=False,
        help_text=_("Solo para pruebas cuantitativas."),
    )
    weight = forms.DecimalField(
        label=_("Ponderación (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    audit_percent_approved = forms.DecimalField(
        label=_("Porcentaje auditoría aprobado"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    audit_percent_not_approved = forms.DecimalField(
        label=_("Porcentaje auditoría NO aprobado"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    claim_days = forms.IntegerField(
        label=_("Delta publicación (días de reclamación)"), min_value=0, max_value=365
    )
    show_observations = forms.BooleanField(label=_("Visualizar observación"), required=False)
    show_detail = forms.BooleanField(label=_("Ver detalle"), required=False)


class OperatorUserForm(forms.Form):
    """Creation and edition of an operator's user (seed 004 §4.2.2 and §4.2.3)."""

    username = forms.CharField(
        label=_("Usuario"),
        max_length=30,
        strip=False,
        validators=[validate_username],
        help_text=_("Letras, números, punto y guion bajo; de 6 a 30 caracteres, sin espacios."),
    )
    given_names = forms.CharField(label=_("Nombres"), max_length=100)
    first_surname = forms.CharField(label=_("Primer apellido"), max_length=100)
    second_surname = forms.CharField(label=_("Segundo apellido"), max_length=100, required=False)
    document_type = forms.ChoiceField(
        label=_("Tipo de documento"),
        choices=[
            (DocumentType.CC, DocumentType.CC.label),
            (DocumentType.TI, DocumentType.TI.label),
        ],
    )
    document_number = forms.CharField(
        label=_("Número identificación"),
        max_length=10,
        strip=False,
        validators=[validate_identity_number],
    )
    email = forms.EmailField(label=_("Correo"), help_text=_("Formato correo@dominio.com."))
    phone = forms.CharField(
        label=_("Teléfono"),
        max_length=20,
        strip=False,
        validators=[validate_phone],
        help_text=_("Solo números o letras, de 7 a 20 caracteres."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Rol"),
        choices=[(r.value, r.label) for r in OPERATOR_USER_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Un solo rol; Analista puede tener además Analista de reclamación."),
    )
    is_active = forms.BooleanField(label=_("Habilitado"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # Fixed after creation: shown, never read from the request.
            for name in ("username", "document_number"):
                self.fields[name].disabled = True
                self.fields[name].required = False
        else:
            # Creation always leaves the user enabled.
            self.fields["is_active"].disabled = True

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class TestPositionsFilter(forms.Form):
    q = forms.CharField(label=_("Código, denominación o Nº OPEC"), required=False)
    nivel = forms.ChoiceField(
        label=_("Nivel"), choices=[("", _("Todos")), *JobLevel.choices], required=False
    )
    vista = forms.ChoiceField(
        label=_("Empleos"),
        choices=[("asignados", _("Asignados")), ("no_asignados", _("No asignados"))],
        required=False,
    )


class FolderFilter(forms.Form):
    """Filters of "Distribución manual" (seed 004 §3.2.6.1); choices are set by the view."""

    nivel = forms.ChoiceField(label=_("Nivel"), required=False)
    estado = forms.ChoiceField(label=_("Estado"), required=False)
    codigo = forms.CharField(label=_("Código de empleo"), required=False, max_length=50)
    opec = forms.IntegerField(label=_("Nº OPEC"), required=False, min_value=1)
    documento = forms.CharField(
        label=_("Documento de identificación"), required=False, max_length=16
    )
    inscripcion = forms.CharField(label=_("Inscripción"), required=False, max_length=60)
    rol = forms.ChoiceField(label=_("Rol"), required=False)
    usuario = forms.ChoiceField(label=_("Usuario asignado"), required=False)
    por_pagina = forms.TypedChoiceField(
        label=_("Carpetas por página"),
        required=False,
        coerce=int,
        choices=[(n, n) for n in (10, 20, 50, 100, 150, 200)],
        empty_value=None,
    )


class AutomaticDistributionForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Tipo de distribución"))
    nivel = forms.ChoiceField(label=_("Nivel"), required=False)
    empleo = forms.ChoiceField(label=_("Empleo"), required=False)


class FolioForm(forms.Form):
    """The analyst's review of one folio (seed 004 §3.2.7.4–3.2.7.7); Sección only in a VA."""

    valido = forms.TypedChoiceField(
        label=_("Folio válido"),
        choices=[("si", _("SI")), ("no", _("NO"))],
        coerce=lambda value: value == "si",
        widget=forms.RadioSelect,
        error_messages={"required": _("Folio válido: elija SI o NO.")},
    )
    observacion = forms.CharField(
        label=_("Observaciones"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    seccion = forms.ChoiceField(label=_("Sección"), required=False)

    def __init__(self, *args: Any, va: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if va:
            self.fields["seccion"].choices = [("", "—"), *VaSection.choices]  # type: ignore[attr-defined]
        else:
            del self.fields["seccion"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("valido") is False and not (data.get("observacion") or "").strip():
            self.add_error(
                "observacion", _("Observaciones: es obligatoria si el folio no es válido.")
            )
        return data


class VrmDecisionForm(forms.Form):
    """ "Criterios de selección" of a VRM folder: the decision and the criterion met."""

    decision = forms.ChoiceField(
        label=_("Decisión"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Decisión: elija una opción.")},
    )
    criterio = forms.TypedChoiceField(
        label=_("Criterio cumplido"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    observacion = forms.CharField(
        label=_("Observación"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, requirements: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = VrmDecision.choices  # type: ignore[attr-defined]
        self.fields["criterio"].choices = [(r.pk, str(r)) for r in requirements]  # type: ignore[attr-defined]


class VaScoreForm(forms.Form):
    """ "Calificar" a VA folder: the figures come from the engine; only an observation."""

    observacion = forms.CharField(
        label=_("Observación"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConflictForm(forms.Form):
    document_number = forms.CharField(label=_("Número de documento"), max_length=16)
    reason = forms.CharField(label=_("Motivo"), max_length=255, required=False)


YES_NO = [("", _("Todos")), ("si", _("SI")), ("no", _("NO"))]


class ResultFilter(forms.Form):
    """Filters of "Resultados de la prueba" (seed 004 §3.2.7); level choices set by the view."""

    nivel = forms.ChoiceField(label=_("Nivel"), required=False)
    opec = forms.IntegerField(label=_("Opec"), required=False, min_value=1)
    carpeta = forms.IntegerField(label=_("Carpeta"), required=False, min_value=1)
    inscripcion = forms.CharField(label=_("Inscripción o documento"), required=False, max_length=60)
    estado = forms.ChoiceField(label=_("Estado"), required=False)
    aprobo = forms.ChoiceField(label=_("Aprobó"), required=False, choices=YES_NO)
    ultimo = forms.ChoiceField(label=_("Último"), required=False, choices=YES_NO)
    publicado = forms.ChoiceField(label=_("Publicado"), required=False, choices=YES_NO)


class ScoreUploadForm(forms.Form):
    archivo = forms.FileField(
        label=_("Archivo de calificaciones (CSV o Excel)"),
        help_text=_(
            "Primera fila: «inscripción» (o «documento») y «calificación». "
            "Primero se revisa sin guardar nada."
        ),
    )


class InscriptionFilter(forms.Form):
    """Filters of "Inscripciones" (seed 004 §5); process and level choices set by the view."""

    proceso = forms.ChoiceField(label=_("Proceso de selección"), required=False)
    empleo = forms.CharField(label=_("Empleo (código o Nº OPEC)"), required=False, max_length=50)
    nivel = forms.ChoiceField(
        label=_("Nivel"), required=False, choices=[("", _("Todos")), *JobLevel.choices]
    )
    documento = forms.CharField(label=_("Documento"), required=False, max_length=16)
    nombre = forms.CharField(label=_("Nombre"), required=False, max_length=100)
    inscripcion = forms.CharField(label=_("Inscripción"), required=False, max_length=60)
    estado = forms.ChoiceField(label=_("Estado"), required=False)
    admitido = forms.ChoiceField(
        label=_("Admitido"),
        required=False,
        choices=[
            ("", _("Todos")),
            ("si", _("SI")),
            ("no", _("NO")),
            ("pendiente", _("Sin verificar")),
        ],
    )


class ReportParametersForm(forms.Form):
    """The "Parámetros" dialog of every report (seed 004 §6); choices set by the view."""

    proceso = forms.ChoiceField(label=_("Proceso de selección"))
    subproceso = forms.ChoiceField(label=_("Subproceso"), required=False)
    prueba = forms.ChoiceField(label=_("Prueba"), required=False)
