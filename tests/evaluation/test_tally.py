# ruff: noqa: F811 - the folder fixtures of test_folders are imported, then requested by name
"""The folder tally the database keeps (merito.evaluation.tally): counters and list totals
read it, so after every kind of write it must equal a fresh count of the folders."""

from __future__ import annotations

import pytest
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merito.applications.services import inscription_withdraw
from merito.applications.states import INSCRIPTION
from merito.evaluation import distribution, tally
from merito.evaluation.models import Folder, FolderState, FolderTally
from merito.organizations.models import Role
from tests.arrange import arranged
from tests.conftest import make_user, sign_in
from tests.evaluation.test_folders import (  # noqa: F401 - fixtures
    _assign_all,
    folders,
    inscribe,
    inscriptions,
    jobs,
    step,
    team,
    test,
)

pytestmark = pytest.mark.django_db


def counted(test, **filters):
    return Folder.objects.filter(test=test, active=True, **filters).count()


def test_sync_distribution_and_every_transition_keep_the_tally_exact(luz, test, folders, team):
    assert tally.drift(test.pk) == []
    assert distribution.tally_count(test) == 6
    assert distribution.tally_count(test, state=FolderState.UNASSIGNED) == 6
    assert distribution.tally_count(test, level="Técnico") == 2
    _assign_all(luz, test, folders, team)
    assert tally.drift(test.pk) == []
    assert distribution.tally_count(test, role=Role.ANALYST, user_id=team["ana"].pk) == 6
    assert distribution.tally_count(test, role=Role.AUDITOR) == 6
    step(folders[0], "score", team["ana"], passed=True, reason="Cumple")
    step(folders[0], "return", team["sofia"], reason="Revise el folio 2")
    step(folders[1], "score", team["ana"], passed=False, reason="No cumple")
    assert tally.drift(test.pk) == []
    assert distribution.tally_count(test, state=FolderState.RETURNED) == 1
    assert distribution.tally_count(test, state=FolderState.SCORED) == 1
    counted = distribution.user_counters(test, distribution.user_links(test))
    rows = {r["user"].username: r for r in counted}
    assert (rows["ana.analista"]["held"], rows["ana.analista"]["pending"]) == (6, 5)
    assert (rows["sofia.super"]["held"], rows["sofia.super"]["pending"]) == (6, 6)


def test_the_automatic_job_moves_the_tally_in_its_chunks(luz, test, folders, team):
    distribution.distribution_schedule(test=test, kind="automatic", by=luz)
    assert tally.drift(test.pk) == []
    assert distribution.tally_count(test, state=FolderState.UNASSIGNED) == 0
    total = distribution.level_counters(test)[-1]
    assert (total["total"], total["distributed"], total["assigned"]) == (6, 6, 6)


def test_a_withdrawn_inscription_leaves_the_lists_and_the_counters(
    luz, test, folders, team, jobs, monkeypatch
):
    folder = folders[0]
    inscription = folder.inscription
    # Withdrawal is the applicant's, inside the window; here only its effect matters.
    monkeypatch.setattr("merito.applications.services.window_refusal", lambda call, now: None)
    inscription_withdraw(inscription=inscription, user=inscription.user)
    folder.refresh_from_db()
    assert folder.active is False
    assert distribution.tally_count(test) == 5 == counted(test)
    assert folder.pk not in {f.pk for f in distribution.active_folders(test)}
    assert tally.drift(test.pk) == []
    # Reinstated (by the platform's staff): back in.
    inscription.refresh_from_db()
    INSCRIPTION.move(
        inscription, "reinstate", by=make_user(username="plataforma", is_superuser=True)
    )
    assert Folder.objects.get(pk=folder.pk).active is True
    assert distribution.tally_count(test) == 6 and tally.drift(test.pk) == []


def test_new_folders_copy_what_the_lists_sort_on(test, jobs):
    inscription = inscribe(jobs[1], document_number="52123456")
    distribution.folders_sync(test=test)
    folder = Folder.objects.get(inscription=inscription)
    assert folder.registry_number == inscription.registry_number
    assert folder.document_number == "52123456"
    assert folder.opec_number == jobs[1].job.opec_number
    assert folder.level == "Técnico" and folder.active


def test_rebuild_mends_a_tally_written_around(test, folders):
    FolderTally.objects.filter(test=test).update(n=F("n") + 7)
    assert tally.drift(test.pk)
    tally.rebuild(test.pk)
    assert tally.drift(test.pk) == []
    assert distribution.tally_count(test) == 6


STATES = [s.value for s in FolderState]
write = st.one_of(
    st.tuples(st.just("state"), st.integers(0, 5), st.sampled_from(STATES)),
    st.tuples(st.just("holder"), st.integers(0, 5), st.sampled_from(["analyst", "auditor"])),
    st.tuples(st.just("drop"), st.integers(0, 5), st.just("auditor")),
    st.tuples(st.just("active"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("level"), st.integers(0, 5), st.sampled_from(["Asesor", "Técnico"])),
    st.tuples(st.just("bulk"), st.integers(0, 5), st.sampled_from(STATES)),
    st.tuples(st.just("delete"), st.integers(0, 5), st.just("")),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(write, max_size=12))
def test_any_sequence_of_writes_leaves_no_drift(test, folders, team, writes):
    """Single saves, UPDATEs of many rows at once and deletes: the tally always agrees."""
    from django.db import transaction

    try:
        with transaction.atomic():
            ids = [f.pk for f in folders]
            for kind, index, value in writes:
                rows = Folder.objects.filter(pk=ids[index])
                if kind == "state":
                    with arranged():  # the triggers under test see any write
                        rows.update(state=value, analyst=team["ana"])
                elif kind == "holder":
                    rows.update(**{value: team["andres" if value == "analyst" else "aurora"]})
                elif kind == "drop":
                    rows.update(**{value: None})
                elif kind == "active":
                    rows.update(active=value)
                elif kind == "level":
                    for folder in rows:
                        folder.level = value
                        folder.save()
                elif kind == "bulk":
                    with arranged():
                        Folder.objects.filter(pk__in=ids[index:]).update(
                            state=value, supervisor=team["sofia"]
                        )
                else:
                    rows.delete()
                assert tally.drift(test.pk) == []
            raise _Rollback
    except _Rollback:
        pass
    assert tally.drift(test.pk) == []


class _Rollback(Exception):
    pass


# --- the lists that read it ---------------------------------------------------------------

FILTER_SETS = [
    {},
    {"nivel": "Profesional"},
    {"estado": "assigned"},
    {"estado": "unassigned"},
    {"nivel": "Técnico", "estado": "scored"},
    {"rol": "auditor"},
    {"rol": "analyst", "usuario": "ana"},
    {"usuario": "andres"},
    {"opec": "opec"},
    {"rol": "supervisor", "estado": "returned"},
]


def test_the_manual_list_total_and_unassigned_figure_match_the_rows(client, luz, test, jobs, team):
    """Whatever the filters, the figures the page prints (from the tally, or counted when
    the tally cannot answer) equal the folders it lists."""
    from merito.evaluation import folder_selectors
    from tests.evaluation.test_folders import manual_url

    for n in range(9):
        inscribe(jobs[n % 2])
    distribution.folders_sync(test=test)
    folders = list(Folder.objects.filter(test=test).order_by("pk"))
    distribution.folders_assign_selected(
        test=test,
        folder_ids=[f.pk for f in folders[:5]],
        users={Role.SUPERVISOR: team["sofia"], Role.ANALYST: team["ana"], Role.AUDITOR: None},
        by=luz,
    )
    distribution.folders_assign_selected(
        test=test,
        folder_ids=[f.pk for f in folders[5:7]],
        users={Role.SUPERVISOR: None, Role.ANALYST: team["andres"], Role.AUDITOR: team["aurora"]},
        by=luz,
    )
    step(folders[0], "score", team["ana"], passed=True)
    step(folders[0], "return", team["sofia"], reason="Revise")
    step(folders[1], "score", team["ana"], passed=False)
    sign_in(client, luz)
    for raw in FILTER_SETS:
        params = dict(raw)
        if "usuario" in params:
            params["usuario"] = str(team[params["usuario"]].pk)
        if params.get("opec"):
            params["opec"] = str(jobs[1].job.opec_number)
        response = client.get(manual_url(test), params)
        assert response.status_code == 200, raw
        form = response.context["filters"]
        cleaned = dict(getattr(form, "cleaned_data", {}))
        cleaned["usuario"] = next(
            (u for u in team.values() if str(u.pk) == cleaned.get("usuario")), None
        )
        rows = folder_selectors.folder_list(test=test, filters=cleaned)
        page = response.context["page"]
        assert page.paginator.count == rows.count(), raw
        assert response.context["unassigned"] == rows.filter(state="unassigned").count(), raw
        assert [f.pk for f in page.object_list] == [f.pk for f in rows[:10]], raw


def test_a_deep_page_read_by_ids_gives_the_rows_a_slice_gives(test, jobs):
    from merito.evaluation import folder_selectors
    from merito.pagination import Keyed

    for n in range(23):
        inscribe(jobs[n % 2], document_number=f"{70000000 + (n * 7919) % 1000:08d}")
    distribution.folders_sync(test=test)
    for order in ("", "-documento", "opec", "-nivel", "estado"):
        rows = folder_selectors.folder_list(test=test, filters={}, order=order)
        paginator = Keyed(rows, 5, count=lambda: distribution.tally_count(test))
        assert paginator.count == 23 and paginator.num_pages == 5
        for number in (1, 3, 5):
            got = [f.pk for f in paginator.get_page(number).object_list]
            assert got == [f.pk for f in rows[(number - 1) * 5 : number * 5]], (order, number)


def test_without_a_known_total_rows_are_counted_up_to_a_cap(test, jobs):
    from merito.pagination import Keyed

    for n in range(12):
        inscribe(jobs[n % 2])
    distribution.folders_sync(test=test)
    rows = Folder.objects.filter(test=test).order_by("pk")
    exact = Keyed(rows, 5, cap=20).get_page(1)
    assert (exact.paginator.count, exact.paginator.at_least, exact.paginator.floor) == (
        12,
        False,
        12,
    )
    capped = Keyed(rows, 2, cap=4).get_page(1)
    # More than 4: the page says so, and there is a next page to go on with.
    assert capped.paginator.at_least and capped.paginator.floor == 4 and capped.has_next()
    deep = Keyed(rows, 2, cap=4).get_page(5)  # asked deeper than the cap: counted that far
    assert deep.number == 5 and [f.pk for f in deep.object_list] == [f.pk for f in rows[8:10]]
    assert deep.has_next() and deep.paginator.at_least
    last = Keyed(rows, 2, cap=4).get_page(6)
    assert last.number == 6 and not last.has_next() and not last.paginator.at_least


def test_the_folder_tally_command_checks_and_rebuilds(test, folders):
    from django.core.management import CommandError, call_command

    call_command("folder_tally", "check")
    FolderTally.objects.filter(test=test, role="").update(n=F("n") + 1)
    with pytest.raises(CommandError, match="difieren"):
        call_command("folder_tally", "check", "--prueba", str(test.pk))
    call_command("folder_tally", "rebuild")
    call_command("folder_tally", "check")
