import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from merito.audit import guard
from merito.audit.chain import GENESIS_HASH
from merito.audit.models import AuditEvent
from merito.audit.services import audit_record, audit_verify
from tests.conftest import make_user


@pytest.fixture
def chain(db):
    actor = make_user()
    for n in range(5):
        audit_record(
            action="tests.thing.changed",
            actor=actor,
            object_type="tests.thing",
            object_id=str(n),
            before={"score": f"{n}.5"},
            after={"score": f"{n + 1}.5", "nombre": "Peña"},
        )
    return list(AuditEvent.objects.order_by("id"))


def test_each_row_links_to_the_previous_one(chain):
    assert chain[0].previous_hash == GENESIS_HASH
    for earlier, later in itertools.pairwise(chain):
        assert later.previous_hash == earlier.entry_hash
    assert audit_verify().ok
    assert audit_verify().checked == 5


def test_audit_verify_command_reports_an_intact_chain(chain, capsys):
    call_command("audit", "verify")
    assert "Cadena íntegra: 5 eventos verificados" in capsys.readouterr().out


def _tamper(sql: str, params: list) -> None:
    """What a person with direct database access could do, guard switched off."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_catches_an_edited_row(chain):
    victim = chain[2]
    _tamper(
        "UPDATE audit_auditevent SET after = %s WHERE id = %s",
        ['{"score": "99.5", "nombre": "Peña"}', victim.pk],
    )
    report = audit_verify()
    assert not report.ok
    assert report.first_broken_id == victim.pk
    assert report.checked == 2
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert f"Cadena rota en el evento #{victim.pk}" in str(excinfo.value)


def test_verify_catches_a_deleted_row(chain):
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [chain[1].pk])
    report = audit_verify()
    assert report.first_broken_id == chain[2].pk
    assert "hash anterior" in report.reason


def test_verify_catches_a_changed_actor(chain):
    other = make_user()
    _tamper("UPDATE audit_auditevent SET actor_id = %s WHERE id = %s", [other.pk, chain[4].pk])
    assert audit_verify().first_broken_id == chain[4].pk


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"],
)
def test_the_database_refuses_update_and_delete(chain, statement, monkeypatch):
    monkeypatch.setattr(guard, "purge_allowed", False)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL merito.audit_purge = 'off'")
        with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
            _tamper(statement, [])
    assert "solo inserción" in str(excinfo.value)
    assert AuditEvent.objects.count() == 5
    assert audit_verify().ok


def test_the_orm_cannot_edit_or_delete_either(chain, monkeypatch):
    monkeypatch.setattr(guard, "purge_allowed", False)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL merito.audit_purge = 'off'")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=chain[0].pk).update(action="otra")
        with pytest.raises(DatabaseError), transaction.atomic():
            chain[0].delete()
    assert audit_verify().ok


@pytest.mark.django_db
def test_postgresql_refuses_truncate():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE existe solo en PostgreSQL; SQLite no tiene esa orden")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL merito.audit_purge = 'off'")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent")


@pytest.mark.django_db
def test_event_keeps_the_request_id_of_the_web_request(client):
    user = make_user(email="rid@example.org", username="rid.user1")
    client.post(
        "/cuentas/ingresar/",
        {"identifier": "rid.user1", "password": "Clave.Segura-2026"},
        headers={"X-Request-ID": "req-abc-12345"},
    )
    event = AuditEvent.objects.get(action="accounts.user.logged_in")
    assert event.request_id == "req-abc-12345"
    assert event.actor_id == user.pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain():
    """PostgreSQL: eight threads append at once, each inside a transaction that goes on for
    a moment after its append; the lock and the last-hash read serialise them, so every row
    links to the one committed before it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writing transaction itself")
    import threading
    import time

    from django.db import connections

    start = threading.Barrier(8)
    errors = []

    def append(worker: int) -> None:
        try:
            start.wait()
            for n in range(5):
                with transaction.atomic():
                    event = audit_record(
                        action="tests.thing.changed",
                        object_type="tests.thing",
                        object_id=f"{worker}-{n}",
                        object_label="Peña ñandú",
                        after={"n": n, "nota": "4.50", "texto": "acción"},
                    )
                    time.sleep(0.002)  # the commit comes a little after the read
                assert len(event.entry_hash) == 64
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) == 40
    assert events[0].previous_hash == GENESIS_HASH
    assert all(b.previous_hash == a.entry_hash for a, b in itertools.pairwise(events))
    assert audit_verify().ok
