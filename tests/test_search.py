"""merito.search.each_word: the search boxes of the lists."""

from __future__ import annotations

import pytest

from merito.accounts.models import User
from merito.search import each_word
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_every_word_must_be_in_some_field_whatever_the_case() -> None:
    ana = make_user(given_names="Ana María", first_surname="Rojas")
    make_user(given_names="Ana", first_surname="Pérez")
    make_user(given_names="Luis", first_surname="Rojas")
    people = User.objects.order_by("pk")
    fields = ("given_names", "first_surname")
    assert list(each_word(people, "ana ROJAS", *fields)) == [ana]
    assert list(each_word(people, "  maría  ", *fields)) == [ana]
    assert each_word(people, "ana gómez", *fields).count() == 0
    assert each_word(people, "", *fields).count() == people.count() == 3
