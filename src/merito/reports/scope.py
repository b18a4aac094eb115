"""Who sees which processes and tests in the inscription search and the reports, and whose
background exports are whose.

The role gate: Gerencia del proceso, the operator's administrator and its supervisors open
the reports; anyone else gets 403 in the views. The object scope is the calls context's
(``merito.calls.scope``): Gerencia sees the processes of its organizations, the operator's
people those with a test awarded to their operator. A report generated in the background
is its requester's alone.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from merito.calls import scope as calls_scope
from merito.calls.models import SelectionProcess, Test
from merito.reports.models import ReportJob
from merito.scope import declare_scope

VIEW_PERMS = (
    "merito.access_process_management",
    "merito.access_operator",
    "merito.access_supervision",
)


def can_view(user: Any) -> bool:
    return any(user.has_perm(perm) for perm in VIEW_PERMS)


def visible_processes(user: Any) -> QuerySet[SelectionProcess]:
    """Processes whose inscriptions, results and reports ``user`` may see."""
    return calls_scope.visible_processes(user).order_by("call__code")


def visible_tests(user: Any, process: SelectionProcess) -> QuerySet[Test]:
    """Tests of a visible process: all for its Gerencia, its own operator's for the rest."""
    return calls_scope.visible_tests(user).filter(process=process).order_by("pk")


def visible_report_jobs(user: Any) -> QuerySet[ReportJob]:
    if not getattr(user, "is_authenticated", False):
        return ReportJob.objects.none()
    return ReportJob.objects.filter(created_by_id=user.pk)


@rules.predicate
def can_view_report_job(user: Any, job: ReportJob) -> bool:
    return getattr(user, "is_authenticated", False) and job.created_by_id == user.pk


declare_scope(
    "reports.view_reportjob", ReportJob, visible_to=visible_report_jobs, allows=can_view_report_job
)
