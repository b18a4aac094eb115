"""Celery application. With ``REDIS_URL`` unset, tasks run in-process (eager)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merito.settings")

app = Celery("merito")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
