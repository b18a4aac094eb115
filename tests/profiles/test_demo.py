from __future__ import annotations

import pytest

from merito.demo.people import load_demo_data
from merito.demo.profiles import load_demo_profiles
from merito.documents.models import Document
from merito.profiles.models import Education, Experience, Institution, Profile, Program
from merito.profiles.selectors import profile_missing

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Institution, Program, Profile, Education, Experience, Document)
    }


def test_the_demo_loader_is_idempotent():
    load_demo_data()
    load_demo_profiles()
    first = counts()
    load_demo_profiles()
    assert counts() == first
    assert first["Institution"] >= 12
    assert Institution.objects.filter(country="PE").exists()
    assert Institution.objects.filter(is_foreign=True, country="BR").exists()
    assert first["Profile"] == 1
    # One certificate supports the three teaching lines and the directive post.
    assert Experience.objects.values("document").distinct().count() == 1


def test_the_demo_applicant_profile_is_complete():
    load_demo_data()
    load_demo_profiles()
    profile = Profile.objects.get()
    assert profile_missing(user=profile.user) == []
