"""Every Django process sends mail through merito's Celery app, not Celery's default one."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import django
django.setup()
from merito.notifications.tasks import send_email
app = send_email._get_app()
print(app.main, app.conf.task_always_eager, app.conf.broker_url)
"""


def test_a_fresh_django_process_uses_merito_celery_app_in_process_without_broker() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "merito.settings", "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    env.pop("MERITO_TESTING", None)
    command = [sys.executable, "-c", SCRIPT]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    main, eager, broker = out.stdout.split()
    assert main == "merito"
    assert eager == "True", "without REDIS_URL mail must be sent in-process, not queued to amqp://"
    assert "amqp" not in broker
