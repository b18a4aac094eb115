"""The profile pages: owner only, Spanish messages, uploads through the documents service."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from merito.documents.models import Document
from merito.profiles.models import Education, Experience, InformalEducation, Profile
from merito.profiles.services import (
    profile_entry_save,
    register_profile_lock,
    unregister_profile_lock,
)
from tests.conftest import sign_in
from tests.documents.conftest import PNG_BYTES, pdf_of_size, pdf_upload

pytestmark = pytest.mark.django_db

COURSE = {
    "name": "Curso de evaluación por competencias",
    "institution_name": "SENA",
    "start_date": "2020-02-01",
    "end_date": "2020-03-01",
    "hours": "40",
}


@pytest.fixture
def alice_client(client, alice):
    sign_in(client, alice)
    return client


@pytest.fixture
def alices_course(alice, profile):
    return profile_entry_save(
        user=alice,
        entry=InformalEducation(
            profile=profile,
            name="Curso",
            institution_name="SENA",
            start_date=datetime.date(2020, 1, 1),
            end_date=datetime.date(2020, 2, 1),
            hours=20,
        ),
    )


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("portal:profiles:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:accounts:login"))


def test_the_overview_lists_every_section_and_the_checklist(alice_client):
    response = alice_client.get(reverse("portal:profiles:overview"))
    html = response.content.decode()
    assert response.status_code == 200
    for title in (
        "Datos personales",
        "Formación académica",
        "Educación informal",
        "Experiencia",
        "Sociedades académicas o científicas",
        "Producción intelectual e investigación",
        "Procesos de acreditación y evaluación de calidad",
        "Otros documentos",
    ):
        assert title in html
    assert "Lista de documentos por preparar" in html
    assert "Autorreconocimiento étnico (puede elegir «Sin autorreconocimiento»)." in html
    assert "Documento de identificación en PDF." in html


def test_an_entry_is_added_with_its_pdf_and_listed(alice_client, alice):
    data = {**COURSE, "document_file": pdf_upload(name="curso.pdf")}
    response = alice_client.post(
        reverse("portal:profiles:entry_add", args=["educacion-informal"]), data
    )
    assert response.status_code == 302
    course = InformalEducation.objects.get()
    assert course.profile.user == alice
    assert course.document.original_name == "curso.pdf"
    listing = alice_client.get(reverse("portal:profiles:section", args=["educacion-informal"]))
    assert "Curso de evaluación por competencias — SENA" in listing.content.decode()
    assert "curso.pdf" in listing.content.decode()


def test_an_existing_document_can_be_picked_for_an_entry(alice_client, alice):
    from merito.documents.services import document_upload

    diploma = document_upload(owner=alice, kind="diploma", uploaded_file=pdf_upload(), by=alice)
    data = {**COURSE, "document": str(diploma.pk)}
    alice_client.post(reverse("portal:profiles:entry_add", args=["educacion-informal"]), data)
    assert InformalEducation.objects.get().document == diploma


def test_end_before_start_shows_the_rule_and_saves_nothing(alice_client):
    data = {**COURSE, "end_date": "2019-01-01", "document_file": pdf_upload()}
    response = alice_client.post(
        reverse("portal:profiles:entry_add", args=["educacion-informal"]), data
    )
    assert response.status_code == 200
    assert (
        "Fecha de terminación: no puede ser anterior a la fecha de inicio (2020-02-01)."
        in response.content.decode()
    )
    assert not InformalEducation.objects.exists()
    assert not Document.objects.exists()


def test_the_size_limit_is_shown_before_upload_and_an_oversize_file_states_its_size(alice_client):
    url = reverse("portal:profiles:entry_add", args=["educacion-informal"])
    form = alice_client.get(url).content.decode()
    assert "Tamaño máximo: 1 MB (1.048.576 bytes)." in form
    data = {**COURSE, "document_file": pdf_upload(pdf_of_size(1_048_577))}
    html = alice_client.post(url, data).content.decode()
    assert "El archivo pesa 1.048.577 bytes" in html
    assert not InformalEducation.objects.exists()


def test_a_non_pdf_is_refused_on_the_form(alice_client):
    data = {**COURSE, "document_file": pdf_upload(PNG_BYTES, name="foto.pdf")}
    response = alice_client.post(
        reverse("portal:profiles:entry_add", args=["educacion-informal"]), data
    )
    assert "El archivo no es un PDF válido." in response.content.decode()
    assert not InformalEducation.objects.exists()


def test_an_invalid_nit_is_shown_on_the_documents_form(alice_client):
    response = alice_client.post(reverse("portal:profiles:documents"), {"nit": "900373913-5"})
    assert "NIT (RUT): el dígito de verificación no corresponde al número." in (
        response.content.decode()
    )
    assert not Profile.objects.filter(nit__startswith="900").exists()


def test_personal_data_require_the_ethnic_self_identification(alice_client, alice):
    url = reverse("portal:profiles:personal")
    data = {"birth_date": "1985-04-02", "country": "CO", "alternate_phone": "601 3078079"}
    response = alice_client.post(url, data)
    assert "Autorreconocimiento étnico: este campo es obligatorio." in response.content.decode()
    response = alice_client.post(url, {**data, "ethnic_group": "none"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=alice)
    assert profile.get_ethnic_group_display() == "Sin autorreconocimiento"
    assert profile.alternate_phone == "6013078079"


def test_another_users_entry_answers_404(client, bob, alices_course):
    sign_in(client, bob)
    for name in ("portal:profiles:entry_edit", "portal:profiles:entry_delete"):
        url = reverse(name, args=["educacion-informal", alices_course.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {**COURSE, "name": "Robado"}).status_code == 404
    alices_course.refresh_from_db()
    assert alices_course.name == "Curso"


def test_an_unknown_section_answers_404(alice_client):
    assert alice_client.get("/portal/hoja-de-vida/no-existe/").status_code == 404


def test_the_owner_edits_and_deletes_an_entry(alice_client, alices_course):
    edit = reverse("portal:profiles:entry_edit", args=["educacion-informal", alices_course.pk])
    assert alice_client.post(edit, {**COURSE, "name": "Curso renovado"}).status_code == 302
    alices_course.refresh_from_db()
    assert alices_course.name == "Curso renovado"
    delete = reverse("portal:profiles:entry_delete", args=["educacion-informal", alices_course.pk])
    assert "¿Eliminar «Curso renovado — SENA»" in alice_client.get(delete).content.decode()
    assert alice_client.post(delete).status_code == 302
    assert not InformalEducation.objects.exists()


def test_long_lists_are_paginated(alice_client, alice, profile):
    for number in range(21):
        InformalEducation.objects.create(
            profile=profile,
            name=f"Curso {number:02d}",
            institution_name="SENA",
            start_date=datetime.date(2020, 1, 1),
            end_date=datetime.date(2020, 1, 2),
            hours=8,
        )
    url = reverse("portal:profiles:section", args=["educacion-informal"])
    first = alice_client.get(url).content.decode()
    assert "Página 1 de 2" in first
    second = alice_client.get(url + "?pagina=2").content.decode()
    assert second.count("Curso ") >= 1 and "Página 2 de 2" in second


class TestLock:
    REASON = "Su caso está en Verificación: no puede modificar la hoja de vida."

    @pytest.fixture(autouse=True)
    def lock(self, alices_course):
        def checker(user):
            return self.REASON

        register_profile_lock(checker)
        yield
        unregister_profile_lock(checker)

    def test_a_locked_profile_refuses_edits_with_the_reason(self, alice_client, alices_course):
        add = reverse("portal:profiles:entry_add", args=["experiencia"])
        response = alice_client.get(add, follow=True)
        assert self.REASON in response.content.decode()
        response = alice_client.post(
            reverse("portal:profiles:entry_edit", args=["educacion-informal", alices_course.pk]),
            {**COURSE, "name": "Cambio"},
            follow=True,
        )
        assert self.REASON in response.content.decode()
        alices_course.refresh_from_db()
        assert alices_course.name == "Curso"
        alice_client.post(
            reverse("portal:profiles:entry_delete", args=["educacion-informal", alices_course.pk])
        )
        assert InformalEducation.objects.filter(pk=alices_course.pk).exists()
        alice_client.post(
            reverse("portal:profiles:personal"), {"ethnic_group": "none", "country": "CO"}
        )
        assert not Profile.objects.filter(ethnic_group="none").exists()

    def test_the_service_refuses_too(self, alice, profile):
        from merito.errors import DomainError

        with pytest.raises(DomainError) as exc:
            profile_entry_save(
                user=alice,
                entry=Experience(
                    profile=profile,
                    institution_name="X",
                    role="Y",
                    start_date=datetime.date(2010, 1, 1),
                    dedication="full_time",
                    kind="other",
                ),
            )
        assert exc.value.message == self.REASON


@pytest.mark.parametrize(
    "slug",
    [
        "formacion",
        "educacion-informal",
        "experiencia",
        "sociedades",
        "produccion",
        "procesos-calidad",
        "otros-documentos",
    ],
)
def test_every_section_has_a_list_and_a_form(alice_client, slug):
    assert alice_client.get(reverse("portal:profiles:section", args=[slug])).status_code == 200
    form = alice_client.get(reverse("portal:profiles:entry_add", args=[slug])).content.decode()
    assert 'type="file"' in form and 'accept="application/pdf"' in form


def test_a_title_is_registered_from_the_catalogue(alice_client, alice, masters):
    data = {
        "level": "masters",
        "institution": str(masters.institution_id),
        "program": str(masters.pk),
        "graduated": "on",
        "graduation_date": "2010-06-01",
        "convalidated": "unknown",
        "document_file": pdf_upload(name="diploma.pdf"),
    }
    response = alice_client.post(reverse("portal:profiles:entry_add", args=["formacion"]), data)
    assert response.status_code == 302
    education = Education.objects.get()
    assert education.program == masters and education.document.kind == "diploma"


def test_other_on_the_form_proposes_the_institution(alice_client, alice):
    data = {
        "level": "doctorate",
        "other": "on",
        "other_institution_name": "Universidad de Viena",
        "other_institution_original_name": "Universität Wien",
        "other_institution_country": "AT",
        "other_institution_city": "Wien",
        "other_program": "Doktoratsstudium der Philosophie",
        "graduated": "on",
        "graduation_date": "2016-06-01",
        "is_foreign": "on",
        "issuing_country": "AT",
        "convalidated": "false",
    }
    response = alice_client.post(reverse("portal:profiles:entry_add", args=["formacion"]), data)
    assert response.status_code == 302
    education = Education.objects.get()
    assert education.institution.get_state_display() == "Propuesta (en revisión)"
    assert education.institution.original_name == "Universität Wien"


def test_a_title_without_institution_names_the_field(alice_client):
    data = {"level": "masters", "graduated": "on", "graduation_date": "2010-06-01"}
    response = alice_client.post(reverse("portal:profiles:entry_add", args=["formacion"]), data)
    assert (
        "Institución: elija una de la lista o marque «Otro» y escriba su nombre."
        in response.content.decode()
    )


def test_declaring_a_disability_without_certificate_is_refused_on_the_form(alice_client):
    data = {"country": "CO", "ethnic_group": "none", "has_disability": "on"}
    response = alice_client.post(reverse("portal:profiles:personal"), data)
    assert (
        "Certificado de discapacidad: es obligatorio cuando declara una discapacidad."
        in response.content.decode()
    )
    assert not Profile.objects.exists()
    data["disability_document_file"] = pdf_upload()
    assert alice_client.post(reverse("portal:profiles:personal"), data).status_code == 302
    assert Profile.objects.get().disability_document is not None


def test_the_personal_form_updates_the_account_phone(alice_client, alice):
    data = {"country": "CO", "ethnic_group": "afro", "phone": "12"}
    response = alice_client.post(reverse("portal:profiles:personal"), data)
    assert "Teléfono celular: escriba un celular de 10 dígitos" in response.content.decode()
    alice.refresh_from_db()
    assert alice.phone == ""
    assert not Profile.objects.exists()
    alice_client.post(reverse("portal:profiles:personal"), {**data, "phone": "300 123 4567"})
    alice.refresh_from_db()
    assert alice.phone == "3001234567"
