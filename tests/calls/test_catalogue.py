"""The public list of calls: search, filters, pagination, no N+1."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from merito.calls.models import CallState, Stage, StageKind
from tests.calls.conftest import add_inscriptions, add_positions, today_in

URL = reverse("public:calls:list")


def codes(response) -> list[str]:
    return [call.code for call, _stage in response.context["rows"]]


@pytest.mark.django_db
def test_anyone_sees_public_calls_but_never_drafts_or_hidden_ones(client, organization, make_call):
    make_call(organization, "CNSC-2026-01")
    make_call(organization, "CNSC-BORRADOR", state=CallState.DRAFT)
    make_call(organization, "CNSC-OCULTA", is_public=False)
    response = client.get(URL)
    assert response.status_code == 200
    assert codes(response) == ["CNSC-2026-01"]
    assert "CNSC-BORRADOR" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q", ["educacion", "EDUCACIÓN", "Educación básica", "minedu", "ministerio"]
)
def test_search_ignores_accents_and_case_in_code_name_and_organization(
    client, organization, minedu, make_call, q
):
    make_call(minedu, "MINEDU-ASCENSO-2019", name="Concurso de Ascenso — Educación Básica")
    make_call(organization, "CNSC-2026-01", name="Entidades del Orden Nacional")
    assert codes(client.get(URL, {"q": q})) == ["MINEDU-ASCENSO-2019"]


@pytest.mark.django_db
def test_filters_by_country_state_year_and_organization(client, organization, minedu, make_call):
    make_call(organization, "CNSC-2026-01", year=2026)
    make_call(organization, "CNSC-2025-07", year=2025, state=CallState.CLOSED)
    make_call(minedu, "MINEDU-ASCENSO-2019", year=2019, state=CallState.CLOSED)
    assert codes(client.get(URL, {"pais": "PE"})) == ["MINEDU-ASCENSO-2019"]
    assert codes(client.get(URL, {"estado": "closed"})) == ["CNSC-2025-07", "MINEDU-ASCENSO-2019"]
    assert codes(client.get(URL, {"anio": "2025"})) == ["CNSC-2025-07"]
    assert codes(client.get(URL, {"organizacion": organization.pk, "estado": "open"})) == [
        "CNSC-2026-01"
    ]


@pytest.mark.django_db
def test_with_open_inscriptions_keeps_calls_whose_window_includes_today(
    client, organization, minedu, make_call
):
    add_inscriptions(make_call(organization, "CO-ABIERTA"), open_now=True)
    add_inscriptions(make_call(organization, "CO-CERRADA"), open_now=False)
    add_inscriptions(make_call(minedu, "PE-ABIERTA"), open_now=True)
    add_inscriptions(make_call(minedu, "PE-SUSPENDIDA", state=CallState.SUSPENDED), open_now=True)
    make_call(minedu, "PE-SIN-CRONOGRAMA")
    assert codes(client.get(URL, {"abiertas": "si"})) == ["CO-ABIERTA", "PE-ABIERTA"]


@pytest.mark.django_db
def test_bad_filter_values_are_ignored_not_a_crash(client, organization, make_call):
    make_call(organization, "CNSC-2026-01")
    response = client.get(
        URL, {"anio": "dos mil", "organizacion": "999", "estado": "draft", "pagina": "zz"}
    )
    assert response.status_code == 200
    assert codes(response) == ["CNSC-2026-01"]


@pytest.mark.django_db
def test_twenty_calls_a_page_and_page_links_keep_the_filters(client, organization, make_call):
    for i in range(25):
        make_call(organization, f"CNSC-{i:03d}", year=2026)
    make_call(organization, "OTRO-2024", year=2024)
    first = client.get(URL, {"anio": "2026"})
    assert len(first.context["rows"]) == 20
    html = first.content.decode()
    assert "25 convocatorias encontradas" in html
    assert 'href="?anio=2026&amp;pagina=2"' in html
    second = client.get(URL, {"anio": "2026", "pagina": "2"})
    assert codes(second) == [f"CNSC-{i:03d}" for i in range(20, 25)]


@pytest.mark.django_db
def test_each_row_shows_vacancies_and_the_current_stage_in_local_time(
    client, organization, make_call
):
    call = make_call(organization, "CNSC-2026-01", name="Entidades del Orden Nacional")
    add_positions(call, 3, vacancies=4)
    stage = add_inscriptions(call, open_now=True)
    future = today_in(call) + timedelta(days=30)
    Stage.objects.create(
        call=call, name="Pruebas", kind=StageKind.TESTS, start_date=future, end_date=future, order=2
    )
    response = client.get(URL)
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", response.content.decode(), re.S).group()
    assert "<td>12</td>" in row
    assert "CNSC" in row and "Abierta" in row
    assert (
        f"Inscripciones</strong>: del {stage.start_date:%d/%m/%Y} al {stage.end_date:%d/%m/%Y}, "
        "hasta las 23:59:59 (hora de Colombia)"
    ) in row


@pytest.mark.django_db
def test_the_next_stage_is_shown_when_none_is_running(client, minedu, make_call):
    call = make_call(minedu, "MINEDU-ASCENSO-2026")
    add_inscriptions(call, open_now=False)
    future = today_in(call) + timedelta(days=10)
    Stage.objects.create(
        call=call, name="Prueba Única Nacional", start_date=future, end_date=future, order=2
    )
    html = client.get(URL).content.decode()
    assert f"Prueba Única Nacional</strong>: el {future:%d/%m/%Y}" in html
    assert "(hora de Perú)" in html


@pytest.mark.django_db
def test_the_list_does_not_grow_queries_with_calls(
    client, organization, minedu, make_call, django_assert_max_num_queries
):
    for i in range(20):
        call = make_call(organization if i % 2 else minedu, f"C-{i:02d}")
        add_positions(call, 3)
        add_inscriptions(call, open_now=bool(i % 3))
    # session-free anonymous request: organizations + years (form), count, page, stages,
    # time zones (open filter), organization lookup (filter validation).
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"abiertas": "si", "organizacion": organization.pk})
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert len(response.context["rows"]) == 20
