"""Fixtures in the state a test needs, without walking every transition to get there.

Production code changes state only through ``merito.states`` (its guard refuses anything
else); a test that *arranges* an object directly in a later state says so by writing it
inside ``arranged()``. A test that checks a move itself calls the machine instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from merito.states import _mechanism


@contextmanager
def arranged() -> Iterator[None]:
    with _mechanism():
        yield
