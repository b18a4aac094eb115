"""A peer sees the points the current profile would earn under a call's rubric."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from merito.profiles.models import (
    Education,
    Experience,
    Institution,
    Membership,
    Product,
    QualityProcess,
)
from merito.profiles.services import profile_get_or_create
from tests.conftest import make_user, sign_in


@pytest.fixture
def peers_call(organization, make_call):
    return make_call(
        organization, "MEN-PARES-2021", name="Banco de pares", rubric_id="conaces-pares-2021"
    )


def preview(code: str) -> str:
    return reverse("portal:calls:score_preview", args=[code])


def full_profile(user) -> None:
    profile = profile_get_or_create(user=user)
    unal = Institution.objects.create(name="Universidad Nacional de Colombia", country="CO")
    Education.objects.create(
        profile=profile,
        level="doctorate",
        institution=unal,
        title_obtained="Doctor en Artes",
        knowledge_area="fine_arts",
        graduation_date=datetime.date(2010, 6, 1),
    )
    Education.objects.create(
        profile=profile,
        level="masters",
        institution=unal,
        title_obtained="Magíster en Estética",
        graduation_date=datetime.date(2005, 6, 1),
    )
    Experience.objects.create(
        profile=profile,
        institution_name="Universidad Nacional",
        role="Profesora asociada",
        start_date=datetime.date(2000, 1, 1),
        end_date=datetime.date(2012, 12, 31),
        dedication="full_time",
        kind="teaching",
    )
    Experience.objects.create(
        profile=profile,
        institution_name="Universidad Nacional",
        role="Decana",
        start_date=datetime.date(2013, 1, 1),
        end_date=datetime.date(2020, 12, 31),
        dedication="full_time",
        kind="academic_direction",
    )
    Membership.objects.create(
        profile=profile,
        society="Sociedad Colombiana de Estética",
        start_date=datetime.date(2010, 1, 1),
    )
    Product.objects.create(
        profile=profile,
        kind="mc_book",
        title="Estética andina",
        year=2018,
        citation="Rojas, A. (2018).",
        cvlac_url="https://scienti.minciencias.gov.co/cvlac/1",
    )
    Product.objects.create(
        profile=profile,
        kind="mc_article",
        title="Sin registro",
        year=2019,
        citation="Rojas, A.",
    )
    year = datetime.date.today().year
    QualityProcess.objects.create(
        profile=profile,
        kind="program_accreditation",
        year=year - 1,
        institution_name="Programa de Artes",
    )
    QualityProcess.objects.create(
        profile=profile,
        kind="qualified_registry_visit",
        year=2015,
        institution_name="Universidad del Valle",
    )
    QualityProcess.objects.create(
        profile=profile, kind="conaces_room", year=2018, institution_name="Sala de Artes"
    )


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client, peers_call):
    response = client.get(preview(peers_call.code))
    assert response.status_code == 302
    assert reverse("public:accounts:login") in response["Location"]


@pytest.mark.django_db
def test_the_preview_scores_the_current_profile_line_by_line(client, alice, peers_call):
    full_profile(alice)
    sign_in(client, alice)
    html = client.get(preview(peers_call.code)).content.decode()
    assert "Cumple todos los requisitos." in html
    # 2000–2012 full time = 156 months, 36 beyond the requirement: 3 years × 2 = 6;
    # 2013–2020 direction = 96 months, 12 beyond 84: 5; master's 4; society 1 + book 3;
    # a sala CONACES period 4 (the visit of 2015 meets the requirement).
    assert "<dt>Puntaje final estimado</dt><dd><strong>23</strong></dd>" in html
    assert "Doctorado: Doctor en Artes — Universidad Nacional de Colombia" in html
    unregistered = "No suma MINCIENCIAS: Artículo de investigación: Sin registro (2019): "
    assert unregistered + "El producto no está registrado en el CvLAC del aspirante." in html
    assert "no suma como adicional" in html


@pytest.mark.django_db
def test_a_missing_requirement_is_explained(client, alice, peers_call):
    full_profile(alice)
    Education.objects.filter(level="doctorate").update(knowledge_area="engineering")
    sign_in(client, alice)
    html = client.get(preview(peers_call.code)).content.decode()
    assert "No cumple un requisito excluyente." in html
    assert "El doctorado no es de un área del perfil" in html


@pytest.mark.django_db
def test_another_persons_profile_never_counts(client, alice, peers_call):
    full_profile(make_user(email="bob@example.org", given_names="Bob"))
    sign_in(client, alice)
    html = client.get(preview(peers_call.code)).content.decode()
    assert "No cumple un requisito excluyente." in html
    assert "<dt>Puntaje final estimado</dt><dd><strong>0</strong></dd>" in html
    assert "Estética andina" not in html


@pytest.mark.django_db
def test_the_detail_can_be_downloaded_as_csv(client, alice, peers_call):
    full_profile(alice)
    sign_in(client, alice)
    response = client.get(preview(peers_call.code), {"formato": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Rubro", "Criterio", "Suma", "Tope", "Puntos", "Resultado"]
    teaching = "Años adicionales al requisito: tiempo completo 2, medio tiempo 1"
    assert ["Experiencia docente", teaching, "6", "", "6", "6"] in rows
    assert rows[-1] == ["Puntaje final", "", "", "", "23", ""]


@pytest.mark.django_db
def test_a_rubric_read_from_other_records_says_there_is_no_online_estimate(
    client, alice, make_call, organization
):
    call = make_call(organization, "ASC-2019", rubric_id="minedu-ascenso-2019")
    sign_in(client, alice)
    html = client.get(preview(call.code)).content.decode()
    assert "no hay estimación en línea" in html


@pytest.mark.django_db
def test_the_call_page_offers_the_preview_only_where_it_exists(
    client, peers_call, make_call, organization
):
    html = client.get(reverse("public:calls:detail", args=[peers_call.code])).content.decode()
    assert "¿Cuántos puntos me daría mi hoja de vida?" in html
    assert "(requiere iniciar sesión)" in html
    other = make_call(organization, "ASC-2019", rubric_id="minedu-ascenso-2019")
    html = client.get(reverse("public:calls:detail", args=[other.code])).content.decode()
    assert "¿Cuántos puntos me daría mi hoja de vida?" not in html
