"""merito.rows reads and writes what the ORM would: the same values, the same order, the same
relations and signals; and the snapshot read through it is the one the ORM's reads give."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from merito import rows
from merito.accounts.backends import IdentifierBackend
from merito.accounts.sessions import SessionStore
from merito.applications.models import Inscription
from merito.calls.models import Call, Position
from merito.profiles.demo import _fill_profile, load_demo_catalogue
from merito.profiles.models import (
    Education,
    InformalEducation,
    Institution,
    Profile,
    QualityProcess,
)
from merito.profiles.selectors import (
    ENTRY_MODELS,
    entry_data,
    entry_list,
    profile_missing,
    profile_snapshot,
)
from tests.calls.conftest import make_call, minedu  # noqa: F401  (fixtures)
from tests.conftest import make_user, sign_in
from tests.documents.conftest import storage_dir  # noqa: F401

pytestmark = pytest.mark.django_db


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def person(storage_dir):  # noqa: F811
    user = make_user(email="filas@example.org", given_names="Filas", phone="3001234567")
    load_demo_catalogue()
    _fill_profile(user)
    profile = Profile.objects.get(user=user)
    # The sections the demo leaves empty, and an education with no program (a null join).
    if not QualityProcess.objects.filter(profile=profile).exists():
        QualityProcess.objects.create(
            profile=profile, kind="cna", year=2019, institution_name="UdeA"
        )
    InformalEducation.objects.create(
        profile=profile,
        name="Curso de evaluación",
        institution_name="ICFES",
        start_date=date(2020, 2, 1),
        end_date=date(2020, 3, 1),
        hours=40,
    )
    foreign = Institution.objects.create(name="Universidad de Chile", country="CL", city="Santiago")
    Education.objects.create(profile=profile, level="doctorate", institution=foreign)
    return user


def orm_state(user):
    """The reference: the profile and its sections read by the ORM, relations included."""
    profile = Profile.objects.get(user=user)
    return profile, {
        name: list(entry_list(user=user, model=model)) for name, model in ENTRY_MODELS.items()
    }


def test_the_snapshot_is_the_one_the_orm_reads_give(person):
    reference = orm_state(person)
    assert all(reference[1].values()), "every section has entries"
    assert profile_snapshot(user=person) == profile_snapshot(user=person, state=reference)
    assert profile_missing(user=person) == profile_missing(user=person, state=reference)


def test_fetch_gives_the_orm_values_order_and_relations(person):
    profile = Profile.objects.get(user=person)
    for model in ENTRY_MODELS.values():
        related = tuple(
            f.name for f in model._meta.concrete_fields if f.many_to_one and f.name != "profile"
        )
        expected = list(model.objects.filter(profile=profile).select_related(*related))
        got = rows.fetch(model, "t0.profile_id = %s", [profile.pk], related=related)
        assert [fields(row) for row in got] == [fields(row) for row in expected]
        for mine, theirs in zip(got, expected, strict=True):
            assert entry_data(mine) == entry_data(theirs)
            for name in related:  # already in the cache: no query, None for a null key
                assert model._meta.get_field(name).is_cached(mine)
                other = getattr(theirs, name)
                assert (getattr(mine, name) and fields(getattr(mine, name))) == (
                    other and fields(other)
                )


@pytest.fixture
def position(make_call, minedu):  # noqa: F811
    call = make_call(minedu, code="FILAS-1")
    return Position.objects.create(call=call, code="P1", name="Profesional", vacancies=2)


def unsaved(position, person, **fields) -> Inscription:
    """A new inscription of ``person`` to ``position`` (a fresh request key unless given)."""
    values = {
        "call": position.call,
        "position": position,
        "user": person,
        "request_key": uuid.uuid4(),
        "snapshot": {},
        "snapshot_sha256": "b" * 64,
        "submitted_at": timezone.now(),
        **fields,
    }
    return Inscription(**values)


def test_fetch_joins_two_levels_and_adds_extra_columns(position, django_assert_num_queries):
    call = position.call
    with django_assert_num_queries(1):
        position = rows.first(
            Position,
            "t1.code = %s AND t0.code = %s",
            [call.code, "P1"],
            related=("call", "call__organization"),
            extra=(("doubled", "t0.vacancies * 2"),),
        )
        assert position.call.organization.pk == call.organization_id
        assert position.call.code == "FILAS-1"
        assert position.doubled == 4
    assert rows.first(Position, "t0.code = %s", ["P9"]) is None


def test_insert_and_update_store_what_the_orm_stores_and_send_the_signals(person, position):
    call = position.call
    heard = []

    def listen(sender, instance, created, update_fields, **kwargs):
        heard.append((created, update_fields))

    post_save.connect(listen, sender=Inscription)
    try:
        key = uuid.uuid4()
        snapshot = {"version": 1, "nombre": "Ñandú", "lista": [1, "2.50", None]}
        made = rows.insert(
            Inscription(
                call=call,
                position=position,
                user=person,
                request_key=key,
                snapshot=snapshot,
                snapshot_sha256="a" * 64,
                submitted_at=timezone.now(),
            )
        )
        made.registry_number = f"FILAS-1-{made.pk:07d}"
        rows.update(made, "registry_number")
    finally:
        post_save.disconnect(listen, sender=Inscription)
    assert heard == [(True, None), (False, frozenset({"registry_number"}))]
    stored = Inscription.objects.get(pk=made.pk)
    assert fields(stored) == fields(made)
    assert stored.snapshot == snapshot and stored.request_key == key
    # Read back by key: the UUID as the database keeps it (text on SQLite).
    prepared = Inscription._meta.get_field("request_key").get_db_prep_value(key, connection)
    assert fields(rows.first(Inscription, "t0.request_key = %s", [prepared])) == fields(stored)


def test_the_session_engine_reads_live_sessions_only(person, client):
    sign_in(client, person)
    key = client.cookies["sessionid"].value
    assert SessionStore(key).load()[SESSION_KEY] == str(person.pk)
    assert client.get(reverse("applications:list")).status_code == 200
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    response = client.get(reverse("applications:list"))
    assert response.status_code == 302 and "/cuentas/ingresar/" in response["Location"]
    assert SessionStore("no-existe-" + "x" * 22).load() == {}


def test_the_backend_gives_active_users_only(person):
    backend = IdentifierBackend()
    assert fields(backend.get_user(str(person.pk))) == fields(
        type(person).objects.get(pk=person.pk)
    )
    assert backend.get_user("no-es-un-número") is None
    assert backend.get_user(str(person.pk + 1000)) is None
    type(person).objects.filter(pk=person.pk).update(is_active=False)
    assert backend.get_user(person.pk) is None


def test_an_id_taken_from_the_sequence_goes_in_with_the_row(person, position):
    """PostgreSQL: the registry number is written with the row (no UPDATE); the ids taken
    are the sequence's, so rows inserted without one never collide. SQLite has no sequence."""
    taken = rows.next_id(Inscription)
    if connection.vendor != "postgresql":
        assert taken is None
        return

    def new(**fields):
        return unsaved(position, person, **fields)

    first = rows.insert(new(id=taken, registry_number=f"N-{taken}", state="withdrawn"))
    after = rows.insert(new(registry_number="N-siguiente"))
    assert first.pk == taken and after.pk > taken
    assert Inscription.objects.get(pk=taken).registry_number == f"N-{taken}"


def test_models_with_their_own_save_are_refused():
    from merito.profiles.models import Institution

    with pytest.raises(TypeError, match="overrides save"):
        rows.insert(Institution(name="X", country="CO"))


def test_statements_are_counted_when_something_watches_the_queries(position):
    """assertNumQueries, DEBUG and execute_wrapper see what rows sends (Django's cursor is
    used then); unwatched, the kept cursor is reused and answers the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        assert rows.first(Position, "t0.code = %s", ["P1"]).pk == position.pk
    assert len(seen) == 1 and "FROM" in seen[0]["sql"]
    sent = []
    with connection.execute_wrapper(lambda run, sql, *args: sent.append(sql) or run(sql, *args)):
        rows.first(Position, "t0.code = %s", ["P1"])
    assert len(sent) == 1
    with rows.cursor() as first, rows.cursor() as second:
        assert first is second
    assert [p.pk for p in rows.fetch(Position, "t0.code = %s", ["P1"])] == [position.pk]


def test_errors_come_as_django_exceptions(person, position):
    from django.db import IntegrityError, transaction

    def new(key):
        return unsaved(position, person, request_key=key, registry_number=f"E-{key.hex[:8]}")

    key = uuid.uuid4()
    rows.insert(new(key))
    with pytest.raises(IntegrityError), transaction.atomic():  # django.db's, not the driver's
        rows.insert(new(key))
    assert Inscription.objects.filter(request_key=key).count() == 1
    with rows.cursor() as cursor:  # the kept cursor goes on working after the error
        cursor.execute("SELECT COUNT(*) FROM applications_inscription")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_answered_just_now_is_not_pinged_an_idle_one_is(position, monkeypatch):
    """CONN_HEALTH_CHECKS (PostgreSQL) pings a reused connection at each request's first
    statement; rows skips that ping when the connection answered under a second ago, and a
    connection that died while idle longer is found dead and replaced."""
    from django.db import close_old_connections, connections

    connection = connections["default"]
    if not connection.settings_dict.get("CONN_HEALTH_CHECKS"):
        pytest.skip("health checks are on for PostgreSQL only (SQLite has no server to lose)")
    import psycopg

    pings = []
    real = type(connection).is_usable
    monkeypatch.setattr(type(connection), "is_usable", lambda db: pings.append(1) or real(db))

    def request() -> int:
        close_old_connections()  # what Django does when a request starts
        with rows.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return int(cursor.fetchone()[0])

    before = request()
    pings.clear()
    assert request() == before and pings == []  # answered just now: no SELECT 1
    monkeypatch.setattr(rows, "RECENT_ANSWER_SECONDS", 0.0)  # as if idle for a while
    with psycopg.connect(
        host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [before])
    after = request()
    assert pings == [1] and after != before  # pinged, found dead, a new connection answered
    assert rows.first(Position, "t0.code = %s", ["P1"]).pk == position.pk


def test_attach_joins_a_row_on_a_condition_of_its_own(position, django_assert_num_queries):
    """The inscription POST reads the position, its call, organization and the call's
    inscription stage at once: the first inscription stage in the cronograma's order, the
    one the service would read, or None when the call has none."""
    from merito.applications import services
    from merito.calls.models import Stage, StageKind

    call = position.call

    def read():
        return rows.first(
            Position,
            "t1.code = %s AND t0.code = %s",
            [call.code, "P1"],
            related=("call", "call__organization"),
            attach=(services.with_inscription_stage("call", "t1", "t3"),),
            order_by="",
        )

    found = read()
    with django_assert_num_queries(0):
        assert services.inscription_stage(found.call) is None
    today = date.today()
    for order, name, kind in [
        (3, "Tercera", StageKind.INSCRIPTIONS),
        (1, "Publicación", StageKind.OTHER),
        (2, "Segunda", StageKind.INSCRIPTIONS),
        (2, "Segunda bis", StageKind.INSCRIPTIONS),
    ]:
        Stage.objects.create(
            call=call, name=name, kind=kind, order=order, start_date=today, end_date=today
        )
    expected = Stage.objects.filter(call=call, kind=StageKind.INSCRIPTIONS).first()
    assert expected.name == "Segunda"
    with django_assert_num_queries(1):
        found = read()
        stage = services.inscription_stage(found.call)
        assert fields(stage) == fields(expected)
        assert stage.call is found.call and stage.call.organization.pk == call.organization_id
    assert services.inscription_stage(Call.objects.get(pk=call.pk)).pk == expected.pk


@pytest.mark.django_db(transaction=True)
def test_together_writes_all_or_nothing_in_one_statement_on_postgresql(person, position):
    from django.db import IntegrityError, connection
    from django.test.utils import CaptureQueriesContext

    from merito.notifications.models import OutboundEmail

    heard, later = [], []

    def listen(sender, instance, created, **kwargs):
        heard.append((sender.__name__, instance.pk))

    def new(key, registry):
        return unsaved(position, person, request_key=key, registry_number=registry)

    post_save.connect(listen, sender=OutboundEmail)
    try:
        with CaptureQueriesContext(connection) as seen, rows.together():
            inscription = rows.insert(new(uuid.uuid4(), "T-1"))
            mail = rows.insert(OutboundEmail(kind="k", to="a@example.org", subject="s"))
            rows.after(lambda: later.append(mail.pk))
            if rows.holding():
                assert mail.pk is None and heard == [] and later == []  # held to the end
                with pytest.raises(RuntimeError, match="together"):
                    rows.update(inscription, "registry_number")
    finally:
        post_save.disconnect(listen, sender=OutboundEmail)
    assert mail.pk is not None and heard == [("OutboundEmail", mail.pk)] and later == [mail.pk]
    assert OutboundEmail.objects.filter(pk=mail.pk).exists()
    assert Inscription.objects.filter(registry_number="T-1").exists()
    if connection.vendor == "postgresql":
        assert len(seen) == 1 and seen[0]["sql"].startswith("WITH ")  # no BEGIN, no COMMIT
        assert rows.holding() is False
    # A failing write takes the others with it.
    before = OutboundEmail.objects.count()
    with pytest.raises(IntegrityError), rows.together():
        rows.insert(OutboundEmail(kind="k", to="b@example.org", subject="s"))
        rows.insert(new(inscription.request_key, "T-2"))  # the same request key
    assert OutboundEmail.objects.count() == before
    assert not Inscription.objects.filter(registry_number="T-2").exists()


def test_a_failed_together_block_leaves_the_callers_transaction_usable(person, position):
    """Inside a transaction (this test's own), a write refused by a unique key rolls back
    to a savepoint, as atomic() would: the caller can still read and write."""
    from django.db import IntegrityError

    def new(key, registry):
        return unsaved(position, person, request_key=key, registry_number=registry)

    key = uuid.uuid4()
    with rows.together():
        rows.insert(new(key, "S-1"))
    with pytest.raises(IntegrityError), rows.together():
        rows.insert(new(key, "S-2"))
    assert Inscription.objects.filter(request_key=key).count() == 1  # still usable
    third = new(uuid.uuid4(), "S-3")
    third.state = "withdrawn"  # one active inscription per call
    with rows.together():
        rows.insert(third)
    assert Inscription.objects.filter(registry_number__in=["S-1", "S-3"]).count() == 2
