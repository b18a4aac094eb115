"""Benchmark: latency and query counts of the folder list pages at 1,000,000 folders (issue 6).

Usage: ``python bench/bench_folder_lists.py [--folders 1000000] [--repeat 30]
[--server postgres://postgres@127.0.0.1:5432/] [--keep]``. It creates a fresh PostgreSQL
database ``merito_listbench`` (dropped at the end unless ``--keep``), migrates it and fills
it in SQL (``INSERT … SELECT generate_series``; untimed): one process with a VA test awarded
to one operator, 200 jobs over the five levels, the applicants with their inscriptions
(2 % withdrawn, empty snapshots), one folder per inscription spread over the seven states
and over 100 analysts, 40 supervisors and 10 auditors, their open assignment rows and a
version (FolderEvaluation) for every scored folder. Then ANALYZE.

It then requests each page in process with Django's test ``Client`` (DEBUG off), logged in
with ``force_login`` as the role that opens it: "Distribución manual" and the test detail
(counters) as the operator's administrator, "Resultados de la prueba" as the same
administrator, "Inscripciones" as Gerencia del proceso, "Mis carpetas" as an analyst and a
supervisor. Each variant (first page, a deep page, every sortable column both ways, every
filter) gets one warm-up request — its queries are captured with
``CaptureQueriesContext`` — then ``--repeat`` timed requests (fewer when one request takes
over ``--slow`` seconds, so the run stays bounded). It prints p50 / p95 / max in ms, the
number of queries per request and the slowest query of the warm-up, and at the end
``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest queries. Target: p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DB_NAME = "merito_listbench"
POSITIONS = 200
ANALYSTS, SUPERVISORS, AUDITORS = 100, 40, 10
LEVELS = ("Asesor", "Asistencial", "Directivo", "Profesional", "Técnico")
NAMES = ("Ana", "Luis", "María", "Carlos", "Diana", "Jorge", "Paula", "Andrés", "Sofía", "Juan")
SURNAMES = ("Rojas", "Gómez", "Pérez", "Díaz", "Torres", "Vargas", "Castro", "Ruiz", "Mora")
# Folder state by bucket (id * 37 % 100): 20 % unassigned, then the six distributed states.
STATE_BUCKETS = (
    (20, "unassigned"),
    (50, "assigned"),
    (62, "scored"),
    (67, "returned"),
    (87, "approved"),
    (93, "to_audit"),
    (100, "audited"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folders", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per variant")
    parser.add_argument(
        "--slow", type=float, default=0.5, help="above this warm-up (s), time fewer requests"
    )
    parser.add_argument("--few", type=int, default=5)
    parser.add_argument("--deep", type=int, default=5000, help="the deep page number")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--explain", type=int, default=4, help="EXPLAIN the N slowest queries")
    parser.add_argument("--reuse", default="", help="measure a kept database by this name")
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    args = parser.parse_args()

    import psycopg

    server = args.server.rstrip("/")
    name = args.reuse or DB_NAME
    if not args.reuse:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {DB_NAME}")
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("MERITO_TESTING", "1")  # no SECRET_KEY / HTTPS redirect needed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merito.settings")
    started = time.perf_counter()
    try:
        import django

        django.setup()
        from django.conf import settings

        assert not settings.DEBUG
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        from django.core.management import call_command

        step = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - step:.1f} s", flush=True)
        world = _world(args.folders) if args.reuse else _fill(args.folders)
        print(f"fill + ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)
        results = _measure(args, world)
        _report(results)
        _explain(results, args.explain)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep and not args.reuse:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        print(f"total: {time.perf_counter() - started:.1f} s", flush=True)


# --- the fill ----------------------------------------------------------------------------


def _coprime(n: int, start: int) -> int:
    k = start
    while math.gcd(k, n) != 1:
        k += 1
    return k


def _insert_select(
    model: Any,
    template: Any,
    overrides: dict[str, str],
    source: str,
    params: tuple[Any, ...] = (),
) -> int:
    """``INSERT INTO model SELECT …`` with every column not in ``overrides`` taken from
    ``template`` (a model instance, so Python-side defaults apply) and ``overrides`` giving
    an SQL expression per field name over ``source`` (a FROM … clause)."""
    from django.db import connection

    columns, expressions, values = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        cast = f.cast_db_type(connection)
        if f.name in overrides:
            # Every statement has parameters, so a literal % is written %%.
            expressions.append(f"({overrides[f.name].replace('%', '%%')})::{cast}")
        else:
            value = f.get_db_prep_save(f.pre_save(template, add=True), connection)
            expressions.append(f"%s::{cast}")
            values.append(value)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*values, *params))
        return cursor.rowcount


# What a version copies from its folder (merito.evaluation.results.version_copies).
COPIES = {
    "test": "f.test_id",
    "level": "f.level",
    "opec_number": "f.opec_number",
    "registry_number": "f.registry_number",
}


@dataclass
class World:
    process: Any
    test: Any
    admin: Any
    manager: Any
    analyst: Any
    supervisor: Any
    sample: dict[str, Any]


def _fill(n: int) -> World:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.db.models import Max, Min
    from django.utils import timezone

    from merito.accounts.models import User
    from merito.applications.models import Inscription
    from merito.calls.models import Call, CallState, Position
    from merito.evaluation.models import (
    Folder,
    FolderAssignment,
    FolderEvaluation,
    Job,
    SelectionProcess,
    Test,
    TestState,
    TestType,
    TestUser,
)
    from merito.organizations.models import (
        Organization,
        OrganizationKind,
        Role,
        RoleAssignment,
    )

    def timed(label: str, func: Callable[[], int]) -> None:
        step = time.perf_counter()
        rows = func()
        print(f"  {label}: {rows:,} filas, {time.perf_counter() - step:.1f} s", flush=True)

    now = timezone.now()
    unusable = make_password(None)
    with transaction.atomic():
        cnsc = Organization.objects.create(
            name="CNSC bench", short_name="CNSC-B", kind=OrganizationKind.COMMISSION, country="CO"
        )
        operator = Organization.objects.create(
            name="Operador bench",
            short_name="OP-B",
            kind=OrganizationKind.OPERATOR,
            parent=cnsc,
            country="CO",
        )
        call = Call.objects.create(
            organization=cnsc, code="LISTBENCH-2026", name="Bench listas", state=CallState.OPEN
        )
        process = SelectionProcess.objects.create(call=call, entity=cnsc, test_stage_open=True)
        test = Test.objects.create(
            process=process,
            test_type=TestType.VA,
            description="Valoración de antecedentes",
            classification="classifying",
            operator=operator,
            max_value=Decimal("100"),
            pass_value=Decimal("60"),
            weight=Decimal("40"),
            state=TestState.OPEN,
        )
        positions = Position.objects.bulk_create(
            Position(
                call=call,
                code=f"PE-{k:03d}",
                name=f"Empleo {k}",
                level=LEVELS[k % len(LEVELS)],
                vacancies=1 + k % 5,
            )
            for k in range(POSITIONS)
        )
        Job.objects.bulk_create(
            Job(position=p, opec_number=200000 + k * 7) for k, p in enumerate(positions)
        )

        def staff(prefix: str, count: int, series: int) -> list[User]:
            return User.objects.bulk_create(
                User(
                    email=f"{prefix}{k}@listbench.example",
                    username=f"{prefix}{k:03d}",
                    document_country="CO",
                    document_type="CC",
                    document_number=f"9{series:03d}{k:05d}",
                    given_names=prefix.title(),
                    first_surname="Bench",
                    password=unusable,
                    email_verified_at=now,
                )
                for k in range(count)
            )

        analysts = staff("analista", ANALYSTS, 1)
        supervisors = staff("supervisor", SUPERVISORS, 2)
        auditors = staff("auditor", AUDITORS, 3)
        admin, manager = staff("admin", 1, 4)[0], staff("gerencia", 1, 5)[0]
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=admin, role=Role.OPERATOR_ADMIN, organization=operator),
                RoleAssignment(user=manager, role=Role.PROCESS_MANAGEMENT, organization=cnsc),
                *(
                    RoleAssignment(user=u, role=role, organization=operator)
                    for role, users in (
                        (Role.ANALYST, analysts),
                        (Role.SUPERVISOR, supervisors),
                        (Role.AUDITOR, auditors),
                    )
                    for u in users
                ),
            ]
        )
        TestUser.objects.bulk_create(
            TestUser(test=test, user=u, role=role, linked_by=admin)
            for role, users in (
                (Role.ANALYST, analysts),
                (Role.SUPERVISOR, supervisors),
                (Role.AUDITOR, auditors),
            )
            for u in users
        )

    print(f"relleno de {n:,} carpetas:", flush=True)
    doc_k = _coprime(n, 7919)
    with transaction.atomic():
        timed(
            "usuarios (aspirantes)",
            lambda: _insert_select(
                User,
                User(
                    document_country="CO",
                    document_type="CC",
                    password=unusable,
                    email_verified_at=now,
                ),
                {
                    "email": "'aspirante' || g || '@listbench.example'",
                    "username": "NULL",
                    "document_number": f"(1000000000 + (g::bigint * {doc_k}) % {n})::text",
                    "given_names": f"(ARRAY{list(NAMES)!r})[1 + g % {len(NAMES)}]",
                    "first_surname": f"(ARRAY{list(SURNAMES)!r})[1 + (g / 10) % {len(SURNAMES)}]",
                    "second_surname": f"(ARRAY{list(SURNAMES)!r})[1 + (g / 7) % {len(SURNAMES)}]",
                    "password_reset_nonce": "gen_random_uuid()",
                },
                "FROM generate_series(1, %s) AS g",
                (n,),
            ),
        )
        span = User.objects.filter(email__startswith="aspirante").aggregate(
            low=Min("pk"), high=Max("pk")
        )
        first_user = span["low"]
        assert span["high"] - first_user == n - 1, span  # one INSERT: consecutive ids
        position_ids = [p.pk for p in positions]
        timed(
            "inscripciones",
            lambda: _insert_select(
                Inscription,
                Inscription(
                    call=call,
                    position=positions[0],
                    user_id=first_user,
                    snapshot={},
                    snapshot_sha256="0" * 64,
                    submitted_at=now,
                ),
                {
                    "registry_number": "'LB-' || lpad(g::text, 8, '0')",
                    "position": f"(ARRAY{position_ids!r})[1 + (g * 31) % {POSITIONS}]",
                    "user": f"{first_user - 1} + g",
                    "state": "CASE WHEN g % 50 = 0 THEN 'withdrawn' ELSE 'active' END",
                    "withdrawn_at": "CASE WHEN g % 50 = 0 THEN now() END",
                    "request_key": "gen_random_uuid()",
                    "submitted_at": "now() - g * interval '1 second'",
                },
                "FROM generate_series(1, %s) AS g",
                (n,),
            ),
        )

        def mix(expr: str, salt: int, m: int) -> str:
            """A well-mixed value in [0, m) from an integer column (no correlation)."""
            return f"((hashint8({expr} + {salt}) & 2147483647) % {m})"

        bucket = mix("i.id", 0, 100)
        state = (
            "CASE "
            + " ".join(f"WHEN {bucket} < {limit} THEN '{name}'" for limit, name in STATE_BUCKETS)
            + " END"
        )
        distributed = f"{bucket} >= {STATE_BUCKETS[0][0]}"
        audited = f"{bucket} >= 87"
        a_ids = [u.pk for u in analysts]
        s_ids = [u.pk for u in supervisors]
        u_ids = [u.pk for u in auditors]
        timed(
            "carpetas",
            lambda: _insert_select(
                Folder,
                Folder(test=test, inscription_id=1),
                {
                    "inscription": "i.id",
                    "level": "p.level",
                    "state": state,
                    "analyst": f"CASE WHEN {distributed} THEN "
                    f"(ARRAY{a_ids!r})[1 + {mix('i.id', 11, ANALYSTS)}] END",
                    "supervisor": f"CASE WHEN {distributed} THEN "
                    f"(ARRAY{s_ids!r})[1 + {mix('i.id', 23, SUPERVISORS)}] END",
                    "auditor": f"CASE WHEN {audited} THEN "
                    f"(ARRAY{u_ids!r})[1 + {mix('i.id', 37, AUDITORS)}] END",
                    "passed": f"CASE WHEN {bucket} >= 50 THEN i.id % 3 <> 0 END",
                    "audit_selected": audited,
                    # The copies folders_sync makes of the inscription.
                    "active": "i.state = 'active'",
                    "opec_number": "j.opec_number",
                    "registry_number": "i.registry_number",
                    "document_number": "u.document_number",
                },
                "FROM applications_inscription i JOIN calls_position p ON p.id = i.position_id "
                "JOIN evaluation_job j ON j.position_id = p.id "
                "JOIN accounts_user u ON u.id = i.user_id "
                "WHERE i.call_id = %s ORDER BY i.id",
                (call.pk,),
            ),
        )
        scored = "f.state IN ('scored', 'returned', 'approved', 'to_audit', 'audited')"
        template = FolderEvaluation(folder_id=1, number=1, user=admin, role=Role.ANALYST)
        timed(
            "versiones anteriores (no últimas)",
            lambda: _insert_select(
                FolderEvaluation,
                template,
                {
                    "folder": "f.id",
                    **COPIES,
                    "number": "1",
                    "score": "((f.id * 7) % 10001) / 100.0",
                    "passed": "((f.id * 7) % 10001) >= 6000",
                    "user": "f.analyst_id",
                    "is_current": "false",
                    "approved": "false",
                },
                f"FROM evaluation_folder f WHERE {scored} AND f.id %% 5 = 0",
            ),
        )
        timed(
            "versiones últimas",
            lambda: _insert_select(
                FolderEvaluation,
                template,
                {
                    "folder": "f.id",
                    **COPIES,
                    "number": "CASE WHEN f.id % 5 = 0 THEN 2 ELSE 1 END",
                    "score": "((f.id * 13) % 10001) / 100.0",
                    "passed": "((f.id * 13) % 10001) >= 6000",
                    "user": "f.analyst_id",
                    "is_current": "true",
                    "approved": "f.state IN ('approved', 'audited')",
                },
                f"FROM evaluation_folder f WHERE {scored}",
            ),
        )
        for role, column in (
            ("analyst", "analyst_id"),
            ("supervisor", "supervisor_id"),
            ("auditor", "auditor_id"),
        ):
            timed(
                f"asignaciones abiertas ({role})",
                lambda role=role, column=column: _insert_select(
                    FolderAssignment,
                    FolderAssignment(
                        folder_id=1,
                        role=role,
                        user=admin,
                        started_at=now,
                        assigned_by=admin,
                        source="automatica",
                    ),
                    {"folder": "f.id", "user": f"f.{column}"},
                    f"FROM evaluation_folder f WHERE f.{column} IS NOT NULL",
                ),
            )
    step = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM too, as autovacuum would after a load this size: it sets the visibility
        # map, which lets the id-only page queries be index-only scans.
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE: {time.perf_counter() - step:.1f} s", flush=True)
    return _world(n)


def _world(n: int) -> World:
    """The people and sample values the measured requests use (also on a --reuse'd base)."""
    from merito.accounts.models import User
    from merito.evaluation.models import (
    Folder,
    SelectionProcess,
)

    process = SelectionProcess.objects.get(call__code="LISTBENCH-2026")
    test = process.tests.get()
    admin, manager = (User.objects.get(username=u) for u in ("admin000", "gerencia000"))
    analyst, supervisor = (User.objects.get(username=u) for u in ("analista007", "supervisor003"))

    # An active inscription halfway through whose folder is approved (so it has versions).
    folder = (
        Folder.objects.filter(state="approved", inscription__state="active")
        .filter(inscription__registry_number__gte=f"LB-{n // 2:08d}")
        .order_by("inscription__registry_number")
        .select_related("inscription__user", "inscription__position__job")
        .first()
    )
    middle = folder.inscription
    sample = {
        "level": "Profesional",
        "code": middle.position.code,
        "opec": middle.position.job.opec_number,
        "document": middle.user.document_number,
        "registry": middle.registry_number,
        "folder": folder.pk,
        "name": "maría díaz",
    }
    return World(process, test, admin, manager, analyst, supervisor, sample)


# --- measuring ---------------------------------------------------------------------------


@dataclass
class Result:
    page: str
    variant: str
    times: list[float]
    queries: int
    rows: int
    slowest_ms: float
    slowest_sql: str
    all_sql: list[tuple[float, str]] = field(default_factory=list)
    more: bool = False
    """The list counted only up to a cap: it has more than ``rows`` rows."""

    def pct(self, q: float) -> float:
        data = sorted(self.times)
        if len(data) == 1:
            return data[0]
        return statistics.quantiles(data, n=100, method="inclusive")[int(q) - 1]


def _measure(args: Any, world: World) -> list[Result]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        CaptureQueriesContext,
        setup_test_environment,
        teardown_test_environment,
    )
    from django.urls import reverse

    from merito.organizations.models import Role

    def client(user: Any) -> Client:
        c = Client()
        c.force_login(user)
        return c

    admin, manager = client(world.admin), client(world.manager)
    analyst, supervisor = client(world.analyst), client(world.supervisor)
    pk, test_pk = world.process.pk, world.test.pk
    s = world.sample
    deep = str(args.deep)

    manual = reverse("backoffice:evaluation:distribution_manual", args=[pk, test_pk])
    results_url = reverse("backoffice:evaluation:test_results", args=[pk, test_pk])
    detail = reverse("backoffice:evaluation:test_detail", args=[pk, test_pk])
    inscriptions = reverse("backoffice:evaluation:inscription_list")
    mine = reverse("backoffice:evaluation:my_folders")

    from merito.evaluation.folder_selectors import FOLDER_ORDER
    from merito.reports.inscriptions import INSCRIPTION_ORDER
    from merito.evaluation.results import RESULT_ORDER

    plan: list[tuple[str, Client, str, str, dict[str, str]]] = []
    page = "Distribución manual"
    plan += [
        (page, admin, manual, "página 1", {}),
        (page, admin, manual, f"página {deep}", {"pagina": deep}),
        (page, admin, manual, "200 por página", {"por_pagina": "200"}),
        *((page, admin, manual, f"orden {o}", {"orden": o}) for o in FOLDER_ORDER),
        (page, admin, manual, f"orden -documento, p. {deep}",
         {"orden": "-documento", "pagina": deep}),
        (page, admin, manual, "nivel", {"nivel": s["level"]}),
        (page, admin, manual, "estado (sin asignar)", {"estado": "unassigned"}),
        (page, admin, manual, "estado (auditada)", {"estado": "audited"}),
        (page, admin, manual, "código de empleo", {"codigo": s["code"]}),
        (page, admin, manual, "Nº OPEC", {"opec": str(s["opec"])}),
        (page, admin, manual, "documento", {"documento": s["document"]}),
        (page, admin, manual, "inscripción", {"inscripcion": s["registry"]}),
        (page, admin, manual, "rol (auditor)", {"rol": Role.AUDITOR.value}),
        (page, admin, manual, "usuario", {"usuario": str(world.analyst.pk)}),
        (
            page, admin, manual, "rol + usuario",
            {"rol": Role.ANALYST.value, "usuario": str(world.analyst.pk)},
        ),
        (
            page, admin, manual, "nivel + estado, orden opec",
            {"nivel": s["level"], "estado": "assigned", "orden": "opec"},
        ),
    ]  # fmt: skip
    page = "Mis carpetas"
    plan += [
        (page, analyst, mine, "analista, página 1", {}),
        (page, analyst, mine, "analista, última página", {"pagina": "last"}),
        (page, analyst, mine, "analista, estado asignada", {"estado": "assigned"}),
        (page, supervisor, mine, "supervisor, página 1", {}),
        (page, supervisor, mine, "supervisor, última página", {"pagina": "last"}),
        (page, supervisor, mine, "supervisor, estado calificada", {"estado": "scored"}),
    ]
    page = "Resultados de la prueba"
    plan += [
        (page, admin, results_url, "página 1", {}),
        (page, admin, results_url, f"página {deep}", {"pagina": deep}),
        *((page, admin, results_url, f"orden {o}", {"orden": o}) for o in RESULT_ORDER),
        (page, admin, results_url, "nivel", {"nivel": s["level"]}),
        (page, admin, results_url, "opec", {"opec": str(s["opec"])}),
        (page, admin, results_url, "carpeta", {"carpeta": str(s["folder"])}),
        (page, admin, results_url, "inscripción o documento", {"inscripcion": s["document"]}),
        (page, admin, results_url, "estado (aprobada)", {"estado": "approved"}),
        (page, admin, results_url, "aprobó no", {"aprobo": "no"}),
        (page, admin, results_url, "último no", {"ultimo": "no"}),
        (page, admin, results_url, "publicado si", {"publicado": "si"}),
    ]
    page = "Inscripciones"
    plan += [
        (page, manager, inscriptions, "página 1", {}),
        (page, manager, inscriptions, f"página {deep}", {"pagina": deep}),
        *((page, manager, inscriptions, f"orden {o}", {"orden": o}) for o in INSCRIPTION_ORDER),
        (page, manager, inscriptions, "proceso", {"proceso": str(pk)}),
        (page, manager, inscriptions, "empleo (código)", {"empleo": s["code"]}),
        (page, manager, inscriptions, "empleo (Nº OPEC)", {"empleo": str(s["opec"])}),
        (page, manager, inscriptions, "nivel", {"nivel": s["level"]}),
        (page, manager, inscriptions, "documento", {"documento": s["document"]}),
        (page, manager, inscriptions, "nombre", {"nombre": s["name"]}),
        (page, manager, inscriptions, "inscripción", {"inscripcion": s["registry"]}),
        (page, manager, inscriptions, "estado (retirada)", {"estado": "withdrawn"}),
        (page, manager, inscriptions, "admitido si", {"admitido": "si"}),
        (page, manager, inscriptions, "admitido pendiente", {"admitido": "pendiente"}),
    ]
    plan += [("Detalle de la prueba (contadores)", admin, detail, "contadores", {})]

    results: list[Result] = []
    print(f"\n{'página':<36} {'variante':<34} {'n':>3} {'p50':>8} {'p95':>8} {'max':>8} "
          f"{'consultas':>9} {'filas':>9}  consulta más lenta", flush=True)  # fmt: skip
    plan = [p for p in plan if args.only.lower() in p[0].lower()]
    for page, c, url, variant, params in plan:
        if params.get("pagina") == "last":
            # Paginator.get_page does not understand "last" (it would give page 1): ask
            # for the first page once, then for its paginator's last page number.
            setup_test_environment(debug=False)
            try:
                first = c.get(url, {**params, "pagina": "1"})
            finally:
                teardown_test_environment()
            params = {**params, "pagina": str(first.context["page"].paginator.num_pages)}
        # Instrument templates for this one request only, so response.context is kept.
        setup_test_environment(debug=False)
        try:
            with CaptureQueriesContext(connection) as captured:
                response = c.get(url, params)
        finally:
            teardown_test_environment()
        if response.status_code != 200:
            raise SystemExit(
                f"{page} {variant}: HTTP {response.status_code} {response.get('Location', '')}"
            )
        queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        ctx = response.context
        paginator = ctx["page"].paginator if ctx and "page" in ctx else None
        rows = getattr(paginator, "floor", paginator.count) if paginator else -1
        more = bool(getattr(paginator, "at_least", False))
        # The warm-up: time it to choose how many timed requests this variant gets.
        started = time.perf_counter()
        c.get(url, params)
        first = time.perf_counter() - started
        # Bounded run: full --repeat under --slow s, 10 under 4 × --slow, else --few.
        repeat = args.repeat if first <= args.slow else 10 if first <= 4 * args.slow else args.few
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            c.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        slow_ms, slow_sql = max(queries) if queries else (0.0, "")
        result = Result(page, variant, times, len(queries), rows, slow_ms, slow_sql, queries, more)
        results.append(result)
        print(
            f"{page:<36} {variant:<34} {repeat:>3} {result.pct(50):>8.1f} {result.pct(95):>8.1f} "
            f"{max(times):>8.1f} {len(queries):>9} {rows:>9}  {slow_ms:.0f} ms: "
            f"{' '.join(slow_sql.split())[:110]}",
            flush=True,
        )
    return results


def _report(results: list[Result]) -> None:
    print("\nMarkdown:\n")
    print(
        "| page | variant | rows matched | n | p50 ms | p95 ms | max ms | queries "
        "| slowest query ms | p95 < 200 ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        ok = "yes" if r.pct(95) < 200 else "**no**"
        matched = (f"> {r.rows:,}" if r.more else f"{r.rows:,}") if r.rows >= 0 else "—"
        print(
            f"| {r.page} | {r.variant} | {matched} | {len(r.times)} | {r.pct(50):.0f} | "
            f"{r.pct(95):.0f} | "
            f"{max(r.times):.0f} | {r.queries} | {r.slowest_ms:.0f} | {ok} |"
        )
    by_page: dict[str, list[Result]] = {}
    for r in results:
        by_page.setdefault(r.page, []).append(r)
    print()
    for page, rs in by_page.items():
        missed = [r.variant for r in rs if r.pct(95) >= 200]
        counts = sorted({r.queries for r in rs})
        print(
            f"{page}: worst p95 {max(r.pct(95) for r in rs):.0f} ms; queries {counts}; "
            f"missed {len(missed)}/{len(rs)}: {', '.join(missed) or '—'}"
        )


def _explain(results: list[Result], count: int) -> None:
    from django.db import connection

    seen: set[str] = set()
    queries = sorted(((ms, sql, r) for r in results for ms, sql in r.all_sql), key=lambda x: -x[0])
    shown = 0
    for ms, sql, r in queries:
        key = " ".join(sql.split())[:300]
        if shown >= count or ms < 100:
            break
        if key in seen:
            continue
        seen.add(key)
        shown += 1
        print(f"\n--- EXPLAIN ANALYZE: {r.page} / {r.variant} ({ms:.0f} ms in the warm-up)")
        print(" ".join(sql.split()))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print(line)


if __name__ == "__main__":
    main()
