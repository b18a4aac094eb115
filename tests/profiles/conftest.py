"""People, a small catalogue and PDFs for the profile tests."""

from __future__ import annotations

import datetime

import pytest

from merito.profiles.models import Institution, Profile, Program
from merito.profiles.services import profile_get_or_create
from tests.conftest import make_user
from tests.documents.conftest import make_pdf, pdf_upload, storage_dir  # noqa: F401

__all__ = ["make_pdf", "pdf_upload"]


@pytest.fixture
def bob(db):
    """Bob is another applicant; his entries must stay invisible to Alice."""
    return make_user(email="bob@example.org", given_names="Bob")


@pytest.fixture
def profile(alice) -> Profile:
    profile = profile_get_or_create(user=alice)
    profile.birth_date = datetime.date(1985, 4, 2)
    profile.save()
    return profile


@pytest.fixture
def unal(db) -> Institution:
    return Institution.objects.create(
        name="Universidad Nacional de Colombia", country="CO", city="Bogotá D.C.", snies_code="1101"
    )


@pytest.fixture
def masters(unal) -> Program:
    return Program.objects.create(institution=unal, name="Maestría en Educación", level="masters")
