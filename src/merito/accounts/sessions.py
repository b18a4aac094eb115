"""Sessions in the database, as Django's ``db`` engine keeps them, read with SQL written once.

Every signed-in request reads its session; the ORM would compile the same query each time
(about a millisecond of CPU, more than the database takes to answer it).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import SuspiciousOperation
from django.db import connection
from django.utils import timezone

from merito import rows


class SessionStore(DatabaseStore):
    def _get_session_from_db(self) -> Any:
        session = None
        try:
            session = rows.first(
                self.model,
                "t0.session_key = %s AND t0.expire_date > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
                order_by="",
            )
        except SuspiciousOperation as error:
            logging.getLogger(f"django.security.{type(error).__name__}").warning(str(error))
        if session is None:
            self._session_key = None
        return session
