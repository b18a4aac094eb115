"""The reports' Celery task, for the worker's autodiscovery (declared next to its work)."""

from merito.reports.jobs import run_report

__all__ = ["run_report"]
