"""The evaluation's Celery tasks, for the worker's autodiscovery. Each is declared next to
the work it runs, so no module imports back into this one."""

from merito.evaluation.distribution import run_distribution

__all__ = ["run_distribution"]
