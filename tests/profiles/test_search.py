"""The institution catalogue is searched without caring about accents or case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from merito.profiles.models import CatalogueState, Institution
from merito.profiles.selectors import institution_search
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    Institution.objects.create(name="Universidad Distrital", country="CO", city="Bogotá D.C.")
    Institution.objects.create(
        name="Universidad de São Paulo",
        original_name="Universidade de São Paulo",
        country="BR",
        city="São Paulo",
        is_foreign=True,
    )
    Institution.objects.create(name="Universidad de Medellín", country="CO", city="Medellín")
    Institution.objects.create(
        name="Universidad Propuesta de Bogotá",
        country="CO",
        city="Bogotá",
        state=CatalogueState.PROPOSED,
    )


def names(query: str) -> list[str]:
    return [i.name for i in institution_search(query=query)]


def test_bogota_finds_bogota_with_accent(catalogue):
    assert names("bogota") == ["Universidad Distrital"]
    assert names("BOGOTÁ") == ["Universidad Distrital"]


def test_a_foreign_institution_is_found_by_its_original_name(catalogue):
    assert names("universidade sao paulo") == ["Universidad de São Paulo"]


def test_proposed_institutions_are_not_offered_until_reviewed(catalogue):
    assert "Universidad Propuesta de Bogotá" not in names("propuesta")


def test_the_search_endpoint_returns_options_for_htmx(client, alice, catalogue):
    sign_in(client, alice)
    response = client.get(
        reverse("portal:profiles:institution_search"),
        {"q": "medellin"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<option" in html and "Universidad de Medellín — Medellín, CO" in html
    assert "<html" not in html


def test_the_search_works_without_javascript(client, alice, catalogue):
    sign_in(client, alice)
    response = client.get(reverse("portal:profiles:institution_search"), {"q": "medellin"})
    html = response.content.decode()
    assert "<html" in html and "Universidad de Medellín" in html
    form = client.get(reverse("portal:profiles:entry_add", args=["formacion"]), {"q": "bogota"})
    form_html = form.content.decode()
    assert "Universidad Distrital — Bogotá D.C., CO" in form_html
    assert "Universidad de Medellín" not in form_html


def test_the_search_needs_login(client):
    response = client.get(reverse("portal:profiles:institution_search"), {"q": "x"})
    assert response.status_code == 302
