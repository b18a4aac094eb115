"""Audit log: sealing throughput and lag, and verification time.

Creates a fresh PostgreSQL database ``merito_bench_audit`` (SQLite in a temporary file when
PostgreSQL is absent, unless CI=true), migrates it, then:

1. *Sealing under load*: a writer appends audit rows at ``--rate`` rows/s (default 2,000)
   for ``--seconds`` through ``audit_record``, one transaction per 50 rows, while a sealer
   runs ``audit_seal`` every 2 s as beat does; each row's lag is the time from its commit
   to the signed head that covers it. Prints rows/s sealed and the lag's p50/p95/max.
2. *Bulk*: ``--rows`` rows (default 1,000,000) inserted in bulk, sealed in one go (rows/s),
   then ``audit_verify`` over the whole log (seconds).

Targets (issue of the audit log): keep up with 2,000 rows/s with a lag p95 < 10 s;
verify 1,000,000 rows in < 60 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432/"
DB = "merito_bench_audit"


def _database() -> str:
    try:
        import psycopg

        with psycopg.connect(PG + "postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB}")
        return PG + DB
    except Exception as error:  # noqa: BLE001 - reported, then SQLite
        if os.environ.get("CI") == "true":
            raise
        print(f"PostgreSQL no disponible ({error}); SQLite en un archivo temporal")
        return f"sqlite:///{tempfile.mkdtemp()}/audit.sqlite3"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="merito-bench-audit-"))
    os.environ.update(
        DATABASE_URL=_database(),
        DJANGO_SETTINGS_MODULE="merito.settings",
        MERITO_VAR_DIR=str(work),
        AUDIT_SIGNING_KEY_FILE=str(work / "clave"),
        AUDIT_LOG_ORIGIN="bench.merito.local/auditoria",
        SECRET_KEY="bench-" + "x" * 50,
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections, transaction

    from merito.audit.log import audit_seal, audit_verify
    from merito.audit.models import AuditEvent, AuditLeaf, TreeHead
    from merito.audit.notes import Signer
    from merito.audit.services import audit_record
    from merito.celery import app

    app.conf.task_always_eager = False  # the sealer below is the only one
    call_command("migrate", verbosity=0)
    key = Signer.generate("bench.merito.local/auditoria")

    # 1. Sealing under load.
    committed: dict[int, float] = {}
    stop = threading.Event()

    def writer() -> None:
        per_batch = 50
        interval = per_batch / args.rate
        deadline = time.monotonic() + args.seconds
        next_at = time.monotonic()
        while time.monotonic() < deadline:
            with transaction.atomic():
                ids = [
                    audit_record(
                        action="bench.thing.changed",
                        object_type="bench.thing",
                        object_id=str(n),
                        after={"n": n, "texto": "acción"},
                    ).pk
                    for n in range(per_batch)
                ]
            now = time.monotonic()
            for pk in ids:
                committed[pk] = now
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
        stop.set()
        connections.close_all()

    lags: list[float] = []

    def sealer() -> None:
        seen = 0
        while True:
            finished = stop.is_set()
            audit_seal(key=key)
            now = time.monotonic()
            for event_id in AuditLeaf.objects.filter(index__gte=seen).values_list(
                "event_id", flat=True
            ):
                lags.append(now - committed[event_id])
                seen += 1
            if finished:
                break
            time.sleep(2.0)
        connections.close_all()

    started = time.monotonic()
    threads = [threading.Thread(target=writer), threading.Thread(target=sealer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    lags.sort()
    print(f"sellado con carga: {len(lags)} filas a {len(lags) / elapsed:,.0f}/s escritas")
    print(
        f"  demora commit→cabeza firmada: p50 {statistics.median(lags):.2f} s, "
        f"p95 {lags[int(len(lags) * 0.95)]:.2f} s, máx {lags[-1]:.2f} s"
    )

    # 2. Bulk: seal and verify a large log.
    now = datetime.now(UTC)
    batch = []
    t0 = time.perf_counter()
    for n in range(args.rows):
        batch.append(
            AuditEvent(
                created_at=now,
                action="bench.thing.changed",
                object_type="bench.thing",
                object_id=str(n),
                object_label=f"Cosa {n}",
                after={"n": n, "texto": "acción"},
            )
        )
        if len(batch) == 10_000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    print(f"{args.rows:,} filas insertadas en {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    report = audit_seal(key=key)
    sealing = time.perf_counter() - t0
    print(f"sellado en bloque: {report.sealed:,} filas en {sealing:.1f} s "
          f"({report.sealed / sealing:,.0f}/s), {TreeHead.objects.count()} cabezas")  # fmt: skip
    t0 = time.perf_counter()
    result = audit_verify(verifiers=[key.verifier])
    verifying = time.perf_counter() - t0
    print(f"verificación: {result.leaves:,} hojas y {result.heads} cabezas en {verifying:.1f} s "
          f"({'íntegro' if result.ok else result.first})")  # fmt: skip
    ok = lags[int(len(lags) * 0.95)] < 10 and verifying < 60 * result.leaves / 1_000_000
    print("objetivos (p95 < 10 s; 1.000.000 filas en < 60 s): " + ("cumplidos" if ok else "NO"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
