"""The SQL watch behind every test: an UPDATE that sets a declared state column outside
``merito.states`` fails the test that ran it — whatever wrote it (a queryset, a
``Case``/``When``, a raw cursor)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from merito import states


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for machine in states.machines():
        table = re.escape(machine.model._meta.db_table)
        column = re.escape(machine.model._meta.get_field(machine.field).column)
        found.append(
            (
                machine.name,
                re.compile(
                    rf'^\s*UPDATE\s+"?{table}"?(?:\s+AS\s+\w+)?\s+SET\s+(?:(?!\sWHERE\s|\sFROM\s).)*?'
                    rf'(?<!\w)"?{column}"?\s*=',
                    re.IGNORECASE | re.DOTALL,
                ),
            )
        )
    return found


def state_write_outside_the_mechanism(sql: str) -> str | None:
    """The machine whose state ``sql`` sets, if it does so outside ``merito.states``."""
    if states.writing() or sql.lstrip()[:6].upper() != "UPDATE":
        return None
    return next((name for name, pattern in _patterns() if pattern.search(sql)), None)


def watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    machine = state_write_outside_the_mechanism(sql)
    if machine is not None:
        raise AssertionError(
            f"{machine}: a state written outside merito.states by this SQL: {sql[:300]}"
        )
    return execute(sql, params, many, context)
