"""Object scope: for every declared scope, over every object of the demo (with a second
organization of each staff kind) and every person with a role, an object is in
``visible_to(person)`` exactly when the predicate allows it. The selector (SQL) and the
predicate (Python) are written apart, so either one drifting fails here."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from merito.accounts.models import User
from merito.calls.models import SelectionProcess, Test
from merito.evaluation.models import Folder
from merito.peers.models import PeerMembership
from merito.scope import declared_scopes
from tests.web.matrix_world import build_world

pytestmark = pytest.mark.django_db

SCOPES = {scope.name: scope for scope in declared_scopes()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), build_world(tmp_path_factory.mktemp("media")) as built:
        yield built


@pytest.fixture
def people(world, django_db_blocker):
    """Everyone with a role or a superuser, two applicants, and an anonymous visitor; each
    read fresh, so no per-request cache carries over from another test."""
    with django_db_blocker.unblock():
        staff = User.objects.filter(
            Q(role_assignments__isnull=False) | Q(is_superuser=True) | Q(is_staff=True)
        ).distinct()
        applicants = User.objects.exclude(pk__in=staff.values("pk")).order_by("pk")[:2]
        return [AnonymousUser(), *staff.order_by("pk"), *applicants]


def test_every_context_with_staff_pages_declares_its_scopes():
    assert {
        "calls.view_selectionprocess",
        "calls.manage_selectionprocess",
        "calls.view_test",
        "organizations.view_operator",
        "accounts.edit_operator_user",
        "evaluation.view_folder",
        "evaluation.view_distributionjob",
        "peers.view_peermembership",
        "peers.view_peerimport",
        "peers.view_recognitionrequest",
        "peers.view_emailchangerequest",
        "cases.view_updatecase",
        "reports.view_reportjob",
    } <= set(SCOPES)


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_an_object_is_visible_exactly_when_the_predicate_allows_it(
    world, people, django_db_blocker, name
):
    scope = SCOPES[name]
    with django_db_blocker.unblock():
        objects = list(scope.model._default_manager.all())
        assert objects, f"la demo no tiene ningún objeto de {scope.model._meta.label}"
        allowed = denied = 0
        for person in people:
            visible = set(scope.visible_to(person).values_list("pk", flat=True))
            wrong = [obj.pk for obj in objects if (obj.pk in visible) != scope.test(person, obj)]
            assert not wrong, f"{name}: {person} — el selector y el predicado difieren en {wrong}"
            allowed += len(visible)
            denied += len(objects) - len(visible)
    # Neither everyone sees everything nor nobody sees anything: the scope decides.
    assert allowed and denied


def _person(username):
    return User.objects.get(username=username)


def test_golden_the_peer_bank_is_the_men_s_and_not_minedu_s(world, django_db_blocker):
    scope = SCOPES["peers.view_peermembership"]
    with django_db_blocker.unblock():
        members = PeerMembership.objects.count()
        assert scope.visible_to(_person("verificador1")).count() == members
        assert scope.visible_to(_person("verificador.minedu")).count() == 0
        assert not scope.test(_person("verificador.minedu"), PeerMembership.objects.first())


def test_golden_processes_tests_and_folders_stay_within_their_organization(
    world, django_db_blocker
):
    with django_db_blocker.unblock():
        cnsc = SelectionProcess.objects.filter(call__organization__short_name="CNSC")
        other = _person("gerencia.otra")
        assert cnsc.exists()
        assert (
            not SCOPES["calls.view_selectionprocess"]
            .visible_to(other)
            .filter(pk__in=cnsc.values("pk"))
        )
        # The other operator's administrator sees none of UNAL's tests.
        unal_tests = Test.objects.filter(operator__short_name="UNAL-OP")
        assert unal_tests.exists()
        assert (
            not SCOPES["calls.view_test"]
            .visible_to(_person("admin.otro_operador"))
            .filter(pk__in=unal_tests.values("pk"))
        )
        # An analyst reaches exactly the folders they hold.
        analyst = _person("analista1")
        held = set(Folder.objects.filter(analyst=analyst).values_list("pk", flat=True))
        assert held
        visible = set(
            SCOPES["evaluation.view_folder"].visible_to(analyst).values_list("pk", flat=True)
        )
        assert visible == held
