"""Long jobs, one mechanism: what every background job shares (an abstract model: state,
progress, error and times) and the one way it runs (``job_run``), so each has a page that
shows how far it has gone.

A job row is created Programado by its context's service, which queues a Celery task; the
task calls ``job_run(Model, pk, work)``:

* Programado → En ejecución with a compare-and-set (two workers given the same job: one
  runs it, the other returns);
* ``work(job, progress)`` does the work, calling ``progress(done)`` (and ``total=`` once
  it knows) as it goes; it returns the fields to keep when it ends (a note, a file name);
* → Finalizado with those fields, or → Con error with a Spanish message (the refusal of a
  ``DomainError``, or "Error inesperado: …" for anything else, logged), whatever happens.

The progress page (``web.backoffice`` "trabajos") reads the same row and polls it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merito.errors import DomainError

logger = logging.getLogger(__name__)


class JobState(models.TextChoices):
    PENDING = "pending", gettext_lazy("Programado")
    RUNNING = "running", gettext_lazy("En ejecución")
    DONE = "done", gettext_lazy("Finalizado")
    FAILED = "failed", gettext_lazy("Con error")


FINISHED = (JobState.DONE, JobState.FAILED)


class BackgroundJob(models.Model):
    """What every background job shows while it runs: state, progress, error and times."""

    state = models.CharField(
        gettext_lazy("estado"), max_length=10, choices=JobState.choices, default=JobState.PENDING
    )
    total = models.PositiveIntegerField(gettext_lazy("total"), default=0)
    done = models.PositiveIntegerField(gettext_lazy("procesadas"), default=0)
    error = models.TextField(gettext_lazy("error"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("fecha creación"), auto_now_add=True)
    started_at = models.DateTimeField(gettext_lazy("fecha ejecución"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("fecha finalización"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


class Progress(Protocol):
    def __call__(self, done: int, *, total: int | None = None) -> None: ...


Job = TypeVar("Job", bound=BackgroundJob)


def job_run(
    model: type[Job],
    pk: int,
    work: Callable[[Job, Progress], Mapping[str, Any] | None],
    *,
    related: tuple[str, ...] = (),
) -> Job:
    """Run the job ``pk`` of ``model`` once; see the module docstring. Returns it, reread."""
    job = model._default_manager.select_related(*related).get(pk=pk)
    rows = model._default_manager.filter(pk=pk)
    taken = rows.filter(state=JobState.PENDING).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return job

    def progress(done: int, *, total: int | None = None) -> None:
        rows.update(done=done, **({"total": total} if total is not None else {}))

    try:
        kept = dict(work(job, progress) or {})
    except DomainError as error:
        _failed(rows, error.message)
    except Exception as error:  # the row must say it failed, whatever the cause
        logger.exception("%s %s failed", model._meta.label, pk)
        _failed(rows, _("Error inesperado: %(error)s") % {"error": error})
    else:
        rows.update(state=JobState.DONE, finished_at=timezone.now(), **kept)
    job.refresh_from_db()
    return job


def _failed(rows: models.QuerySet[Any], message: str) -> None:
    rows.update(state=JobState.FAILED, finished_at=timezone.now(), error=message[:2000])
