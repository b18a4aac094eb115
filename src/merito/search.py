"""The search boxes of the lists: every word typed must appear in one of the fields."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


def each_word(rows: QuerySet[M], query: str, *fields: str) -> QuerySet[M]:
    """``rows`` where each word of ``query`` is in at least one of ``fields`` (case
    insensitive, anywhere in the text); all of them when ``query`` is blank."""
    for word in query.split():
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        rows = rows.filter(condition)
    return rows
