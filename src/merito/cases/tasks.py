from __future__ import annotations

from celery import shared_task


@shared_task(name="merito.cases.tasks.lapse_idle_cases")
def lapse_idle_cases() -> dict[str, int]:
    """Hourly: reminders for idle cases, and «Desistido» for those idle too long."""
    from merito.cases.services import cases_lapse

    return cases_lapse()
