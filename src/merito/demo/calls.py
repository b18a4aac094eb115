"""Demo schedule, positions and notices for the two demo calls, idempotent.

``merito.demo.people.load_demo_data`` creates the calls; this fills them in. Running it
again changes nothing: stages, positions and notices are only created when missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from merito.audit.services import audit_record
from merito.calls.calendar import business_window_end, local_today
from merito.calls.models import Call, Notice, Position, Stage, StageKind
from merito.calls.states import CALL

CNSC_CODE = "CNSC-2026-01"
MINEDU_CODE = "MINEDU-ASCENSO-2019"
PEERS_CODE = "MEN-PARES-2026"

# OPEC jobs (seed 004): number, denominación, nivel/código/grado, department, vacancies.
CNSC_JOBS = [
    (
        "OPEC 201456",
        "Profesional Universitario",
        "Profesional, código 2044, grado 11",
        "Bogotá D.C.",
        3,
    ),
    (
        "OPEC 201457",
        "Profesional Especializado",
        "Profesional, código 2028, grado 16",
        "Bogotá D.C.",
        2,
    ),
    ("OPEC 201458", "Técnico Administrativo", "Técnico, código 3124, grado 14", "Antioquia", 4),
    (
        "OPEC 201459",
        "Auxiliar Administrativo",
        "Asistencial, código 4044, grado 9",
        "Valle del Cauca",
        6,
    ),
    (
        "OPEC 201460",
        "Profesional Universitario",
        "Profesional, código 2044, grado 8",
        "Atlántico",
        1,
    ),
    ("OPEC 201461", "Secretario Ejecutivo", "Asistencial, código 4210, grado 18", "Santander", 2),
    ("OPEC 201462", "Técnico Operativo", "Técnico, código 3132, grado 10", "Nariño", 0),
]

# Seed 001: vacancies per región × grupo de competencia × escala magisterial.
MINEDU_REGIONS = [
    ("ANC", "Áncash"),
    ("ARE", "Arequipa"),
    ("CUS", "Cusco"),
    ("LIM", "Lima Metropolitana"),
]
MINEDU_GROUPS = [
    ("EBRI", "Ed. Básica Regular Inicial"),
    ("EBRP", "Ed. Básica Regular Primaria"),
    ("EBRS", "Ed. Básica Regular Secundaria"),
    ("EBA", "Ed. Básica Alternativa"),
    ("EBE", "Ed. Básica Especial"),
]
MINEDU_SCALES = ["Segunda", "Tercera", "Cuarta", "Quinta", "Sexta", "Séptima"]

MINEDU_STAGES = [
    ("Inscripción de postulantes", StageKind.INSCRIPTIONS, date(2019, 5, 6), date(2019, 5, 24)),
    (
        "Prueba Única Nacional (Etapa Nacional)",
        StageKind.TESTS,
        date(2019, 7, 14),
        date(2019, 7, 14),
    ),
    (
        "Publicación de resultados de la Etapa Nacional",
        StageKind.RESULTS,
        date(2019, 8, 9),
        date(2019, 8, 9),
    ),
    (
        "Verificación de requisitos y valoración de la trayectoria",
        StageKind.REQUIREMENTS,
        date(2019, 8, 12),
        date(2019, 9, 6),
    ),
    (
        "Presentación y resolución de reclamos",
        StageKind.CLAIMS,
        date(2019, 9, 9),
        date(2019, 9, 13),
    ),
    ("Publicación de resultados finales", StageKind.RESULTS, date(2019, 10, 4), date(2019, 10, 4)),
]


def _cnsc_stages(today: date) -> list[tuple[str, str, date, date]]:
    """Inscriptions of 10 business days that opened a week ago, then what follows."""
    opens = today - timedelta(days=7)
    closes = business_window_end(opens, 10, "CO")
    check_starts = closes + timedelta(days=7)
    check_ends = business_window_end(check_starts, 15, "CO")
    results = business_window_end(check_ends + timedelta(days=1), 5, "CO")
    claims_end = business_window_end(results + timedelta(days=1), 5, "CO")
    return [
        ("Inscripciones", StageKind.INSCRIPTIONS, opens, closes),
        ("Verificación de requisitos mínimos", StageKind.REQUIREMENTS, check_starts, check_ends),
        ("Publicación de resultados de verificación", StageKind.RESULTS, results, results),
        ("Reclamaciones", StageKind.CLAIMS, results + timedelta(days=1), claims_end),
    ]


def _peers_stages(today: date) -> list[tuple[str, str, date, date]]:
    day = timedelta(days=1)
    return [
        ("Postulación en línea", StageKind.INSCRIPTIONS, today - 7 * day, today + 21 * day),
        ("Verificación de requisitos", StageKind.REQUIREMENTS, today + 22 * day, today + 42 * day),
        ("Publicación del banco de pares", StageKind.RESULTS, today + 49 * day, today + 49 * day),
    ]


def _fill_stages(call: Call, stages: Sequence[tuple[str, str, date, date]]) -> int:
    created = 0
    for order, (name, kind, start, end) in enumerate(stages, start=1):
        _stage, was_created = Stage.objects.get_or_create(
            call=call,
            order=order,
            defaults={"name": name, "kind": kind, "start_date": start, "end_date": end},
        )
        created += was_created
    return created


def _fill_positions(call: Call, rows: list[dict]) -> int:
    existing = set(call.positions.values_list("code", flat=True))
    missing = [Position(call=call, **row) for row in rows if row["code"] not in existing]
    Position.objects.bulk_create(missing)
    return len(missing)


def _fill_notices(call: Call, notices: list[tuple[str, str, datetime]]) -> int:
    created = 0
    for title, body, published_at in notices:
        _notice, was_created = Notice.objects.get_or_create(
            call=call, title=title, defaults={"body": body, "published_at": published_at}
        )
        created += was_created
    return created


def _minedu_positions() -> list[dict]:
    rows = []
    for r, (region_code, region) in enumerate(MINEDU_REGIONS):
        for g, (group_code, group) in enumerate(MINEDU_GROUPS):
            for s, scale in enumerate(MINEDU_SCALES, start=2):
                rows.append(
                    {
                        "code": f"{region_code}-{group_code}-{s}",
                        "name": f"Ascenso a la {scale.lower()} escala magisterial",
                        "region": region,
                        "group": group,
                        "level": f"{scale} escala",
                        # Fewer places in higher scales; deterministic so reruns agree.
                        "vacancies": max(0, (7 - s) * (r + 2) + g - 1),
                    }
                )
    return rows


def _move(call: Call, names: list[str]) -> None:
    """Take the call through its state machine from Borrador, as the platform."""
    for name in names:
        if call.state in CALL.transition(name).source:
            CALL.move(call, name, by=None, as_system=True)


def load_demo_calls(*, today: date | None = None) -> dict[str, int]:
    """Fill the demo calls (created by ``load_demo_data``); returns how many rows were added."""
    today = today or local_today(timezone.now(), "America/Bogota")
    added: dict[str, int] = {}
    with transaction.atomic():
        codes = [CNSC_CODE, MINEDU_CODE, PEERS_CODE]
        calls = {call.code: call for call in Call.objects.filter(code__in=codes)}
        if cnsc := calls.get(CNSC_CODE):
            if not cnsc.description:
                cnsc.description = (
                    "Proceso de selección por mérito para proveer empleos vacantes de carrera "
                    "administrativa en entidades del orden nacional. Consulte la OPEC, el "
                    "cronograma y los avisos antes de inscribirse."
                )
                cnsc.year, cnsc.is_public = 2026, True
                cnsc.rubric_id = "cnsc-bateria-2026"
                cnsc.save()
                _move(cnsc, ["open"])
            added[CNSC_CODE] = (
                _fill_stages(cnsc, _cnsc_stages(today))
                + _fill_positions(
                    cnsc,
                    [
                        {
                            "code": code,
                            "name": name,
                            "level": level,
                            "region": region,
                            "vacancies": n,
                        }
                        for code, name, level, region, n in CNSC_JOBS
                    ],
                )
                + _fill_notices(
                    cnsc,
                    [
                        (
                            "Apertura de inscripciones",
                            "Las inscripciones están abiertas. Verifique que cumple los "
                            "requisitos mínimos del empleo antes de inscribirse: no habrá "
                            "devolución del derecho de participación.",
                            datetime(2026, 11, 17, 13, 0, tzinfo=UTC),
                        ),
                        (
                            "Horario de cierre",
                            "Las inscripciones cierran a las 23:59:59, hora de Colombia, del "
                            "último día del plazo. Después de esa hora el sistema no recibe "
                            "inscripciones ni cambios.",
                            datetime(2026, 11, 20, 15, 30, tzinfo=UTC),
                        ),
                    ],
                )
            )
        if minedu := calls.get(MINEDU_CODE):
            if not minedu.description:
                minedu.description = (
                    "Concurso Público para el Ascenso de Escala de los Profesores de Educación "
                    "Básica en la Carrera Pública Magisterial (Ley N.° 29944). Las plazas se "
                    "asignan en estricto orden de mérito por región, grupo de competencia y "
                    "escala magisterial."
                )
                minedu.year, minedu.is_public = 2019, True
                minedu.rubric_id = "minedu-ascenso-2019"
                minedu.save()
                _move(minedu, ["open", "close"])
            added[MINEDU_CODE] = (
                _fill_stages(minedu, MINEDU_STAGES)
                + _fill_positions(minedu, _minedu_positions())
                + _fill_notices(
                    minedu,
                    [
                        (
                            "Publicación de resultados finales",
                            "Los resultados finales de la Etapa Descentralizada están "
                            "publicados. Consulte su resultado individual con su usuario y "
                            "contraseña.",
                            datetime(2019, 10, 4, 22, 0, tzinfo=UTC),
                        )
                    ],
                )
            )
        if peers := calls.get(PEERS_CODE):
            if not peers.description:
                peers.description = (
                    "Convocatoria para integrar el banco de pares académicos de CONACES y del "
                    "CNA en los perfiles Agronomía, Veterinaria y Afines; Bellas Artes; y "
                    "Economía, Administración, Contaduría y Afines. Antes de postularse puede "
                    "ver cuántos puntos le daría su hoja de vida según el Anexo No. 1."
                )
                peers.year, peers.is_public = 2026, True
                peers.rubric_id = "conaces-pares-2021"
                peers.save()
                _move(peers, ["open"])
            added[PEERS_CODE] = _fill_stages(peers, _peers_stages(today))
        for code, count in added.items():
            if count:
                audit_record(
                    action="calls.call.demo_loaded",
                    obj=calls[code],
                    after={"rows_added": count},
                )
    return added
