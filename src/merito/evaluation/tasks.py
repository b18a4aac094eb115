from __future__ import annotations

from celery import shared_task


@shared_task(name="merito.evaluation.tasks.run_distribution")
def run_distribution(job_id: int) -> str:
    """Run one automatic distribution scheduled with "Programar trabajo"."""
    from merito.evaluation.distribution import distribution_run

    return distribution_run(job_id).state
