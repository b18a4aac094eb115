"""Benchmark: automatic distribution of N folders over M users per role (issue 6, item 5).

Usage: ``DATABASE_URL=postgres://…/merito_bench python bench/bench_distribution.py
[--folders 2000] [--users 20] [--levels 3]``. The database is migrated and filled with
throwaway rows: point it at an empty database made for the purpose. Without DATABASE_URL
it uses a temporary SQLite file. Prints the time of the run, folders per second and the
max − min load per role and level (target ≤ 1). Issue 6 asks for 500,000 folders over 2,000
users on PostgreSQL in under 60 s: run that size only on a machine meant for it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folders", type=int, default=2000)
    parser.add_argument("--users", type=int, default=20, help="users per role")
    parser.add_argument("--levels", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("MERITO_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merito.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    test, users = _fill(args.folders, args.users, args.levels)

    from django.db.models import Count

    from merito.evaluation.distribution import distribution_schedule
    from merito.evaluation.models import FOLDER_ROLE_FIELDS, Folder

    started = time.perf_counter()
    job = distribution_schedule(test=test, kind="automatic", by=users[0])
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    print(f"trabajo {job.pk}: {job.state}, {job.done}/{job.total} asignaciones {job.error}")
    print(
        f"{args.folders} carpetas, {args.users} usuarios por rol: {elapsed:.2f} s, "
        f"{args.folders / elapsed:,.0f} carpetas/s"
    )
    for role, field in FOLDER_ROLE_FIELDS.items():
        rows = Folder.objects.filter(test=test).values("level", field).annotate(n=Count("pk"))
        by_level: dict[str, list[int]] = {}
        for row in rows:
            by_level.setdefault(row["level"], []).append(row["n"])
        spread = max(max(v) - min(v) for v in by_level.values())
        print(f"  {role.label}: max − min por nivel = {spread}")


def _fill(folders: int, per_role: int, levels: int):
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from merito.accounts.models import User
    from merito.applications.models import Inscription
    from merito.calls.models import Call, CallState, Position
    from merito.evaluation.distribution import folders_sync
    from merito.evaluation.models import SelectionProcess, Test, TestState, TestUser
    from merito.organizations.models import (
        Organization,
        OrganizationKind,
        Role,
        RoleAssignment,
    )

    tag = uuid.uuid4().hex[:8]
    with transaction.atomic():
        cnsc = Organization.objects.create(
            name=f"CNSC {tag}", short_name=f"C{tag}", kind=OrganizationKind.COMMISSION, country="CO"
        )
        operator = Organization.objects.create(
            name=f"Operador {tag}",
            short_name=f"O{tag}",
            kind=OrganizationKind.OPERATOR,
            country="CO",
        )
        call = Call.objects.create(
            organization=cnsc, code=f"BENCH-{tag}", name="Bench", state=CallState.OPEN
        )
        process = SelectionProcess.objects.create(call=call, entity=cnsc, test_stage_open=True)
        test = Test.objects.create(
            process=process,
            test_type="vrm",
            description="VRM",
            classification="eliminatory",
            operator=operator,
            max_value=Decimal("100"),
            pass_value=Decimal("60"),
            weight=Decimal("100"),
            state=TestState.OPEN,
        )
        positions = [
            Position.objects.create(call=call, code=f"P{n}", name=f"Empleo {n}", level=f"Nivel {n}")
            for n in range(levels)
        ]
        base = int(tag[:6], 16) % 1000 * 10**6
        people = User.objects.bulk_create(
            User(
                email=f"b{tag}{n}@example.org",
                username=None,
                document_country="CO",
                document_type="CC",
                document_number=str(10**9 + base + n),
                given_names="Aspirante",
                first_surname="Bench",
                password=make_password(None),
            )
            for n in range(folders + 3 * per_role)
        )
        people = list(User.objects.filter(email__startswith=f"b{tag}").order_by("pk"))
        applicants, staff = people[:folders], people[folders:]
        now = datetime.now(UTC)
        Inscription.objects.bulk_create(
            (
                Inscription(
                    registry_number=f"B{tag}-{n}",
                    call=call,
                    position=positions[n % levels],
                    user=user,
                    request_key=uuid.uuid4(),
                    snapshot={},
                    snapshot_sha256="0" * 64,
                    submitted_at=now,
                )
                for n, user in enumerate(applicants)
            ),
            batch_size=2000,
        )
        roles = [Role.SUPERVISOR, Role.ANALYST, Role.AUDITOR]
        for n, user in enumerate(staff):
            role = roles[n // per_role]
            RoleAssignment.objects.create(user=user, role=role, organization=operator)
            TestUser.objects.create(test=test, user=user, role=role)
        folders_sync(test=test)
    return test, staff


if __name__ == "__main__":
    main()
