"""The operator's record moved from merito.evaluation to merito.organizations without
touching its rows: the record kept before the move is the same after it, its content type
follows, and its audit history keeps its name."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from merito.audit.services import audit_type
from merito.organizations.models import OperatorProfile, Organization, OrganizationKind
from tests.migrating import latest, migrate

BEFORE = [("evaluation", "0009_reportjob_to_reports"), ("organizations", "0001_initial")]
AFTER = [("evaluation", "0010_operatorprofile_to_organizations")]


@pytest.mark.django_db(transaction=True)
def test_an_operators_record_kept_before_the_move_is_the_same_after_it():
    try:
        old = migrate(BEFORE)
        operator = Organization.objects.create(
            name="Universidad Nacional", short_name="UNAL-X", kind=OrganizationKind.OPERATOR,
            country="CO",
        )  # fmt: skip
        record = old.get_model("evaluation", "OperatorProfile").objects.create(
            organization_id=operator.pk, nit="899999063", nit_check_digit="3"
        )
        ContentType.objects.get_or_create(app_label="evaluation", model="operatorprofile")
        migrate(AFTER)
        moved = OperatorProfile.objects.get(pk=record.pk)
        assert (moved.organization_id, moved.nit_label) == (operator.pk, "899999063-3")
        assert ContentType.objects.filter(app_label="organizations", model="operatorprofile")
        assert not ContentType.objects.filter(app_label="evaluation", model="operatorprofile")
        assert audit_type(moved) == "evaluation.operatorprofile"
    finally:
        migrate(latest())
