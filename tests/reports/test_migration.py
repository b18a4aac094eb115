"""ReportJob moved from merito.evaluation to merito.reports without touching its rows: a
job scheduled before the move is the same job after it, its content type follows (so the
admin's history and the permissions do), and its audit history keeps its name."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from merito.audit.services import audit_type
from merito.reports.models import ReportJob
from tests.conftest import make_user
from tests.migrating import latest, migrate

BEFORE = [("evaluation", "0008_fewer_fk_indexes"), ("reports", None)]
AFTER = [("evaluation", "0009_reportjob_to_reports")]


@pytest.mark.django_db(transaction=True)
def test_a_job_scheduled_before_the_move_is_the_same_job_after_it():
    try:
        old = migrate(BEFORE)
        user = make_user(username="luz.gerencia", email="luz@example.org")
        job = old.get_model("evaluation", "ReportJob").objects.create(
            report="inscritos", format="pdf", total=6, created_by_id=user.pk
        )
        ContentType.objects.get_or_create(app_label="evaluation", model="reportjob")
        migrate(AFTER)
        moved = ReportJob.objects.get(pk=job.pk)
        assert (moved.report, moved.format, moved.total, moved.created_by_id) == (
            "inscritos",
            "pdf",
            6,
            user.pk,
        )
        assert ContentType.objects.filter(app_label="reports", model="reportjob").exists()
        assert not ContentType.objects.filter(app_label="evaluation", model="reportjob").exists()
        assert audit_type(moved) == "evaluation.reportjob"
    finally:
        migrate(latest())
