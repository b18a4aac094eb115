"""Demo catalogue of institutions and programs, and a filled profile for the demo applicant.

Idempotent: running it again changes nothing. Called from ``merito demo-data``.
SNIES institution codes as published by the MEN; verify against SNIES before production use.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from pypdf import PdfWriter
from stdnum.co import nit as co_nit

from merito.accounts.models import User
from merito.profiles import services
from merito.profiles.models import (
    Dedication,
    Education,
    EducationLevel,
    EthnicGroup,
    Experience,
    ExperienceKind,
    Institution,
    KnowledgeArea,
    Membership,
    OtherDocument,
    OtherDocumentKind,
    Product,
    ProductKind,
    Profile,
    Program,
    QualityProcess,
    QualityProcessKind,
)

# name, original name, country, city, SNIES code
INSTITUTIONS = [
    ("Universidad Nacional de Colombia", "", "CO", "Bogotá D.C.", "1101"),
    ("Universidad Pedagógica Nacional", "", "CO", "Bogotá D.C.", "1102"),
    ("Universidad Pedagógica y Tecnológica de Colombia", "", "CO", "Tunja", "1103"),
    ("Universidad del Cauca", "", "CO", "Popayán", "1104"),
    ("Universidad Tecnológica de Pereira", "", "CO", "Pereira", "1105"),
    ("Universidad de Antioquia", "", "CO", "Medellín", "1201"),
    ("Universidad del Atlántico", "", "CO", "Barranquilla", "1202"),
    ("Universidad del Valle", "", "CO", "Cali", "1203"),
    ("Universidad Industrial de Santander", "", "CO", "Bucaramanga", "1204"),
    ("Universidad de Cartagena", "", "CO", "Cartagena", "1205"),
    ("Universidad Distrital Francisco José de Caldas", "", "CO", "Bogotá D.C.", "1301"),
    ("Pontificia Universidad Javeriana", "", "CO", "Bogotá D.C.", "1701"),
    ("Universidad de los Andes", "", "CO", "Bogotá D.C.", "1813"),
    ("Universidad Nacional Mayor de San Marcos", "", "PE", "Lima", ""),
    ("Pontificia Universidad Católica del Perú", "", "PE", "Lima", ""),
    ("Universidad Nacional Santiago Antúnez de Mayolo", "", "PE", "Huaraz", ""),
    ("Universidad de São Paulo", "Universidade de São Paulo", "BR", "São Paulo", ""),
    (
        "Universidad de París 1 Panteón-Sorbona",
        "Université Paris 1 Panthéon-Sorbonne",
        "FR",
        "Paris",
        "",
    ),
    ("Universidad de Salamanca", "", "ES", "Salamanca", ""),
    ("Universidad Nacional Autónoma de México", "", "MX", "Ciudad de México", ""),
]

# institution SNIES code or name, program name, level
PROGRAMS = [
    ("1101", "Licenciatura en Matemáticas", EducationLevel.UNDERGRADUATE),
    ("1101", "Maestría en Educación", EducationLevel.MASTERS),
    ("1101", "Ingeniería Civil", EducationLevel.UNDERGRADUATE),
    ("1102", "Licenciatura en Educación Básica", EducationLevel.UNDERGRADUATE),
    ("1201", "Doctorado en Educación", EducationLevel.DOCTORATE),
    ("1201", "Especialización en Gerencia Educativa", EducationLevel.SPECIALIZATION),
    ("1203", "Maestría en Administración", EducationLevel.MASTERS),
    ("1813", "Maestría en Economía", EducationLevel.MASTERS),
    ("1701", "Especialización en Docencia Universitaria", EducationLevel.SPECIALIZATION),
    ("Pontificia Universidad Católica del Perú", "Maestría en Educación", EducationLevel.MASTERS),
    ("Universidad de Salamanca", "Doctorado en Educación", EducationLevel.DOCTORATE),
    ("Universidad de São Paulo", "Doutorado em Educação", EducationLevel.DOCTORATE),
]

DEMO_APPLICANTS = ["postulante@demo.merito.local"]


def _pdf(title: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    name = title.lower().replace(" ", "-") + ".pdf"
    return SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")


def load_demo_catalogue() -> None:
    """Create the institutions and programs that are missing."""
    for name, original, country, city, snies in INSTITUTIONS:
        if not Institution.objects.filter(name=name, country=country).exists():
            Institution.objects.create(
                name=name,
                original_name=original,
                country=country,
                city=city,
                snies_code=snies,
                is_foreign=country != "CO",
            )
    for key, program, level in PROGRAMS:
        institution = (
            Institution.objects.filter(snies_code=key).first()
            or Institution.objects.filter(name=key).first()
        )
        if (
            institution
            and not Program.objects.filter(institution=institution, name=program).exists()
        ):
            Program.objects.create(institution=institution, name=program, level=level)


def _fill_profile(user: User) -> None:
    save = services.profile_entry_save
    base = "900373913"
    profile = Profile(
        user=user,
        birth_date=datetime.date(1980, 5, 17),
        alternate_phone="601 3078079",
        address="Calle 43 # 57-14",
        country="CO",
        department="Bogotá D.C.",
        city="Bogotá D.C.",
        ethnic_group=EthnicGroup.NONE,
        nit=base + co_nit.calc_check_digit(base),
    )
    services.profile_update(
        user=user,
        profile=profile,
        uploads={"rut_document": _pdf("RUT"), "arl_document": _pdf("Certificado ARL")},
    )
    unal = Institution.objects.get(snies_code="1101")
    udea = Institution.objects.get(snies_code="1201")
    salamanca = Institution.objects.get(name="Universidad de Salamanca")
    for institution, program_name, level, graduated_on, extra in (
        (unal, "Licenciatura en Matemáticas", EducationLevel.UNDERGRADUATE, (2003, 12, 12), {}),
        (unal, "Maestría en Educación", EducationLevel.MASTERS, (2009, 6, 19), {}),
        (
            salamanca,
            "Doctorado en Educación",
            EducationLevel.DOCTORATE,
            (2015, 7, 3),
            {
                "is_foreign": True,
                "issuing_country": "ES",
                "convalidated": True,
                "convalidation_resolution": "012345",
                "convalidation_date": datetime.date(2016, 3, 1),
            },
        ),
    ):
        uploads = {"document": _pdf(f"Diploma {program_name}")}
        if extra.get("convalidated"):
            uploads["convalidation_document"] = _pdf("Resolución de convalidación")
        save(
            user=user,
            entry=Education(
                profile=profile,
                level=level,
                institution=institution,
                program=Program.objects.get(institution=institution, name=program_name),
                title_obtained=program_name,
                knowledge_area=KnowledgeArea.EDUCATION,
                graduated=True,
                graduation_date=datetime.date(*graduated_on),
                **extra,
            ),
            uploads=uploads,
        )
    # One certificate for three lines at the same university (seed 000).
    certificate = _pdf("Certificación laboral Universidad de Antioquia")
    lines = [
        (Dedication.HOURLY, (2004, 2, 1), (2006, 12, 15), 640),
        (Dedication.HALF_TIME, (2007, 2, 1), (2010, 12, 15), None),
        (Dedication.FULL_TIME, (2011, 1, 16), None, None),
    ]
    document = None
    for dedication, start, end, hours in lines:
        experience = Experience(
            profile=profile,
            institution_name=udea.name,
            role="Profesor",
            start_date=datetime.date(*start),
            end_date=datetime.date(*end) if end else None,
            dedication=dedication,
            total_hours=hours,
            certificate_issued_on=datetime.date(2024, 2, 1),
            kind=ExperienceKind.HIGHER_EDUCATION_TEACHING,
            learning_outcomes_system=True,
            country="CO",
            document=document,
        )
        save(user=user, entry=experience, uploads=None if document else {"document": certificate})
        document = experience.document
    save(
        user=user,
        entry=Experience(
            profile=profile,
            institution_name=udea.name,
            role="Directora de programa",
            start_date=datetime.date(2015, 1, 16),
            end_date=datetime.date(2022, 12, 15),
            dedication=Dedication.FULL_TIME,
            certificate_issued_on=datetime.date(2024, 2, 1),
            kind=ExperienceKind.ACADEMIC_DIRECTION,
            country="CO",
            document=document,
        ),
    )
    save(
        user=user,
        entry=Membership(
            profile=profile,
            society="Asociación Colombiana de Facultades de Educación",
            country="CO",
            start_date=datetime.date(2012, 3, 1),
        ),
        uploads={"document": _pdf("Constancia de membresía")},
    )
    save(
        user=user,
        entry=Product(
            profile=profile,
            kind=ProductKind.RESEARCH_ARTICLE,
            title="Evaluación de resultados de aprendizaje en la educación superior",
            year=2021,
            identifier="doi:10.0000/demo.2021.1",
            citation="Rojas Pérez, A. M. (2021). Evaluación de resultados de aprendizaje. "
            "Revista Colombiana de Educación, 82, 11–30.",
            cvlac_url="https://scienti.minciencias.gov.co/cvlac/visualizador/generarCurriculoCv.do",
        ),
        uploads={"document": _pdf("Artículo")},
    )
    save(
        user=user,
        entry=QualityProcess(
            profile=profile,
            kind=QualityProcessKind.PROGRAM_ACCREDITATION,
            year=2019,
            institution_name="Universidad de Antioquia — Licenciatura en Matemáticas",
        ),
        uploads={"document": _pdf("Constancia CNA")},
    )
    save(
        user=user,
        entry=OtherDocument(
            profile=profile, kind=OtherDocumentKind.IDENTITY, number=user.document_number
        ),
        uploads={"document": _pdf("Cédula")},
    )


def load_demo_profiles() -> None:
    """The demo catalogue and a filled profile for each demo applicant without one."""
    with transaction.atomic():
        load_demo_catalogue()
        for email in DEMO_APPLICANTS:
            user = User.objects.filter(email=email).first()
            if user is not None and not Profile.objects.filter(user=user).exists():
                if not user.phone:
                    user.phone = "3001234567"
                    user.save(update_fields=["phone"])
                _fill_profile(user)
