"""Inscriptions per second against gunicorn + PostgreSQL, driven by locust on loopback.

Creates a fresh database ``merito_bench`` on the local PostgreSQL, N applicants with complete
profiles and signed-in sessions, starts gunicorn on 127.0.0.1, runs locust headless for a
fixed number of users and seconds, prints throughput and latency percentiles, and cleans up.
Options: --users, --seconds, --applicants, --workers, --threads, --worker-class (gthread or
sync). Skips (exit 0) without a reachable PostgreSQL unless CI=true.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432/"
DB = "merito_bench"


def psql(sql: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(PG + "postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql)
        return True
    except psycopg.OperationalError as error:
        print(f"PostgreSQL no disponible: {error}")
        return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--applicants", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    args = parser.parse_args()

    if not psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"):
        return 1 if os.environ.get("CI") == "true" else 0
    psql(f"CREATE DATABASE {DB}")
    work = Path(tempfile.mkdtemp(prefix="merito-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": PG + DB,
        "DJANGO_SETTINGS_MODULE": "merito.settings",
        "SECRET_KEY": "bench-" + "x" * 50,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MERITO_SECURE": "0",  # plain HTTP on loopback
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "MEDIA_ROOT": str(work / "media"),
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = None
    try:
        run = lambda *cmd: subprocess.run(cmd, env=env, check=True, cwd=work)  # noqa: E731
        run(str(BIN / "merito"), "migrate", "--no-input", "-v0")
        started = time.perf_counter()
        run(str(BIN / "python"), str(ROOT / "bench/inscriptions/setup_data.py"),
            str(args.applicants), str(work / "sessions.txt"))  # fmt: skip
        print(f"datos preparados en {time.perf_counter() - started:.0f} s")
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "merito.wsgi", "-b", f"127.0.0.1:{args.port}",
             "-w", str(args.workers), "-k", args.worker_class, "--threads", str(args.threads),
             "--log-level", "warning"],
            env=env, cwd=work,
        )  # fmt: skip
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2)
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.5)
        _warm_up(args, work / "sessions.txt")
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench/inscriptions/locustfile.py"),
             "--headless", "-u", str(args.users), "-r", str(args.users),
             "-t", f"{args.seconds}s", "-H", f"http://127.0.0.1:{args.port}",
             "--csv", str(work / "stats"), "--only-summary", "--loglevel", "WARNING"],
            env={**env, "BENCH_SESSIONS": str(work / "sessions.txt")}, cwd=work, check=False,
        )  # fmt: skip
        with open(work / "stats_stats.csv", newline="") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
        row = rows["Aggregated"]
        made = int(row["Request Count"]) - int(row["Failure Count"])
        print()
        print(
            f"usuarios locust: {args.users}; gunicorn: {args.workers} procesos × {args.threads} hilos"
        )
        print(f"inscripciones: {made} correctas, {row['Failure Count']} fallidas")
        print(f"inscripciones/s: {float(row['Requests/s']):.1f}")
        print(f"latencia p50 {row['50%']} ms, p95 {row['95%']} ms, p99 {row['99%']} ms")
        # The throughput target is a ratio to the bare-Django baseline measured in the same
        # sitting (../shared/bench/bare_django/alternate.py); the latency bound stands alone.
        ok = float(row["95%"]) < 300
        print("p95 < 300 ms: " + ("cumplido" if ok else "NO cumplido"))
        return 0
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def _warm_up(args: argparse.Namespace, sessions: Path) -> None:
    """Untimed: every gunicorn thread serves a few signed-in pages first (connections,
    templates and URL resolvers ready), so the timed run does not pay each process's first
    requests. The inscription form is only read (GET); the accounts used are the last ones,
    which the timed run reaches only if it exhausts all the others."""
    from concurrent.futures import ThreadPoolExecutor

    keys = sessions.read_text().split()[-8:]
    url = f"http://127.0.0.1:{args.port}/inscripciones/nueva/BENCH-2026/"

    def get(n: int) -> None:
        request = urllib.request.Request(url, headers={"Cookie": f"sessionid={keys[n % 8]}"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            response.read()

    with ThreadPoolExecutor(max_workers=args.workers * args.threads) as pool:
        list(pool.map(get, range(args.workers * args.threads * 6)))


if __name__ == "__main__":
    sys.exit(main())
