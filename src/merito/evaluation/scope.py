"""Who reaches which folders and distribution jobs (seed 004 §3.2.6).

A folder is open to whoever sees its test (``merito.calls.scope``: Gerencia of the process,
the operator's administrator and supervisors) and to the three people who hold it now
(supervisor, analyst, auditor). A distribution job is seen with its test.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from merito.calls.scope import can_view_test, visible_tests
from merito.evaluation.models import FOLDER_ROLE_FIELDS, DistributionJob, Folder
from merito.scope import declare_scope


def held_by(user: Any) -> Q:
    """The condition of a folder ``user`` holds now, in any role."""
    condition = Q(pk__in=[])
    if getattr(user, "is_authenticated", False):
        for field in FOLDER_ROLE_FIELDS.values():
            condition |= Q(**{f"{field}_id": user.pk})
    return condition


def visible_folders(user: Any) -> QuerySet[Folder]:
    return Folder.objects.filter(held_by(user) | Q(test_id__in=visible_tests(user).values("pk")))


@rules.predicate
def can_open_folder(user: Any, folder: Folder) -> bool:
    holders = {getattr(folder, f"{field}_id") for field in FOLDER_ROLE_FIELDS.values()}
    if getattr(user, "is_authenticated", False) and user.pk in holders:
        return True
    return bool(can_view_test(user, folder.test))


def visible_distribution_jobs(user: Any) -> QuerySet[DistributionJob]:
    return DistributionJob.objects.filter(test_id__in=visible_tests(user).values("pk"))


@rules.predicate
def can_view_distribution_job(user: Any, job: DistributionJob) -> bool:
    return bool(can_view_test(user, job.test))


declare_scope("evaluation.view_folder", Folder, visible_to=visible_folders, allows=can_open_folder)
declare_scope(
    "evaluation.view_distributionjob",
    DistributionJob,
    visible_to=visible_distribution_jobs,
    allows=can_view_distribution_job,
)
