import json
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from merito.audit import guard, merkle
from merito.audit.log import CONTENT, content_hash, leaf_input, signer
from merito.audit.models import AuditEvent, AuditLeaf, TreeHead
from merito.audit.notes import Checkpoint, Signer, open_note
from merito.audit.services import audit_record, audit_seal, audit_verify, inclusion_proof
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


@pytest.fixture
def key():
    return Signer.generate("pruebas.merito.local/auditoria")


@pytest.fixture
def sealed(chain, key):
    report = audit_seal(key=key)
    assert report.sealed == 5
    return chain


def _verify(key, **kwargs):
    return audit_verify(verifiers=[key.verifier], **kwargs)


def test_sealing_makes_each_row_a_leaf_in_id_order_under_a_signed_head(sealed, key):
    leaves = list(AuditLeaf.objects.order_by("index"))
    assert [leaf.event_id for leaf in leaves] == [event.pk for event in sealed]
    head = TreeHead.objects.get()
    assert head.size == 5
    text, names = open_note(head.note, [key.verifier])
    assert names == [key.name]
    checkpoint = Checkpoint.parse(text)
    assert (checkpoint.origin, checkpoint.size) == ("demo.merito.local/auditoria", 5)
    assert checkpoint.root.hex() == head.root_hash
    report = _verify(key)
    assert report.ok, report.problems
    assert (report.leaves, report.heads) == (5, 1)
    assert audit_seal(key=key).sealed == 0  # nothing left: no new head either
    assert TreeHead.objects.count() == 1


def test_the_request_path_writes_no_hash_and_takes_no_lock(chain):
    assert all(event.entry_hash is None and event.previous_hash == "" for event in chain)
    assert not AuditLeaf.objects.exists()


def test_verify_command_needs_keys_from_outside_the_database(sealed, key, capsys):
    with pytest.raises(CommandError, match="claves públicas de confianza"):
        call_command("audit", "verify")
    call_command("audit", "verify", "--key", key.verifier.text())
    assert "Registro íntegro: 5 hojas y 1 cabezas firmadas" in capsys.readouterr().out


def _tamper(sql: str, params: list) -> None:
    """What a person with direct database access could do, guard switched off."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_edited_row_is_caught_and_named(sealed, key):
    victim = sealed[2]
    _tamper(
        "UPDATE audit_auditevent SET after = %s WHERE id = %s",
        ['{"score": "99.5", "nombre": "Peña"}', victim.pk],
    )
    report = _verify(key)
    assert report.first == f"evento #{victim.pk} (hoja 2): su contenido cambió después de sellado"
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify", "--key", key.verifier.text())
    assert f"primer problema: evento #{victim.pk}" in str(excinfo.value)


def test_a_changed_actor_is_caught(sealed, key):
    other = make_user()
    _tamper("UPDATE audit_auditevent SET actor_id = %s WHERE id = %s", [other.pk, sealed[4].pk])
    assert f"evento #{sealed[4].pk}" in _verify(key).first


def test_a_deleted_row_is_caught_and_named(sealed, key):
    _tamper("DELETE FROM audit_auditleaf WHERE event_id = %s", [sealed[1].pk])
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [sealed[1].pk])
    assert _verify(key).first.startswith("falta la hoja 1 (la siguiente es la 2)")


def test_a_rehashed_row_is_caught_at_its_signed_head(sealed, key):
    """Edited, and its content and leaf hashes recomputed to match: the row looks right,
    the leaf looks right, and the signed root no longer does."""
    victim = sealed[3]
    _tamper("UPDATE audit_auditevent SET object_label = %s WHERE id = %s", ["otra cosa", victim.pk])
    values = AuditEvent.objects.filter(pk=victim.pk).values("id", *CONTENT).get()
    content = content_hash(values)
    leaf = merkle.leaf_hash(leaf_input(victim.pk, content)).hex()
    _tamper(
        "UPDATE audit_auditleaf SET content_hash = %s, leaf_hash = %s WHERE event_id = %s",
        [content, leaf, victim.pk],
    )
    report = _verify(key)
    assert report.first.startswith("cabeza de tamaño 5: la raíz de las hojas 0–4 no es la firmada")


def test_a_head_signed_with_another_key_is_refused(sealed, key):
    intruder = Signer.generate(key.name)  # the same name, another key
    head = TreeHead.objects.get()
    _tamper(
        "UPDATE audit_treehead SET note = %s WHERE size = %s",
        [intruder.sign(Checkpoint.parse(head.note.split("\n\n")[0] + "\n").text()), 5],
    )
    assert _verify(key).first == "cabeza de tamaño 5: ninguna clave de confianza firmó esta nota"


def test_a_truncated_log_is_caught_against_a_head_kept_outside(sealed, key, tmp_path):
    kept = tmp_path / "cabeza.txt"
    kept.write_text(TreeHead.objects.get().note, encoding="utf-8")
    # Cut the last two rows, their leaves, and re-sign a shorter tree with the real key (an
    # insider who holds the key): the database alone is consistent again.
    for event in sealed[3:]:
        _tamper("DELETE FROM audit_auditleaf WHERE event_id = %s", [event.pk])
        _tamper("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    _tamper("DELETE FROM audit_treehead", [])
    audit_seal(key=key)
    assert _verify(key).ok
    report = _verify(key, head_file=str(kept))
    assert report.first == (
        "la cabeza guardada fuera tiene 5 hojas y el registro 3: el registro fue truncado"
    )


def test_a_head_kept_outside_catches_an_earlier_rewrite(sealed, key, tmp_path):
    kept = tmp_path / "cabeza.txt"
    kept.write_text(TreeHead.objects.get().note, encoding="utf-8")
    # Rewrite row 1 and every leaf and head after it, re-signed with the real key.
    _tamper("UPDATE audit_auditevent SET action = 'otra' WHERE id = %s", [sealed[1].pk])
    _tamper("DELETE FROM audit_auditleaf", [])
    _tamper("DELETE FROM audit_treehead", [])
    audit_seal(key=key, full=True)
    assert _verify(key).ok
    assert (
        "la cabeza guardada fuera (tamaño 5) no coincide" in _verify(key, head_file=str(kept)).first
    )


def test_a_row_that_commits_late_is_sealed_next_time(db, key):
    """A lower id that shows up after higher ones were sealed (its transaction committed
    later) gets the next leaf index: sealed, never skipped."""
    reserved = audit_record(action="tests.thing.reserved", object_type="tests.thing")
    later = [audit_record(action="tests.thing.changed", object_type="tests.thing") for _ in "abc"]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [reserved.pk])  # not committed yet
    assert audit_seal(key=key).sealed == 3
    AuditEvent.objects.create(
        id=reserved.pk,
        created_at=later[0].created_at,
        action="tests.thing.late",
        object_type="tests.thing",
        object_id="late",
    )
    assert audit_seal(key=key).sealed == 1
    assert AuditLeaf.objects.get(event_id=reserved.pk).index == 3
    assert _verify(key).ok


def test_any_row_yields_an_inclusion_proof_that_verifies(sealed, key):
    audit_record(action="tests.thing.more", object_type="tests.thing", object_id="x")
    audit_seal(key=key)
    for event in AuditEvent.objects.order_by("id"):
        proof = inclusion_proof(event)
        assert proof.size == 6
        assert proof.verifies()
        assert proof.note == TreeHead.objects.get(size=6).note
    bent = inclusion_proof(sealed[2])
    assert not type(bent)(**{**bent.__dict__, "index": 3}).verifies()


def test_a_row_left_unsealed_past_the_deadline_is_reported(chain, key):
    report = audit_verify(verifiers=[key.verifier], now=timezone.now() + timedelta(seconds=61))
    assert report.first.startswith(f"evento #{chain[0].pk}: lleva más de 60 s sin sellar")
    audit_seal(key=key)
    assert audit_verify(verifiers=[key.verifier], now=timezone.now() + timedelta(seconds=61)).ok


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
    assert AuditEvent.objects.filter(pk=chain[0].pk, action="tests.thing.changed").exists()


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
def test_an_open_transaction_with_its_audit_row_delays_no_other_commit_and_is_sealed_later():
    """PostgreSQL, real transactions: one writes its audit row and stays open; another
    writes its own and commits meanwhile (a lock would make it wait: lock_timeout fails it
    instead). The sealer seals the committed row; the open one, with the lower id, is
    sealed by the next run after it commits."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writing transaction itself")
    key = signer()  # the demo key the after-commit sealing uses too
    held, release, errors = threading.Event(), threading.Event(), []

    def slow() -> None:
        try:
            with transaction.atomic():
                audit_record(action="tests.thing.slow", object_type="tests.thing", object_id="1")
                held.set()
                release.wait(30)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow)
    thread.start()
    assert held.wait(30)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        fast = audit_record(action="tests.thing.fast", object_type="tests.thing", object_id="2")
    assert not release.is_set()  # committed while the other is still open
    audit_seal(key=key)
    assert list(AuditLeaf.objects.values_list("event_id", flat=True)) == [fast.pk]
    release.set()
    thread.join(30)
    assert errors == []
    slow_event = AuditEvent.objects.get(action="tests.thing.slow")
    assert slow_event.pk < fast.pk
    audit_seal(key=key)
    assert AuditLeaf.objects.get(event=slow_event).index == 1
    assert audit_verify(verifiers=[key.verifier]).ok


def test_a_demo_key_signs_nothing_with_debug_off(settings, tmp_path):
    settings.DEBUG = False
    settings.TESTING = False
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "clave")
    with pytest.raises(ImproperlyConfigured, match="no existe"):
        signer()  # and no key is made outside the demo
    (tmp_path / "clave").write_text(Signer.generate("demo.merito.local/auditoria").text())
    with pytest.raises(ImproperlyConfigured, match="es de demostración"):
        signer()
    (tmp_path / "clave").write_text(Signer.generate("men.gov.co/merito").text())
    assert signer().name == "men.gov.co/merito"
    settings.AUDIT_SIGNING_KEY_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="AUDIT_SIGNING_KEY_FILE"):
        signer()


@pytest.mark.parametrize("table", ["audit_auditleaf", "audit_treehead"])
def test_leaves_and_heads_are_append_only_too(sealed, table, monkeypatch):
    monkeypatch.setattr(guard, "purge_allowed", False)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL merito.audit_purge = 'off'")
        with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
            _tamper(f"DELETE FROM {table}", [])  # noqa: S608 - a fixed table name
    assert "solo inserción" in str(excinfo.value)


def test_the_proof_command_prints_a_path_that_verifies(sealed, key, capsys, monkeypatch):
    monkeypatch.setattr("merito.audit.log.signer", lambda: key)
    call_command("audit", "proof", str(sealed[2].pk))
    printed = json.loads(capsys.readouterr().out)
    assert (printed["index"], printed["size"]) == (2, 5)
    assert merkle.verify_inclusion(
        bytes.fromhex(printed["leaf_hash"]),
        2,
        5,
        [bytes.fromhex(p) for p in printed["path"]],
        bytes.fromhex(TreeHead.objects.get().root_hash),
    )
    with pytest.raises(CommandError, match="No existe ese evento"):
        call_command("audit", "proof", "999999")
