"""A call's public page: schedule in local time, positions, notices, documents, rubric, CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from merito.calls.models import CallDocument, CallState, Notice, Position, Stage, StageKind
from tests.calls.conftest import add_positions


def detail(code: str) -> str:
    return reverse("public:calls:detail", args=[code])


@pytest.fixture
def cnsc_call(organization, make_call):
    call = make_call(
        organization,
        "CNSC-2026-01",
        name="Entidades del Orden Nacional 2026",
        description="Empleos de carrera administrativa.",
    )
    Stage.objects.create(
        call=call,
        name="Inscripciones",
        kind=StageKind.INSCRIPTIONS,
        start_date=date(2026, 11, 17),
        end_date=date(2026, 11, 30),
        order=1,
    )
    Stage.objects.create(
        call=call,
        name="Verificación de requisitos",
        kind=StageKind.REQUIREMENTS,
        start_date=date(2026, 12, 7),
        end_date=date(2026, 12, 29),
        order=2,
    )
    return call


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.mark.django_db
def test_the_schedule_shows_local_dates_and_the_closing_time_in_colombia(client, cnsc_call):
    html = client.get(detail(cnsc_call.code)).content.decode()
    assert "Empleos de carrera administrativa." in html
    assert '<th scope="row">Inscripciones</th>' in html
    assert "<td>17/11/2026</td>" in html
    assert "30/11/2026, hasta las 23:59:59 (hora de Colombia)" in html
    assert "29/12/2026, hasta las 23:59:59 (hora de Colombia)" in html


@pytest.mark.django_db
def test_a_peruvian_call_says_hora_de_peru(client, minedu, make_call):
    call = make_call(minedu, "MINEDU-ASCENSO-2019")
    Stage.objects.create(
        call=call, name="Reclamos", start_date=date(2019, 9, 9), end_date=date(2019, 9, 13)
    )
    html = client.get(detail(call.code)).content.decode()
    assert "13/09/2019, hasta las 23:59:59 (hora de Perú)" in html
    assert "Terminada" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields", [{"state": CallState.DRAFT}, {"is_public": False}], ids=["draft", "hidden"]
)
def test_drafts_and_hidden_calls_are_not_found(client, organization, make_call, fields):
    call = make_call(organization, "CNSC-BORRADOR", **fields)
    assert client.get(detail(call.code)).status_code == 404
    assert client.get(reverse("public:calls:positions_csv", args=[call.code])).status_code == 404


@pytest.mark.django_db
def test_an_unknown_code_is_not_found(client):
    assert client.get(detail("NO-EXISTE")).status_code == 404


@pytest.mark.django_db
def test_only_published_notices_are_shown_with_local_time(client, cnsc_call):
    now = timezone.now()
    Notice.objects.create(
        call=cnsc_call,
        title="Apertura de inscripciones",
        body="Las inscripciones están abiertas.",
        published_at=datetime(2026, 11, 17, 13, 0, tzinfo=UTC),
    )
    Notice.objects.create(call=cnsc_call, title="Borrador de aviso", body="—")
    Notice.objects.create(
        call=cnsc_call, title="Aviso futuro", body="—", published_at=now + timedelta(days=1)
    )
    html = client.get(detail(cnsc_call.code)).content.decode()
    assert "Apertura de inscripciones" in html
    assert "Publicado el 17/11/2026 08:00 (hora de Colombia)" in html
    assert "Borrador de aviso" not in html
    assert "Aviso futuro" not in html


@pytest.mark.django_db
def test_published_documents_download_and_unpublished_ones_do_not(client, cnsc_call, media):
    published = CallDocument.objects.create(
        call=cnsc_call,
        title="Acuerdo de convocatoria",
        file=ContentFile(b"%PDF-1.4 acuerdo", name="acuerdo.pdf"),
        published_at=timezone.now() - timedelta(hours=1),
    )
    hidden = CallDocument.objects.create(
        call=cnsc_call, title="Anexo sin publicar", file=ContentFile(b"%PDF-1.4", name="anexo.pdf")
    )
    html = client.get(detail(cnsc_call.code)).content.decode()
    url = reverse("public:calls:document", args=[cnsc_call.code, published.pk])
    assert f'href="{url}"' in html
    assert "Anexo sin publicar" not in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 acuerdo"
    assert "attachment" in response["Content-Disposition"]
    hidden_url = reverse("public:calls:document", args=[cnsc_call.code, hidden.pk])
    assert client.get(hidden_url).status_code == 404


@pytest.mark.django_db
def test_positions_are_paginated_and_filtered_by_group(client, minedu, make_call):
    call = make_call(minedu, "MINEDU-ASCENSO-2019")
    add_positions(call, 60, group="Ed. Básica Regular Primaria")
    Position.objects.create(
        call=call, code="X-EBE-3", name="Ascenso", group="Ed. Básica Especial", vacancies=7
    )
    first = client.get(detail(call.code))
    assert len(first.context["page"].object_list) == 50
    assert "61 empleos o plazas" in first.content.decode()
    filtered = client.get(detail(call.code), {"grupo": "Ed. Básica Especial"})
    assert [p.code for p in filtered.context["page"].object_list] == ["X-EBE-3"]
    html = filtered.content.decode()
    assert 'href="/convocatorias/MINEDU-ASCENSO-2019/vacantes.csv?grupo=' in html


@pytest.mark.django_db
def test_the_positions_csv_opens_in_excel_with_accents(client, minedu, make_call):
    call = make_call(minedu, "MINEDU-ASCENSO-2019")
    Position.objects.create(
        call=call,
        code="ANC-EBRP-3",
        name="Ascenso a la tercera escala",
        region="Áncash",
        group="Ed. Básica Regular Primaria",
        level="Tercera escala",
        vacancies=12,
    )
    Position.objects.create(call=call, code="ANC-X", name="=HYPERLINK(1)", vacancies=0)
    response = client.get(reverse("public:calls:positions_csv", args=[call.code]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="vacantes-MINEDU-ASCENSO-2019.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        [
            "Código",
            "Denominación",
            "Región",
            "Grupo de competencia",
            "Escala, nivel o grado",
            "Vacantes",
        ],
        [
            "ANC-EBRP-3",
            "Ascenso a la tercera escala",
            "Áncash",
            "Ed. Básica Regular Primaria",
            "Tercera escala",
            "12",
        ],
        ["ANC-X", "'=HYPERLINK(1)", "", "", "", "0"],
    ]


@pytest.mark.django_db
def test_the_shipped_rubric_is_explained_on_the_call_page(client, cnsc_call):
    cnsc_call.rubric_id = "minedu-ascenso-2019"
    cnsc_call.save()
    html = client.get(detail(cnsc_call.code)).content.decode()
    assert "Concurso de Ascenso de Escala Magisterial 2019" in html
    assert "2.1 Palmas Magisteriales: 4 puntos por cada uno; máximo 4 puntos." in html
    assert "Discapacidad (15%): 15 % sobre el puntaje total." in html


@pytest.mark.django_db
def test_an_unknown_rubric_id_degrades_to_the_announcement(client, cnsc_call):
    cnsc_call.rubric_id = "no-existe"
    cnsc_call.save()
    response = client.get(detail(cnsc_call.code))
    assert response.status_code == 200
    assert "La rúbrica se publicará pronto." in response.content.decode()


@pytest.mark.django_db
def test_the_detail_page_query_count_is_bounded(
    client, cnsc_call, media, django_assert_max_num_queries
):
    add_positions(cnsc_call, 120)
    for i in range(5):
        Notice.objects.create(
            call=cnsc_call, title=f"Aviso {i}", body="—", published_at=timezone.now()
        )
        CallDocument.objects.create(
            call=cnsc_call,
            title=f"Anexo {i}",
            file=ContentFile(b"%PDF-1.4", name=f"anexo{i}.pdf"),
            published_at=timezone.now(),
        )
    # call, stages, notices, documents, position labels, count, page.
    with django_assert_max_num_queries(7):
        response = client.get(detail(cnsc_call.code))
    assert response.status_code == 200
