"""Every bad input of the profile gets a Spanish message naming the field and the rule,
and nothing is half-saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from merito.documents.models import Document
from merito.errors import DomainError
from merito.profiles.models import (
    CatalogueState,
    Dedication,
    Education,
    Experience,
    ExperienceKind,
    InformalEducation,
    Institution,
    Product,
    ProductKind,
)
from merito.profiles.services import education_save, profile_entry_save, profile_update
from merito.profiles.validators import normalize_phone
from tests.documents.conftest import PNG_BYTES, pdf_upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def experience(profile, **fields) -> Experience:
    values = {
        "profile": profile,
        "institution_name": "Universidad de Antioquia",
        "role": "Profesor",
        "start_date": datetime.date(2010, 1, 1),
        "end_date": datetime.date(2012, 12, 31),
        "dedication": Dedication.FULL_TIME,
        "kind": ExperienceKind.HIGHER_EDUCATION_TEACHING,
        "country": "CO",
    }
    values.update(fields)
    return Experience(**values)


def messages_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_an_end_date_before_the_start_is_refused_and_nothing_is_saved(alice, profile):
    entry = experience(
        profile, start_date=datetime.date(2015, 3, 1), end_date=datetime.date(2014, 3, 1)
    )
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(user=alice, entry=entry, uploads={"document": pdf_upload()})
    assert messages_of(exc)["end_date"] == [
        "Fecha de terminación: no puede ser anterior a la fecha de inicio (2015-03-01)."
    ]
    assert not Experience.objects.exists()
    # The certificate uploaded in the same submit is rolled back with the entry.
    assert not Document.objects.exists()


def test_informal_education_end_before_start_is_refused(alice, profile):
    entry = InformalEducation(
        profile=profile,
        name="Curso de evaluación",
        institution_name="SENA",
        start_date=datetime.date(2020, 5, 1),
        end_date=datetime.date(2020, 4, 1),
        hours=40,
    )
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(user=alice, entry=entry)
    assert "Fecha de terminación: no puede ser anterior" in messages_of(exc)["end_date"][0]


def test_dates_in_the_future_are_refused(alice, profile):
    tomorrow = TODAY + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(
            user=alice, entry=experience(profile, start_date=tomorrow, end_date=None)
        )
    assert messages_of(exc)["start_date"] == [
        "Fecha de inicio: la fecha no puede ser posterior a hoy."
    ]

    profile.birth_date = tomorrow
    with pytest.raises(ValidationError) as exc:
        profile_update(user=alice, profile=profile)
    assert messages_of(exc)["birth_date"] == [
        "Fecha de nacimiento: la fecha no puede ser posterior a hoy."
    ]


def test_a_blank_end_date_is_the_current_job(alice, profile):
    entry = profile_entry_save(user=alice, entry=experience(profile, end_date=None))
    assert entry.is_current


def test_graduation_before_birth_is_refused(alice, profile, unal):
    entry = Education(
        profile=profile,
        level="undergraduate",
        institution=unal,
        graduated=True,
        graduation_date=datetime.date(1980, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(user=alice, entry=entry)
    assert messages_of(exc)["graduation_date"] == [
        "Fecha de grado: no puede ser anterior a su fecha de nacimiento (1985-04-02)."
    ]


def test_not_graduated_needs_periodicity_and_level_reached(alice, profile, unal):
    entry = Education(profile=profile, level="undergraduate", institution=unal, graduated=False)
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(user=alice, entry=entry)
    assert "Periodicidad" in messages_of(exc)["periodicity"][0]
    entry.periodicity = "semester"
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(user=alice, entry=entry)
    assert "Nivel alcanzado" in messages_of(exc)["level_reached"][0]
    entry.level_reached = 6
    profile_entry_save(user=alice, entry=entry)


def test_an_invalid_nit_check_digit_is_refused(alice, profile):
    profile.nit = "900373913-5"
    with pytest.raises(ValidationError) as exc:
        profile_update(user=alice, profile=profile)
    assert messages_of(exc)["nit"][0].startswith(
        "NIT (RUT): el dígito de verificación no corresponde al número."
    )


def test_a_valid_nit_is_kept_compact(alice, profile):
    profile.nit = "900.373.913-4"
    profile_update(user=alice, profile=profile)
    profile.refresh_from_db()
    assert profile.nit == "9003739134"


def test_a_nit_with_letters_names_the_format_rule(alice, profile):
    profile.nit = "ABC123"
    with pytest.raises(ValidationError) as exc:
        profile_update(user=alice, profile=profile)
    assert messages_of(exc)["nit"][0].startswith("NIT (RUT): escriba solo números")


def test_disability_needs_its_certificate(alice, profile):
    profile.has_disability = True
    with pytest.raises(ValidationError) as exc:
        profile_update(user=alice, profile=profile)
    assert messages_of(exc)["disability_document"] == [
        "Certificado de discapacidad: es obligatorio cuando declara una discapacidad."
    ]
    profile_update(
        user=alice, profile=profile, uploads={"disability_document": pdf_upload(name="cert.pdf")}
    )
    profile.refresh_from_db()
    assert profile.disability_document.kind == "disability"


def test_a_professional_card_needs_card_and_disciplinary_record(alice, profile):
    profile.professional_card_number = "25202-123456 CND"
    with pytest.raises(ValidationError) as exc:
        profile_update(
            user=alice, profile=profile, uploads={"professional_card_document": pdf_upload()}
        )
    errors = messages_of(exc)
    assert errors["disciplinary_record_document"] == [
        "Certificado de antecedentes disciplinarios: es obligatorio cuando declara una "
        "tarjeta profesional."
    ]
    assert "professional_card_document" not in errors
    assert not Document.objects.exists()


def test_a_convalidated_foreign_title_needs_resolution_date_and_pdf(alice, profile, unal):
    entry = Education(
        profile=profile,
        level="doctorate",
        institution=unal,
        graduation_date=datetime.date(2015, 7, 3),
        is_foreign=True,
        issuing_country="ES",
        convalidated=True,
    )
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(user=alice, entry=entry)
    errors = messages_of(exc)
    assert errors["convalidation_resolution"] == [
        "Número de resolución: es obligatorio si el título está convalidado."
    ]
    assert errors["convalidation_document"] == [
        "Resolución de convalidación en PDF: es obligatoria si el título está convalidado."
    ]
    entry.is_foreign, entry.convalidated = True, None
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(user=alice, entry=entry)
    assert "Convalidado: indique" in messages_of(exc)["convalidated"][0]
    entry.convalidated = False
    profile_entry_save(user=alice, entry=entry)


def test_hourly_teaching_needs_total_hours(alice, profile):
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(user=alice, entry=experience(profile, dedication=Dedication.HOURLY))
    assert messages_of(exc)["total_hours"] == [
        "Total de horas: es obligatorio para la docencia de cátedra."
    ]


def test_minciencias_products_need_the_cvlac_link(alice, profile):
    entry = Product(
        profile=profile,
        kind=ProductKind.RESEARCH_ARTICLE,
        title="Artículo",
        year=2020,
        citation="Rojas, A. (2020).",
    )
    with pytest.raises(ValidationError) as exc:
        profile_entry_save(user=alice, entry=entry)
    assert "Enlace al CvLAC" in messages_of(exc)["cvlac_url"][0]
    entry.kind = ProductKind.TEACHING_GUIDE  # a SIMO type needs no CvLAC
    profile_entry_save(user=alice, entry=entry)


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("601 3078079", "CO", "6013078079"),
        ("(601) 307-8079", "CO", "6013078079"),
        ("+57 300 123 4567", "CO", "3001234567"),
        ("01 6155887", "PE", "016155887"),
        ("987 654 321", "PE", "987654321"),
        ("+51 987654321", "CO", "987654321"),
    ],
)
def test_colombian_and_peruvian_phones_including_landlines_are_valid(raw, country, expected):
    assert normalize_phone(raw, country) == expected


def test_an_impossible_phone_names_the_field_and_the_rule(alice, profile):
    profile.alternate_phone = "12345"
    with pytest.raises(ValidationError) as exc:
        profile_update(user=alice, profile=profile)
    assert messages_of(exc)["alternate_phone"][0].startswith(
        "Teléfono alterno: escriba un celular de 10 dígitos que empiece por 3"
    )


def test_a_renamed_image_is_refused_and_nothing_is_saved(alice, profile):
    with pytest.raises(DomainError) as exc:
        profile_entry_save(
            user=alice, entry=experience(profile), uploads={"document": pdf_upload(PNG_BYTES)}
        )
    assert exc.value.field == "document_file"
    assert "no es un PDF válido" in exc.value.message
    assert not Experience.objects.exists()
    assert not Document.objects.exists()


def test_another_persons_document_cannot_be_attached(alice, bob, profile):
    from merito.documents.services import document_upload

    theirs = document_upload(owner=bob, kind="work_certificate", uploaded_file=pdf_upload(), by=bob)
    with pytest.raises(DomainError) as exc:
        profile_entry_save(user=alice, entry=experience(profile, document=theirs))
    assert exc.value.message == "Soporte en PDF: solo puede adjuntar sus propios documentos."
    assert not Experience.objects.exists()


def test_another_persons_entry_cannot_be_saved(bob, profile):
    with pytest.raises(DomainError):
        profile_entry_save(user=bob, entry=experience(profile))


def test_one_certificate_supports_several_experience_lines(alice, profile):
    first = profile_entry_save(
        user=alice,
        entry=experience(profile, dedication=Dedication.HOURLY, total_hours=300),
        uploads={"document": pdf_upload()},
    )
    second = profile_entry_save(
        user=alice,
        entry=experience(
            profile,
            start_date=datetime.date(2013, 1, 1),
            end_date=datetime.date(2016, 1, 1),
            document=first.document,
        ),
    )
    assert first.document_id == second.document_id
    assert Document.objects.count() == 1


def test_other_proposes_an_institution_for_review(alice, profile):
    entry = Education(profile=profile, level="masters", graduation_date=datetime.date(2012, 6, 1))
    education_save(
        user=alice,
        entry=entry,
        other_institution={"name": "Universität Wien", "country": "at", "city": "Wien"},
        other_program="Master Bildungswissenschaft",
    )
    assert entry.institution.state == CatalogueState.PROPOSED
    assert entry.institution.is_foreign
    assert entry.program.state == CatalogueState.PROPOSED
    assert entry.program.institution == entry.institution


def test_a_refused_title_leaves_no_proposed_institution(alice, profile):
    entry = Education(profile=profile, level="masters", graduated=True)  # no graduation date
    with pytest.raises(ValidationError) as exc:
        education_save(
            user=alice, entry=entry, other_institution={"name": "Universität Wien", "country": "AT"}
        )
    assert "Fecha de grado: es obligatoria" in exc.value.message_dict["graduation_date"][0]
    assert not Institution.objects.exists()


def test_saving_and_deleting_an_entry_is_audited_and_keeps_the_pdf(alice, profile):
    from merito.audit.models import AuditEvent
    from merito.profiles.services import profile_entry_delete

    entry = profile_entry_save(
        user=alice, entry=experience(profile), uploads={"document": pdf_upload()}
    )
    profile_entry_delete(user=alice, entry=entry)
    actions = list(
        AuditEvent.objects.filter(action__startswith="profiles.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["profiles.experience.created", "profiles.experience.deleted"]
    assert Document.objects.filter(owner=alice).count() == 1
