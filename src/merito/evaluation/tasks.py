from __future__ import annotations

from celery import shared_task


@shared_task(name="merito.evaluation.tasks.run_distribution")
def run_distribution(job_id: int) -> str:
    """Run one automatic distribution scheduled with "Programar trabajo"."""
    from merito.evaluation.distribution import distribution_run

    return distribution_run(job_id).state


@shared_task(name="merito.evaluation.tasks.run_report")
def run_report(job_id: int) -> str:
    """Generate one large report (seed 004 §6) in the background."""
    from merito.evaluation.reports import report_run

    return report_run(job_id).state
