from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from merito.calls.models import Call, CallState, Notice, Position, Stage, StageKind
from merito.demo.calls import load_demo_calls
from merito.demo.people import load_demo_data


@pytest.mark.django_db
def test_demo_calls_have_open_and_closed_inscriptions_and_reloading_changes_nothing():
    load_demo_data()
    added = load_demo_calls(today=date(2026, 11, 24))
    assert added["CNSC-2026-01"] > 0 and added["MINEDU-ASCENSO-2019"] > 0
    assert added["MEN-PARES-2026"] == 3  # its three stages
    counts = (Stage.objects.count(), Position.objects.count(), Notice.objects.count())

    assert load_demo_calls(today=date(2026, 12, 24)) == {
        "CNSC-2026-01": 0,
        "MINEDU-ASCENSO-2019": 0,
        "MEN-PARES-2026": 0,
    }
    assert (Stage.objects.count(), Position.objects.count(), Notice.objects.count()) == counts

    noon_in_bogota = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    cnsc = Call.objects.get(code="CNSC-2026-01")
    assert cnsc.state == CallState.OPEN and cnsc.is_visible
    assert cnsc.stages.get(kind=StageKind.INSCRIPTIONS).is_open(noon_in_bogota)
    minedu = Call.objects.get(code="MINEDU-ASCENSO-2019")
    assert minedu.state == CallState.CLOSED
    assert not minedu.stages.get(kind=StageKind.INSCRIPTIONS).is_open(noon_in_bogota)
    # Region × grupo de competencia × escala.
    assert minedu.positions.values("region", "group", "level").distinct().count() == 120
    assert not cnsc.documents.exists()
    peers = Call.objects.get(code="MEN-PARES-2026")
    assert peers.rubric_id == "conaces-pares-2021"
    assert peers.stages.get(kind=StageKind.INSCRIPTIONS).is_open(noon_in_bogota)
