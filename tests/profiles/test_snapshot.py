"""The snapshot freezes the evidence: stable, JSON-ready, with documents by SHA-256."""

from __future__ import annotations

import datetime
import json

import pytest

from merito.profiles.models import Dedication, Education, Experience
from merito.profiles.selectors import (
    ENTRY_MODELS,
    entry_data,
    entry_list,
    profile_get,
    profile_snapshot,
)
from merito.profiles.services import profile_entry_save, profile_update
from tests.documents.conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(alice, profile, unal, masters):
    profile.nit = "9003739134"
    profile.ethnic_group = "none"
    profile_update(user=alice, profile=profile, uploads={"rut_document": pdf_upload()})
    profile_entry_save(
        user=alice,
        entry=Education(
            profile=profile,
            level="masters",
            institution=unal,
            program=masters,
            graduation_date=datetime.date(2010, 6, 1),
        ),
        uploads={"document": pdf_upload(name="diploma.pdf")},
    )
    for start in (datetime.date(2011, 1, 1), datetime.date(2005, 1, 1)):
        profile_entry_save(
            user=alice,
            entry=Experience(
                profile=profile,
                institution_name="Universidad de Antioquia",
                role="Profesora",
                start_date=start,
                end_date=start + datetime.timedelta(days=700),
                dedication=Dedication.FULL_TIME,
                kind="teaching",
            ),
        )
    return alice


def dump(snapshot) -> str:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False)


def test_the_same_profile_gives_the_same_snapshot(filled):
    first = profile_snapshot(user=filled)
    assert dump(first) == dump(profile_snapshot(user=filled))


def test_the_snapshot_is_json_with_iso_dates_and_document_hashes(filled):
    snapshot = json.loads(dump(profile_snapshot(user=filled)))
    assert snapshot["version"] == 1
    assert snapshot["person"]["document_number"] == filled.document_number
    assert snapshot["profile"]["nit"] == "9003739134"
    assert snapshot["profile"]["birth_date"] == "1985-04-02"
    assert len(snapshot["profile"]["rut_document"]["sha256"]) == 64
    (education,) = snapshot["education"]
    assert education["graduation_date"] == "2010-06-01"
    assert education["institution"]["snies_code"] == "1101"
    assert education["program"]["name"] == "Maestría en Educación"
    assert education["document"]["kind"] == "diploma"
    ids = [row["id"] for row in snapshot["experience"]]
    assert ids == sorted(ids)


def test_a_taken_snapshot_does_not_follow_later_changes(filled):
    before = dump(profile_snapshot(user=filled))
    experience = Experience.objects.first()
    experience.role = "Decana"
    profile_entry_save(user=filled, entry=experience)
    assert dump(profile_snapshot(user=filled)) != before
    assert "Decana" not in before


def test_a_person_without_profile_has_an_empty_snapshot(bob):
    snapshot = profile_snapshot(user=bob)
    assert snapshot["profile"] is None
    assert snapshot["education"] == []
    json.dumps(snapshot)


def test_the_snapshot_reads_the_profile_then_only_the_sections_with_entries(
    filled, django_assert_num_queries
):
    # Profile with its documents and which sections have entries; education and experience
    # with their documents, institution and program.
    with django_assert_num_queries(3):
        snapshot = profile_snapshot(user=filled)
    assert snapshot["profile"] == entry_data(profile_get(user=filled))
    for name, model in ENTRY_MODELS.items():
        one_by_one = sorted(entry_list(user=filled, model=model), key=lambda row: row.pk)
        assert snapshot[name] == [entry_data(row) for row in one_by_one], name
