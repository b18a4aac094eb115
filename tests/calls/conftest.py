"""Calls for the catalogue tests: CNSC (Colombia) and MINEDU (Peru), public unless told."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from merito.calls.calendar import local_today
from merito.calls.models import Call, CallState, Position, Stage, StageKind
from merito.organizations.models import Organization, OrganizationKind
from tests.arrange import arranged


@pytest.fixture
def minedu(db) -> Organization:
    return Organization.objects.create(
        name="Ministerio de Educación del Perú",
        short_name="MINEDU",
        kind=OrganizationKind.MINISTRY,
        country="PE",
    )


@pytest.fixture
def make_call():
    def build(organization: Organization, code: str, **fields) -> Call:
        fields.setdefault("name", f"Convocatoria {code}")
        fields.setdefault("state", CallState.OPEN)
        fields.setdefault("is_public", True)
        fields.setdefault("year", 2026)
        with arranged():  # created straight in the state the test needs
            return Call.objects.create(organization=organization, code=code, **fields)

    return build


def today_in(call: Call) -> date:
    return local_today(timezone.now(), call.time_zone)


def add_inscriptions(call: Call, *, open_now: bool) -> Stage:
    """An inscription stage that includes today (local) or ended a week ago."""
    today = today_in(call)
    start, end = (
        (today - timedelta(days=2), today + timedelta(days=5))
        if open_now
        else (today - timedelta(days=20), today - timedelta(days=7))
    )
    return Stage.objects.create(
        call=call,
        name="Inscripciones",
        kind=StageKind.INSCRIPTIONS,
        start_date=start,
        end_date=end,
        order=1,
    )


def add_positions(call: Call, count: int, **fields) -> list[Position]:
    return Position.objects.bulk_create(
        Position(
            call=call,
            code=f"P{i:04d}",
            name=fields.get("name", "Profesional Universitario"),
            region=fields.get("region", "Áncash"),
            group=fields.get("group", "Ed. Básica Regular Primaria"),
            level=fields.get("level", "Tercera escala"),
            vacancies=fields.get("vacancies", 2),
        )
        for i in range(count)
    )
