"""The applicant's profile (hoja de vida): one per person, reusable across calls.

Each entry (each title, each experience line…) carries its own supporting PDF, a
``documents.Document``. A foreign key, not one-to-one: one work certificate may support
several experience lines (seed 000).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from merito.profiles.validators import normalize_nit, normalize_phone, search_key

COUNTRY_HELP = _("Código ISO de dos letras, por ejemplo CO, PE, ES.")


class EthnicGroup(models.TextChoices):
    """Self-identification; the field is mandatory but has "Sin autorreconocimiento" (seed 000)."""

    NONE = "none", _("Sin autorreconocimiento")
    INDIGENOUS = "indigenous", _("Indígena")
    ROM = "rom", _("Gitano(a) o Rrom")
    RAIZAL = "raizal", _("Raizal del Archipiélago de San Andrés, Providencia y Santa Catalina")
    PALENQUERO = "palenquero", _("Palenquero(a) de San Basilio")
    AFRO = "afro", _("Negro(a), mulato(a), afrodescendiente, afrocolombiano(a)")
    QUECHUA = "quechua", _("Quechua")
    AIMARA = "aimara", _("Aimara")
    AMAZONIAN = "amazonian", _("Nativo o indígena de la Amazonía")


class EducationLevel(models.TextChoices):
    """Levels of seeds 001, 002 and 004 (formal education that grants a title)."""

    SECONDARY = "secondary", _("Bachillerato / Educación secundaria")
    TECHNICAL = "technical", _("Técnica profesional")
    TECHNOLOGICAL = "technological", _("Tecnológica")
    UNDERGRADUATE = "undergraduate", _("Universitaria (pregrado)")
    SPECIALIZATION = "specialization", _("Especialización")
    SECOND_SPECIALTY = "second_specialty", _("Segunda especialidad")
    POSTGRADUATE_DIPLOMA = "postgraduate_diploma", _("Diplomado de posgrado")
    MASTERS = "masters", _("Maestría")
    DOCTORATE = "doctorate", _("Doctorado")
    POSTDOCTORATE = "postdoctorate", _("Posdoctorado")


class KnowledgeArea(models.TextChoices):
    """SNIES áreas de conocimiento (seed 002 names its profiles by them)."""

    AGRONOMY = "agronomy", _("Agronomía, Veterinaria y Afines")
    FINE_ARTS = "fine_arts", _("Bellas Artes")
    EDUCATION = "education", _("Ciencias de la Educación")
    HEALTH = "health", _("Ciencias de la Salud")
    SOCIAL = "social", _("Ciencias Sociales y Humanas")
    ECONOMICS = "economics", _("Economía, Administración, Contaduría y Afines")
    ENGINEERING = "engineering", _("Ingeniería, Arquitectura, Urbanismo y Afines")
    SCIENCES = "sciences", _("Matemáticas y Ciencias Naturales")


class Periodicity(models.TextChoices):
    """Seed 004 §3.2.7.4 "Periocidad" of studies not finished."""

    SEMESTER = "semester", _("Semestral")
    YEAR = "year", _("Anual")
    NOT_APPLICABLE = "na", _("No aplica")


class CatalogueState(models.TextChoices):
    ACTIVE = "active", _("Activa")
    PROPOSED = "proposed", _("Propuesta (en revisión)")


class Dedication(models.TextChoices):
    HOURLY = "hourly", _("Cátedra (total de horas)")
    HALF_TIME = "half_time", _("Medio tiempo")
    FULL_TIME = "full_time", _("Tiempo completo (40 horas semanales)")


class ExperienceKind(models.TextChoices):
    """Kinds the rubrics of seeds 001, 002 and 004 count separately."""

    HIGHER_EDUCATION_TEACHING = "teaching", _("Docencia en educación superior")
    ACADEMIC_DIRECTION = "academic_direction", _("Dirección académica")
    PUBLIC_DIRECTIVE_NATIONAL = (
        "public_directive_national",
        _("Cargo directivo público del orden nacional"),
    )
    PUBLIC_DIRECTIVE_TERRITORIAL = (
        "public_directive_territorial",
        _("Cargo directivo público del orden departamental, municipal o distrital"),
    )
    PROFESSIONAL = "professional", _("Profesional")
    RELATED_PROFESSIONAL = "related_professional", _("Profesional relacionada")
    OTHER = "other", _("Otra")


class ProductKind(models.TextChoices):
    """MINCIENCIAS typology (seed 002) and the nine SIMO production types (seed 004 §3.2.7.6)."""

    # MINCIENCIAS
    RESEARCH_BOOK = "mc_book", _("MINCIENCIAS: Libro de investigación")
    BOOK_CHAPTER = "mc_chapter", _("MINCIENCIAS: Capítulo de libro de investigación")
    RESEARCH_ARTICLE = "mc_article", _("MINCIENCIAS: Artículo de investigación")
    ARTICLE_D = "mc_article_d", _("MINCIENCIAS: Artículo de investigación calidad D")
    SCIENTIFIC_NOTE = "mc_note", _("MINCIENCIAS: Nota científica")
    PATENT = "mc_patent", _("MINCIENCIAS: Patente o modelo de utilidad")
    ART_DESIGN = "mc_art", _("MINCIENCIAS: Obra o producto de creación en Artes y Diseño")
    INDUSTRIAL_DESIGN = "mc_design", _("MINCIENCIAS: Diseño industrial y signos distintivos")
    THESIS_DIRECTION = "mc_thesis", _("MINCIENCIAS: Dirección de tesis doctoral")
    RD_PROJECT = "mc_rd_project", _("MINCIENCIAS: Proyecto de investigación y desarrollo")
    CREATION_PROJECT = "mc_creation_project", _("MINCIENCIAS: Proyecto de investigación-creación")
    # SIMO
    ARTICLE = "simo_article", _("Artículo")
    COMPILATION = "simo_compilation", _("Compilación")
    ESSAY = "simo_essay", _("Ensayo")
    PHONOGRAM = "simo_phonogram", _("Fonograma")
    TEACHING_GUIDE = "simo_guide", _("Guía didáctica")
    BOOK = "simo_book", _("Libro")
    MANUAL = "simo_manual", _("Manual")
    MULTIMEDIA = "simo_multimedia", _("Multimedia")
    FINE_ARTS = "simo_fine_arts", _("Artes plásticas")

    @classmethod
    def is_minciencias(cls, value: str) -> bool:
        return value.startswith("mc_")


class QualityProcessKind(models.TextChoices):
    """Accreditation and quality-evaluation processes of seed 002."""

    PROGRAM_ACCREDITATION = (
        "program_accreditation",
        _("Acreditación de programa nacional ante el CNA"),
    )
    INSTITUTIONAL_ACCREDITATION = (
        "institutional_accreditation",
        _("Acreditación institucional nacional ante el CNA"),
    )
    INTERNATIONAL_ACCREDITATION = (
        "international_accreditation",
        _("Acreditación internacional de programa o institución"),
    )
    QUALIFIED_REGISTRY_VISIT = (
        "qualified_registry_visit",
        _("Visita de registro calificado o renovación"),
    )
    PROGRAM_ACCREDITATION_VISIT = (
        "program_accreditation_visit",
        _("Visita de acreditación de programa"),
    )
    INSTITUTIONAL_ACCREDITATION_VISIT = (
        "institutional_accreditation_visit",
        _("Visita de acreditación institucional"),
    )
    CONACES_ROOM = "conaces_room", _("Periodo como integrante de sala de evaluación de la CONACES")


class OtherDocumentKind(models.TextChoices):
    """Seed 004 §3.2.7.7 "Otros documentos"."""

    IDENTITY = "identity", _("Documento de identificación")
    DRIVING_LICENCE = "driving_licence", _("Licencia de conducción")
    PROFESSIONAL_CARD = "professional_card", _("Tarjeta profesional")
    ICFES = "icfes", _("Resultado pruebas ICFES")
    MILITARY_CARD = "military_card", _("Libreta militar")
    PUBLIC_CV_FORMAT = "public_cv_format", _("Formato hoja de vida de la función pública")
    LANGUAGE_EXAM = "language_exam", _("Certificado examen de idiomas")
    ELECTORAL = "electoral", _("Certificado electoral")
    CAP = "cap", _("Certificado aptitud profesional - CAP")
    VICTIM_REGISTRY = "victim_registry", _("Registro único de víctima")
    ROOTEDNESS = "rootedness", _("Certificado de arraigo")
    CONDUCT_CARD = "conduct_card", _("Tarjeta de conducta")
    INPEC_RECOGNITION = "inpec_recognition", _("Reconocimientos otorgados por el INPEC")
    PERFORMANCE_EVALUATION = "performance_evaluation", _("Evaluación de desempeño")
    DISPLACED_REGISTRY = "displaced_registry", _("Registro único de población desplazada")
    RESIDENCE_CERTIFICATE = "residence_certificate", _("Certificado de vecindad, laboral o estudio")
    REINCORPORATION = "reincorporation", _("Certificado de reincorporación")
    COMMITMENT_LETTER = (
        "commitment_letter",
        _("Carta de compromiso firmada por documento pendiente"),
    )


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(errors: dict[str, list[str]], field: str, label: str, value: Any) -> None:
    if value and value > _today():
        errors.setdefault(field, []).append(
            gettext("%(label)s: la fecha no puede ser posterior a hoy.") % {"label": label}
        )


def _period(
    errors: dict[str, list[str]], start: datetime.date | None, end: datetime.date | None
) -> None:
    _not_future(errors, "start_date", gettext("Fecha de inicio"), start)
    _not_future(errors, "end_date", gettext("Fecha de terminación"), end)
    if start and end and end < start:
        errors.setdefault("end_date", []).append(
            gettext("Fecha de terminación: no puede ser anterior a la fecha de inicio (%(start)s).")
            % {"start": start.isoformat()}
        )


def _require(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _document_fk(label: Any) -> Any:
    return models.ForeignKey(
        "documents.Document",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class CatalogueEntry(models.Model):
    """Shared fields of the institution and program catalogues."""

    name = models.CharField(_("nombre"), max_length=255)
    snies_code = models.CharField(_("código SNIES"), max_length=20, blank=True)
    state = models.CharField(
        _("estado"), max_length=10, choices=CatalogueState.choices, default=CatalogueState.ACTIVE
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("propuesta por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_key = models.CharField(max_length=600, editable=False, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Institution(CatalogueEntry):
    """An institution of education: SNIES for Colombia; foreign ones in their own language."""

    original_name = models.CharField(
        _("nombre en el idioma original"),
        max_length=255,
        blank=True,
        help_text=_("Para instituciones extranjeras, el nombre como figura en el título."),
    )
    country = models.CharField(_("país"), max_length=2, help_text=COUNTRY_HELP)
    city = models.CharField(_("ciudad"), max_length=100, blank=True)
    is_foreign = models.BooleanField(_("extranjera"), default=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("institución")
        verbose_name_plural = _("instituciones")
        constraints = [
            models.UniqueConstraint(
                fields=["snies_code"],
                condition=~Q(snies_code=""),
                name="profiles_institution_unique_snies",
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.country = (self.country or "").upper()
        self.search_key = search_key(
            self.name, self.original_name, self.city, self.country, self.snies_code
        )
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        place = ", ".join(p for p in (self.city, self.country) if p)
        name = self.name
        if self.original_name and self.original_name != self.name:
            name = f"{self.original_name} ({self.name})"
        return f"{name} — {place}" if place else name


class Program(CatalogueEntry):
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institución"),
        on_delete=models.PROTECT,
        related_name="programs",
    )
    level = models.CharField(
        _("nivel de educación"), max_length=24, choices=EducationLevel.choices, blank=True
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("programa")
        verbose_name_plural = _("programas")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = search_key(self.name, self.snies_code)
        super().save(*args, **kwargs)


class Profile(models.Model):
    """Personal data beyond the account, and the profile-wide documents (RUT, ARL, cards)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    birth_date = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    alternate_phone = models.CharField(
        _("teléfono alterno"),
        max_length=20,
        blank=True,
        help_text=_(
            "Para poder localizarle en los procesos de preselección. Si no tiene otro "
            "celular, escriba un teléfono fijo con el indicativo (por ejemplo 601 3078079)."
        ),
    )
    address = models.CharField(_("dirección de residencia"), max_length=200, blank=True)
    country = models.CharField(
        _("país de residencia"),
        max_length=2,
        choices=[("CO", _("Colombia")), ("PE", _("Perú"))],
        default="CO",
    )
    department = models.CharField(_("departamento o región"), max_length=100, blank=True)
    city = models.CharField(_("ciudad o municipio"), max_length=100, blank=True)
    ethnic_group = models.CharField(
        _("autorreconocimiento étnico"),
        max_length=20,
        choices=EthnicGroup.choices,
        blank=True,
        help_text=_(
            "Obligatorio. Si no se reconoce en ningún grupo, elija «Sin autorreconocimiento»."
        ),
    )
    has_disability = models.BooleanField(_("¿tiene alguna discapacidad?"), default=False)
    disability_document = _document_fk(_("certificado de discapacidad"))

    nit = models.CharField(
        _("NIT (RUT)"),
        max_length=20,
        blank=True,
        help_text=_(
            "El campo NIT corresponde a su RUT (Estatuto Tributario): escriba el número con "
            "el dígito de verificación."
        ),
    )
    rut_document = _document_fk(_("RUT en PDF"))
    professional_card_number = models.CharField(
        _("número de tarjeta profesional"),
        max_length=40,
        blank=True,
        help_text=_(
            "Opcional: déjelo en blanco si su profesión no requiere tarjeta profesional. Si "
            "lo diligencia, cargue la tarjeta y el certificado de antecedentes disciplinarios."
        ),
    )
    professional_card_document = _document_fk(_("tarjeta profesional en PDF"))
    disciplinary_record_document = _document_fk(_("certificado de antecedentes disciplinarios"))
    arl_document = _document_fk(_("certificado de ARL o carta firmada"))

    updated_at = models.DateTimeField(_("actualizada el"), auto_now=True)

    class Meta:
        verbose_name = _("hoja de vida")
        verbose_name_plural = _("hojas de vida")

    def __str__(self) -> str:
        return gettext("Hoja de vida de %(name)s") % {"name": self.user}

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        _not_future(errors, "birth_date", gettext("Fecha de nacimiento"), self.birth_date)
        if self.alternate_phone:
            try:
                self.alternate_phone = normalize_phone(self.alternate_phone, self.country)
            except ValidationError as exc:
                errors.setdefault("alternate_phone", []).extend(exc.messages)
        if self.has_disability and not self.disability_document_id:
            _require(
                errors,
                "disability_document",
                gettext(
                    "Certificado de discapacidad: es obligatorio cuando declara una discapacidad."
                ),
            )
        if self.nit:
            try:
                self.nit = normalize_nit(self.nit)
            except ValidationError as exc:
                errors.setdefault("nit", []).extend(exc.messages)
        if self.professional_card_number:
            if not self.professional_card_document_id:
                _require(
                    errors,
                    "professional_card_document",
                    gettext(
                        "Tarjeta profesional en PDF: es obligatoria cuando escribe el número "
                        "de tarjeta profesional."
                    ),
                )
            if not self.disciplinary_record_document_id:
                _require(
                    errors,
                    "disciplinary_record_document",
                    gettext(
                        "Certificado de antecedentes disciplinarios: es obligatorio cuando "
                        "declara una tarjeta profesional."
                    ),
                )
        if errors:
            raise ValidationError(errors)


class ProfileEntry(models.Model):
    profile = models.ForeignKey(
        Profile, verbose_name=_("hoja de vida"), on_delete=models.CASCADE, related_name="+"
    )
    document = _document_fk(_("soporte en PDF"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Education(ProfileEntry):
    """A formal title (seed 004 §3.2.7.4 folio fields)."""

    level = models.CharField(_("nivel de educación"), max_length=24, choices=EducationLevel.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institución"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("programa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    knowledge_area = models.CharField(
        _("área de conocimiento (SNIES)"),
        max_length=16,
        choices=KnowledgeArea.choices,
        blank=True,
        help_text=_(
            "La que figura para el programa en el SNIES; las convocatorias de pares la exigen."
        ),
    )
    title_obtained = models.CharField(
        _("título obtenido"),
        max_length=255,
        blank=True,
        help_text=_("Como figura en el diploma, en el idioma original."),
    )
    is_foreign = models.BooleanField(_("título extranjero"), default=False)
    issuing_country = models.CharField(
        _("país de expedición"), max_length=2, blank=True, help_text=COUNTRY_HELP
    )
    graduated = models.BooleanField(_("graduado"), default=True)
    graduation_date = models.DateField(_("fecha de grado"), null=True, blank=True)
    periodicity = models.CharField(
        _("periodicidad"), max_length=10, choices=Periodicity.choices, blank=True
    )
    level_reached = models.PositiveSmallIntegerField(
        _("nivel alcanzado"),
        null=True,
        blank=True,
        help_text=_("Semestres o años aprobados, según la periodicidad."),
    )
    convalidated = models.BooleanField(
        _("convalidado ante el Ministerio de Educación"), null=True, blank=True
    )
    convalidation_resolution = models.CharField(
        _("número de resolución de convalidación"), max_length=40, blank=True
    )
    convalidation_date = models.DateField(_("fecha de la resolución"), null=True, blank=True)
    convalidation_document = _document_fk(_("resolución de convalidación en PDF"))

    class Meta:
        ordering = ["-graduation_date", "id"]
        verbose_name = _("formación académica")
        verbose_name_plural = _("formación académica")

    def __str__(self) -> str:
        program = self.program.name if self.program else self.title_obtained
        return f"{self.get_level_display()}: {program} — {self.institution}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        program = self.program if self.program_id else None
        if program is not None and program.institution_id != self.institution_id:
            _require(errors, "program", gettext("Programa: no pertenece a la institución elegida."))
        if self.graduated:
            if not self.graduation_date:
                _require(
                    errors,
                    "graduation_date",
                    gettext("Fecha de grado: es obligatoria cuando marca que es graduado."),
                )
            _not_future(errors, "graduation_date", gettext("Fecha de grado"), self.graduation_date)
            birth = self.profile.birth_date if self.profile_id else None
            if birth and self.graduation_date and self.graduation_date < birth:
                _require(
                    errors,
                    "graduation_date",
                    gettext(
                        "Fecha de grado: no puede ser anterior a su fecha de nacimiento "
                        "(%(birth)s)."
                    )
                    % {"birth": birth.isoformat()},
                )
        else:
            if not self.periodicity:
                _require(
                    errors,
                    "periodicity",
                    gettext("Periodicidad: elija Semestral, Anual o No aplica si no es graduado."),
                )
            elif self.periodicity != Periodicity.NOT_APPLICABLE and not self.level_reached:
                _require(
                    errors,
                    "level_reached",
                    gettext("Nivel alcanzado: indique cuántos semestres o años aprobó."),
                )
        if self.is_foreign:
            if not self.issuing_country:
                _require(
                    errors,
                    "issuing_country",
                    gettext("País de expedición: es obligatorio para un título extranjero."),
                )
            if self.convalidated is None:
                _require(
                    errors,
                    "convalidated",
                    gettext("Convalidado: indique si el título extranjero está convalidado o no."),
                )
            elif self.convalidated:
                if not self.convalidation_resolution:
                    _require(
                        errors,
                        "convalidation_resolution",
                        gettext(
                            "Número de resolución: es obligatorio si el título está convalidado."
                        ),
                    )
                if not self.convalidation_date:
                    _require(
                        errors,
                        "convalidation_date",
                        gettext(
                            "Fecha de la resolución: es obligatoria si el título está convalidado."
                        ),
                    )
                _not_future(
                    errors,
                    "convalidation_date",
                    gettext("Fecha de la resolución"),
                    self.convalidation_date,
                )
                if not self.convalidation_document_id:
                    _require(
                        errors,
                        "convalidation_document",
                        gettext(
                            "Resolución de convalidación en PDF: es obligatoria si el título "
                            "está convalidado."
                        ),
                    )
        if errors:
            raise ValidationError(errors)


class InformalEducation(ProfileEntry):
    """Courses and diplomas without a title: dates and hours (seed 004 §3.2.7.4)."""

    name = models.CharField(_("nombre del curso o programa"), max_length=255)
    institution_name = models.CharField(_("institución"), max_length=255)
    start_date = models.DateField(_("fecha de inicio"))
    end_date = models.DateField(_("fecha de terminación"))
    hours = models.PositiveIntegerField(_("intensidad horaria (horas)"))

    class Meta:
        ordering = ["-end_date", "id"]
        verbose_name = _("educación informal")
        verbose_name_plural = _("educación informal")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="profiles_informal_end_after_start",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="profiles_informal_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.institution_name}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        _period(errors, self.start_date, self.end_date)
        if self.hours is not None and self.hours <= 0:
            _require(errors, "hours", gettext("Intensidad horaria: debe ser mayor que cero."))
        if errors:
            raise ValidationError(errors)


class Experience(ProfileEntry):
    """One period with one dedication at one institution (seed 000: one line per period)."""

    institution_name = models.CharField(_("institución o empresa"), max_length=255)
    role = models.CharField(_("cargo"), max_length=255)
    start_date = models.DateField(_("fecha de ingreso"))
    end_date = models.DateField(
        _("fecha de salida"),
        null=True,
        blank=True,
        help_text=_("Déjela en blanco si es su empleo actual."),
    )
    dedication = models.CharField(_("dedicación"), max_length=10, choices=Dedication.choices)
    total_hours = models.PositiveIntegerField(
        _("tiempo laborado (total de horas)"),
        null=True,
        blank=True,
        help_text=_("Solo para docencia de cátedra: total de horas certificadas."),
    )
    certificate_issued_on = models.DateField(
        _("fecha de expedición de la certificación"), null=True, blank=True
    )
    kind = models.CharField(_("tipo de experiencia"), max_length=32, choices=ExperienceKind.choices)
    learning_outcomes_system = models.BooleanField(
        _("la institución cuenta con sistema de evaluación de resultados de aprendizaje"),
        default=False,
    )
    higher_education_public_post = models.BooleanField(
        _("cargo público relacionado con el sector de la educación superior"),
        default=False,
        help_text=_(
            "Las convocatorias de pares (Anexo No. 1) no admiten a quien lo ocupa o lo ocupó en "
            "los últimos dos años, salvo los directivos de IES públicas."
        ),
    )
    public_hei_director = models.BooleanField(
        _("directivo de una institución de educación superior pública"), default=False
    )
    country = models.CharField(_("país"), max_length=2, default="CO", help_text=COUNTRY_HELP)

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("experiencia")
        verbose_name_plural = _("experiencia")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="profiles_experience_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} — {self.institution_name}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        _period(errors, self.start_date, self.end_date)
        _not_future(
            errors,
            "certificate_issued_on",
            gettext("Fecha de expedición de la certificación"),
            self.certificate_issued_on,
        )
        if self.dedication == Dedication.HOURLY and not self.total_hours:
            _require(
                errors,
                "total_hours",
                gettext("Total de horas: es obligatorio para la docencia de cátedra."),
            )
        if self.country:
            self.country = self.country.upper()
        if errors:
            raise ValidationError(errors)


class Membership(ProfileEntry):
    """Membership of an academic or scientific society (seed 002)."""

    society = models.CharField(_("sociedad académica o científica"), max_length=255)
    country = models.CharField(_("país"), max_length=2, blank=True, help_text=COUNTRY_HELP)
    start_date = models.DateField(_("miembro desde"))
    end_date = models.DateField(
        _("miembro hasta"), null=True, blank=True, help_text=_("En blanco si sigue vigente.")
    )

    class Meta:
        ordering = ["society", "id"]
        verbose_name = _("membresía en sociedad académica")
        verbose_name_plural = _("membresías en sociedades académicas")

    def __str__(self) -> str:
        return self.society

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        _period(errors, self.start_date, self.end_date)
        if errors:
            raise ValidationError(errors)


class Product(ProfileEntry):
    """Research and intellectual production: MINCIENCIAS types and SIMO's nine."""

    kind = models.CharField(_("tipo de producción"), max_length=24, choices=ProductKind.choices)
    title = models.CharField(_("título"), max_length=300)
    year = models.PositiveSmallIntegerField(_("año"))
    identifier = models.CharField(
        _("número de identificador"),
        max_length=100,
        blank=True,
        help_text=_("ISBN, ISSN, DOI, número de patente o registro."),
    )
    citation = models.TextField(_("cita bibliográfica"))
    cvlac_url = models.URLField(
        _("enlace al CvLAC"),
        blank=True,
        help_text=_("Obligatorio para productos MINCIENCIAS: solo puntúan si están en su CvLAC."),
    )

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("producto")
        verbose_name_plural = _("producción intelectual")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.year and self.year > _today().year:
            _require(errors, "year", gettext("Año: no puede ser posterior al año en curso."))
        if self.kind and ProductKind.is_minciencias(self.kind) and not self.cvlac_url:
            _require(
                errors,
                "cvlac_url",
                gettext("Enlace al CvLAC: es obligatorio para los productos de tipo MINCIENCIAS."),
            )
        if errors:
            raise ValidationError(errors)


class QualityProcess(ProfileEntry):
    """Participation in accreditation or quality-evaluation processes (seed 002)."""

    kind = models.CharField(_("tipo de proceso"), max_length=40, choices=QualityProcessKind.choices)
    year = models.PositiveSmallIntegerField(_("año"))
    institution_name = models.CharField(_("institución o programa evaluado"), max_length=255)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("proceso de acreditación o evaluación de calidad")
        verbose_name_plural = _("procesos de acreditación y evaluación de calidad")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.year}) — {self.institution_name}"

    def clean(self) -> None:
        if self.year and self.year > _today().year:
            raise ValidationError({"year": gettext("Año: no puede ser posterior al año en curso.")})


class OtherDocument(ProfileEntry):
    """Seed 004 "Otros documentos": identity document, military card and the rest."""

    kind = models.CharField(
        _("tipo de documento"), max_length=32, choices=OtherDocumentKind.choices
    )
    number = models.CharField(_("número"), max_length=60, blank=True)
    issued_on = models.DateField(_("fecha de expedición"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("otro documento")
        verbose_name_plural = _("otros documentos")

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        _not_future(errors, "issued_on", gettext("Fecha de expedición"), self.issued_on)
        if not self.document_id:
            _require(
                errors,
                "document",
                gettext("Soporte en PDF: cargue o elija el PDF de este documento."),
            )
        if errors:
            raise ValidationError(errors)
