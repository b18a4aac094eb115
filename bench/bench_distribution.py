"""Benchmark: automatic distribution of N folders over M users per role (issue 6, item 5).

Usage: ``DATABASE_URL=postgres://…/merito_bench python bench/bench_distribution.py
[--folders 2000] [--users 20] [--auditors 0] [--levels 3] [--conflicts 0]``. The database
is migrated and filled with throwaway rows: point it at an empty database made for the
purpose. Without DATABASE_URL it uses a temporary SQLite file. ``--users`` supervisors and
``--users`` analysts are linked to the test (and ``--auditors`` auditors); ``--conflicts``
of them declare a conflict of interest with an applicant of a folder.

Prints the time of the run (scheduling to done, the plan in memory apart), folders and
assignments per second, and the max − min load per role and level over every linked user
of the role (target ≤ 1). It then checks the result: every folder has a holder of every
role, no conflict of interest is broken, one open history row per folder and role, every
assigned folder listed in exactly one audit event of its role. Issue 6 asks for 500,000
folders over 2,000 users on PostgreSQL in under 60 s (``--folders 500000 --users 1000``):
run that size only on a machine meant for it (the fill, untimed, takes a few minutes).
"""

from __future__ import annotations

import argparse
import os
import random
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
    parser.add_argument("--users", type=int, default=20, help="supervisors and analysts each")
    parser.add_argument("--auditors", type=int, default=0, help="auditors linked to the test")
    parser.add_argument("--levels", type=int, default=3)
    parser.add_argument("--conflicts", type=int, default=0, help="declared conflicts")
    parser.add_argument(
        "--no-vacuum",
        action="store_true",
        help="time the job right after the fill, before any VACUUM ANALYZE",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="undo the last run's distribution on this database and time it again (no fill)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("MERITO_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merito.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    filled = time.perf_counter()
    test, staff = _undo() if args.reuse else _fill(args)
    if connection.vendor == "postgresql" and not args.no_vacuum:
        # What autovacuum does a minute after a load this size (statistics, visibility,
        # hint bits); this machine runs PostgreSQL with autovacuum off.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"relleno: {time.perf_counter() - filled:.1f} s ({connection.vendor})")

    from merito.evaluation import distribution

    planning = [0.0]
    plan = distribution._plan

    def timed_plan(job, test):
        started = time.perf_counter()
        try:
            return plan(job, test)
        finally:
            planning[0] += time.perf_counter() - started

    distribution._plan = timed_plan  # type: ignore[assignment]
    started = time.perf_counter()
    job = distribution.distribution_schedule(test=test, kind="automatic", by=staff[0])
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    print(f"trabajo {job.pk}: {job.state}, {job.done}/{job.total} asignaciones {job.error}")
    folders = test.folders.count()
    print(
        f"{folders} carpetas, {len(staff)} usuarios: {elapsed:.2f} s "
        f"(plan en memoria {planning[0]:.2f} s, escritura {elapsed - planning[0]:.2f} s), "
        f"{folders / elapsed:,.0f} carpetas/s, {job.total / elapsed:,.0f} asignaciones/s"
    )
    ok = _check(test, job, since=job.created_at)
    sys.exit(0 if ok and job.state == "done" else 1)


def _check(test, job, since) -> bool:
    """Print the spread per role and level and check the invariants; True when all hold."""
    from django.db.models import Count, Exists, F, OuterRef, Q

    from merito.audit.models import AuditEvent
    from merito.evaluation.models import (
        FOLDER_ROLE_FIELDS,
        ConflictOfInterest,
        Folder,
        FolderAssignment,
    )

    ok = True
    levels = sorted(set(Folder.objects.filter(test=test).values_list("level", flat=True)))
    for role, field in FOLDER_ROLE_FIELDS.items():
        users = list(test.linked_users.filter(role=role).values_list("user_id", flat=True))
        if not users:
            continue
        spreads = []
        for level in levels:
            counts = dict(
                Folder.objects.filter(test=test, level=level, **{f"{field}__in": users})
                .values_list(field)
                .annotate(n=Count("pk"))
                .values_list(field, "n")
            )
            loads = [counts.get(user, 0) for user in users]
            spreads.append(max(loads) - min(loads))
            empty = Folder.objects.filter(test=test, level=level, **{f"{field}__isnull": True})
            if empty.exists():
                print(f"  ERROR {role.label}, {level}: {empty.count()} carpetas sin {field}")
                ok = False
        print(
            f"  {role.label} ({len(users)} usuarios): max − min por nivel = "
            + ", ".join(str(spread) for spread in spreads)
        )
        ok &= max(spreads) <= 1
        open_rows = FolderAssignment.objects.filter(
            folder__test=test, role=role, ended_at__isnull=True
        ).count()
        listed: list[int] = []
        for after in AuditEvent.objects.filter(
            action="evaluation.folder.assigned",
            object_id=str(test.pk),
            after__role=role,
            created_at__gte=since,
        ).values_list("after", flat=True):
            for entry in after.get("assignments", [after]):
                listed.extend(entry["folders"])
        folders = Folder.objects.filter(test=test).count()
        audit_ok = len(listed) == len(set(listed)) == folders
        print(
            f"    historial abierto {open_rows}/{folders}, "
            f"carpetas en eventos de auditoría {len(listed)} ({'ok' if audit_ok else 'ERROR'})"
        )
        ok &= open_rows == folders and audit_ok
    broken = 0
    for field in FOLDER_ROLE_FIELDS.values():
        applicant = "inscription__user__document_number"
        declared_conflict = ConflictOfInterest.objects.filter(
            user_id=OuterRef(field), document_number=OuterRef(applicant)
        )
        broken += (
            Folder.objects.filter(test=test)
            .filter(Q(Exists(declared_conflict)) | Q(**{f"{field}__document_number": F(applicant)}))
            .count()
        )
    declared = ConflictOfInterest.objects.count()
    print(f"  conflictos de interés declarados: {declared}, rotos: {broken}")
    return ok and broken == 0


def _undo():
    """The last bench test with its folders back to unassigned and no history."""
    from django.db import transaction

    from merito.evaluation.models import DistributionJob, Folder, FolderAssignment, Test

    test = Test.objects.latest("pk")
    with transaction.atomic():
        FolderAssignment.objects.filter(folder__test=test).delete()
        DistributionJob.objects.filter(test=test).delete()
        Folder.objects.filter(test=test).update(
            supervisor=None, analyst=None, auditor=None, state="unassigned"
        )
    staff = [link.user for link in test.linked_users.select_related("user").order_by("user_id")]
    return test, staff


def _fill(args):
    folders, per_role, levels = args.folders, args.users, args.levels
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from merito.accounts.models import User
    from merito.applications.models import Inscription
    from merito.calls.models import Call, CallState, Position
    from merito.evaluation.distribution import folders_sync
    from merito.evaluation.models import (
        ConflictOfInterest,
        SelectionProcess,
        Test,
        TestState,
        TestUser,
    )
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
        User.objects.bulk_create(
            (
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
                for n in range(folders + 2 * per_role + args.auditors)
            ),
            batch_size=5000,
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
        roles = [Role.SUPERVISOR] * per_role + [Role.ANALYST] * per_role
        roles += [Role.AUDITOR] * args.auditors
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=user, role=role, organization=operator)
            for user, role in zip(staff, roles, strict=True)
        )
        TestUser.objects.bulk_create(
            TestUser(test=test, user=user, role=role)
            for user, role in zip(staff, roles, strict=True)
        )
        draw = random.Random(6)  # noqa: S311 (a reproducible draw, not a secret)
        ConflictOfInterest.objects.bulk_create(
            (
                ConflictOfInterest(
                    user=draw.choice(staff), document_number=draw.choice(applicants).document_number
                )
                for _ in range(args.conflicts)
            ),
            ignore_conflicts=True,
        )
        folders_sync(test=test)
    return test, staff


if __name__ == "__main__":
    main()
