"""Locust: each virtual applicant, already signed in, POSTs one inscription and moves on to
the next account. Only the POST is timed (redirects are not followed)."""

from __future__ import annotations

import itertools
import os
import random
import secrets
import threading
import uuid
from pathlib import Path

from locust import FastHttpUser, constant, task

SESSIONS = Path(os.environ.get("BENCH_SESSIONS", "sessions.txt")).read_text().split()
CODE = os.environ.get("BENCH_CALL", "BENCH-2026")
_next = itertools.count()
_lock = threading.Lock()


def next_session() -> str | None:
    with _lock:
        index = next(_next)
    return SESSIONS[index] if index < len(SESSIONS) else None


class Applicant(FastHttpUser):
    wait_time = constant(0)

    @task
    def apply(self) -> None:
        session = next_session()
        if session is None:
            self.environment.runner.quit()
            return
        token = secrets.token_hex(16)  # 32 characters, as Django's CSRF secret
        with self.client.post(
            f"/inscripciones/nueva/{CODE}/",
            data={
                "csrfmiddlewaretoken": token,
                "request_key": str(uuid.uuid4()),
                "position": f"OPEC-{random.randrange(200):05d}",
            },
            headers={
                "Referer": self.host + f"/inscripciones/nueva/{CODE}/",
                "Cookie": f"sessionid={session}; csrftoken={token}",
            },
            allow_redirects=False,
            name="POST /inscripciones/nueva/[convocatoria]/",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") or ""
            if response.status_code == 302 and location.startswith("/inscripciones/" + CODE):
                response.success()
            else:
                response.failure(f"{response.status_code} {location or response.text[:200]}")
