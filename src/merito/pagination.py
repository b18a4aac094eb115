"""Pages of lists that may hold 1,000,000 rows.

Django's ``Paginator`` counts with ``COUNT(*)`` and reads a page with ``OFFSET``: at page
5,000 of a million folders that means reading 50,000 whole rows to drop them. ``Keyed``
keeps the same API (templates and ``get_page`` unchanged) and changes two things:

- ``count``: a figure the caller already knows (a tally kept by the database) is used
  as is; otherwise the rows are counted up to a cap (see ``Keyed``);
- a page is read in two steps — the primary keys of the page (``ORDER BY … OFFSET …
  LIMIT``, which an index holding the sort key and the id answers without reading the
  table), then those rows with their relations — so a deep page costs about what the
  first one does. Two queries per page, whatever its number or size.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

CAP = 10_000


class Keyed(Paginator):
    """``count``: a callable giving the exact total when it is known cheaply (``None``
    when not). Otherwise the rows are counted only up to ``cap`` — or up to the page asked
    for, if deeper — and ``at_least`` tells the template the list goes on ("más de …"):
    counting 980,000 rows to print a number nobody pages through costs more than the page.
    ``cap=None`` counts everything."""

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        count: Callable[[], int | None] | None = None,
        cap: int | None = CAP,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.rows = object_list
        self._known = count
        self._cap = cap
        self._wanted = 1
        self.at_least = False

    def get_page(self, number: Any) -> Page:
        try:
            self._wanted = max(1, int(number))
        except (TypeError, ValueError):
            self._wanted = 1
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        known = self._known() if self._known is not None else None
        if known is not None:
            return known
        if self._cap is None:
            return int(self.rows.count())
        limit = max(self._cap, self._wanted * self.per_page) + 1
        counted = int(self.rows.order_by()[:limit].count())
        # One row past the limit: there is a next page, and the total is only "more than".
        self.at_least = counted >= limit
        return counted

    @property
    def floor(self) -> int:
        """The figure to show: the exact count, or the one the list has more than."""
        return self.count - 1 if self.at_least else self.count

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.floor)
        ids = list(self.rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in self.rows.filter(pk__in=ids).order_by()} if ids else {}
        return Page([found[pk] for pk in ids if pk in found], number, self)
