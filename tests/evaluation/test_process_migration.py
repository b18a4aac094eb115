"""The proceso de selección (process, job, test and the test's users) moved from
merito.evaluation to merito.calls without touching its rows: what was kept before the move
is the same after it, a folder still reaches its test, the content types follow, and the
audit history keeps its names."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from merito.audit.services import audit_type
from merito.calls import models as calls
from merito.evaluation.models import Folder
from tests.conftest import make_user
from tests.migrating import latest, migrate

BEFORE = [
    ("evaluation", "0010_operatorprofile_to_organizations"),
    ("calls", "0004_fill_search_text"),
]
# The move, and the column the models of today read (a later migration of calls).
AFTER = [("evaluation", "0011_selection_process_to_calls"), ("calls", "0006_state_version")]

MOVED = ["selectionprocess", "job", "test", "testuser"]


@pytest.mark.django_db(transaction=True)
def test_a_process_its_test_and_folder_kept_before_the_move_are_the_same_after_it(
    cnsc, entity, unal
):
    analyst = make_user(username="analista_migracion")
    try:
        old = migrate(BEFORE)
        call = old.get_model("calls", "Call").objects.create(
            code="PS-MIG-2026", name="Proceso que se muda", organization_id=cnsc.pk, year=2026
        )
        position = old.get_model("calls", "Position").objects.create(
            call_id=call.pk, code="E-1", name="Profesional universitario"
        )
        process = old.get_model("evaluation", "SelectionProcess").objects.create(
            call_id=call.pk, entity_id=entity.pk
        )
        job = old.get_model("evaluation", "Job").objects.create(
            position_id=position.pk, opec_number=987654
        )
        test = old.get_model("evaluation", "Test").objects.create(
            process_id=process.pk, test_type="vrm", description="Verificación",
            classification="eliminatory", operator_id=unal.pk, max_value=Decimal("100"),
            weight=Decimal("0"),
        )  # fmt: skip
        test.positions.add(position.pk)
        link = old.get_model("evaluation", "TestUser").objects.create(
            test_id=test.pk, user_id=analyst.pk, role="analyst"
        )
        inscription = old.get_model("applications", "Inscription").objects.create(
            registry_number="INS-MIGRACION",
            call_id=call.pk,
            position_id=position.pk,
            user_id=make_user(username="aspirante_migracion").pk,
            request_key=uuid.uuid4(),
            snapshot={},
            snapshot_sha256="0" * 64,
            submitted_at=datetime(2026, 3, 1, tzinfo=UTC),
        )
        folder = old.get_model("evaluation", "Folder").objects.create(
            test_id=test.pk, inscription_id=inscription.pk
        )
        for model in MOVED:
            ContentType.objects.get_or_create(app_label="evaluation", model=model)

        migrate(AFTER)

        moved = calls.Test.objects.get(pk=test.pk)
        assert moved.process == calls.SelectionProcess.objects.get(pk=process.pk)
        assert moved.process.call == calls.Call.objects.get(pk=call.pk)
        assert list(moved.positions.all()) == [calls.Position.objects.get(pk=position.pk)]
        assert moved.audit_seed == test.audit_seed
        assert calls.Job.objects.get(pk=job.pk).opec_number == 987654
        assert calls.TestUser.objects.get(pk=link.pk).user_id == analyst.pk
        assert Folder.objects.get(pk=folder.pk).test == moved
        for model in MOVED:
            assert ContentType.objects.filter(app_label="calls", model=model).exists()
            assert not ContentType.objects.filter(app_label="evaluation", model=model).exists()
        assert audit_type(moved) == "evaluation.test"
        assert audit_type(moved.process) == "evaluation.selectionprocess"
    finally:
        migrate(latest())
