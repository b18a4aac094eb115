from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError

from merito.calls.models import Call, Position, Stage, StageKind


@pytest.mark.django_db
def test_an_inscription_stage_in_bogota_is_open_until_235959_local_on_its_last_day(
    organization, make_call
):
    call = make_call(organization, "CNSC-2026-01")
    stage = Stage.objects.create(
        call=call,
        name="Inscripciones",
        kind=StageKind.INSCRIPTIONS,
        start_date=date(2026, 11, 17),
        end_date=date(2026, 11, 30),
    )
    assert stage.opens_at == datetime(2026, 11, 17, 5, 0, tzinfo=UTC)
    assert stage.closes_at == datetime(2026, 12, 1, 4, 59, 59, 999_999, tzinfo=UTC)
    assert stage.is_open(datetime(2026, 12, 1, 4, 59, 59, tzinfo=UTC))
    assert not stage.is_open(datetime(2026, 12, 1, 5, 0, tzinfo=UTC))
    assert not stage.is_open(datetime(2026, 11, 17, 4, 59, 59, tzinfo=UTC))


@pytest.mark.django_db
def test_a_stage_cannot_end_before_it_starts(organization, make_call):
    call = make_call(organization, "CNSC-2026-01")
    with pytest.raises(IntegrityError):
        Stage.objects.create(
            call=call,
            name="Reclamaciones",
            start_date=date(2026, 12, 2),
            end_date=date(2026, 12, 1),
        )


@pytest.mark.django_db
def test_vacancies_cannot_be_negative(organization, make_call):
    call = make_call(organization, "CNSC-2026-01")
    with pytest.raises(IntegrityError):
        Position.objects.create(call=call, code="OPEC 1", name="Técnico", vacancies=-1)


@pytest.mark.django_db
def test_position_codes_are_unique_within_a_call(organization, make_call):
    call = make_call(organization, "CNSC-2026-01")
    Position.objects.create(call=call, code="OPEC 1", name="Técnico", vacancies=1)
    with pytest.raises(IntegrityError):
        Position.objects.create(call=call, code="OPEC 1", name="Auxiliar", vacancies=1)


@pytest.mark.django_db
def test_the_search_column_has_no_accents_and_follows_renames(minedu, make_call):
    call = make_call(minedu, "MINEDU-ASCENSO-2019", name="Concurso de Ascenso — Educación Básica")
    assert "educacion basica" in call.search_text
    assert "ministerio de educacion del peru" in call.search_text
    call.name = "Evaluación Ordinaria"
    call.save(update_fields=["name"])
    assert "evaluacion ordinaria" in Call.objects.get(pk=call.pk).search_text


@pytest.mark.django_db
def test_the_legal_time_zone_is_named_by_country(organization, minedu, make_call):
    assert make_call(organization, "A").time_zone_label == "hora de Colombia"
    assert make_call(minedu, "B").time_zone_label == "hora de Perú"
