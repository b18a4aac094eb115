"""The evaluation's Celery tasks, for the worker's autodiscovery. Each is declared next to
the work it runs (``distribution``, ``reports``), so no module imports back into this one."""

from merito.evaluation.distribution import run_distribution
from merito.evaluation.reports import run_report

__all__ = ["run_distribution", "run_report"]
