"""Benchmark: score 1,000,000 CONACES peer evidence sets (conaces-pares-2021), one core.

Generates, with a fixed seed and in chunks (untimed), realistic evidence documents as plain
dicts (decoded JSON), then times ``score_many(rubric, dicts)`` on each chunk (the bulk
path of ``merito score --format csv``: figures only, parsing included); on every k-th
chunk also the explained ``score(rubric, dict)``, split into ``evidence_for`` and ``score`` of an already-parsed
``Evidence``, and checks that both give the same figures. Target: 20,000 sets/s, one core.
Usage: ``python bench/bench_scoring.py [--n 1000000] [--chunk 10000] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import sys
import time
from datetime import date, timedelta
from typing import Any

from merito.rubrics import evidence_for, load_rubric, score
from merito.rubrics.fast import figures_of, score_many

SEED = 20210301
TARGET = 20_000
AS_OF = date(2021, 3, 1)

PROFILE_AREAS = (
    "Agronomía, Veterinaria y Afines",
    "Bellas Artes",
    "Economía, Administración, Contaduría y Afines",
)
OTHER_AREAS = (
    "Ciencias de la Educación",
    "Ingeniería, Arquitectura, Urbanismo y Afines",
    "Ciencias Sociales y Humanas",
    "Matemáticas y Ciencias Naturales",
)
INSTITUTIONS = (
    "Universidad Nacional de Colombia",
    "Universidad de Antioquia",
    "Universidad del Valle",
    "Pontificia Universidad Javeriana",
    "Universidad Industrial de Santander",
    "Universidad de los Andes",
    "Universidad de Caldas",
    "Universidad del Cauca",
)
FOREIGN = ("Universidad de Salamanca", "Universidad de Buenos Aires", "University of Toronto")
# MINCIENCIAS product types, roughly as frequent as in real CvLACs.
PRODUCT_TYPES = (
    ("articulo", 40),
    ("articulo_d", 12),
    ("capitulo", 12),
    ("libro", 5),
    ("nota", 4),
    ("proyecto_id", 10),
    ("proyecto_creacion", 2),
    ("tesis_doctoral", 4),
    ("obra_arte", 2),
    ("diseno_industrial", 1),
    ("patente", 1),
    ("otro", 7),
)
ACCREDITATION_TYPES = ("programa_nacional", "institucional_nacional", "internacional")
QUALITY_TYPES = (
    "registro_calificado",
    "acreditacion_programa",
    "acreditacion_institucional",
    "sala_conaces",
)
PREFIX = {
    "titulo": "tit",
    "experiencia": "exp",
    "sociedad": "soc",
    "producto": "pro",
    "proceso_acreditacion": "acr",
    "evaluacion_calidad": "eva",
}
# The requirements a few percent of the sets deliberately fail.
FAILURES = (
    "doctorado_area",
    "doctorado_foreign",
    "docencia",
    "direccion",
    "investigacion",
    "acreditacion",
    "evaluacion",
    "inhabilidad",
)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
        self.count = 0
        names, weights = zip(*PRODUCT_TYPES, strict=True)
        self.product_names = names
        self.product_cum = []
        total = 0
        for weight in weights:
            total += weight
            self.product_cum.append(total)

    def day(self, low: date, high: date) -> date:
        span = (high - low).days
        return low + timedelta(days=self.rng.randint(0, max(span, 0)))

    def evidence(self, fail_rate: float) -> dict[str, Any]:
        rng = self.rng
        self.count += 1
        fail = rng.choice(FAILURES) if rng.random() < fail_rate else None
        items: list[dict[str, Any]] = []
        ids = iter(range(1, 1000))

        def add(kind: str, **fields: Any) -> None:
            items.append({"id": f"{PREFIX[kind]}{next(ids)}", "kind": kind, **fields})

        # Titles: the doctorate (usually in a profile area), then 0-3 more.
        grad = rng.randint(1995, 2018)
        foreign = rng.random() < 0.2 or fail == "doctorado_foreign"
        convalidated = foreign and rng.random() < 0.97 and fail != "doctorado_foreign"
        area = rng.choice(OTHER_AREAS) if fail == "doctorado_area" else rng.choice(PROFILE_AREAS)
        doctorate: dict[str, Any] = {
            "level": "doctorado",
            "area": area,
            "program": f"Doctorado en {area.split(',')[0]}",
            "institution": rng.choice(FOREIGN if foreign else INSTITUTIONS),
            "date": f"{grad}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "foreign": foreign,
        }
        if foreign:
            doctorate["convalidated"] = convalidated
            if convalidated:
                doctorate["resolution"] = f"{rng.randint(1000, 29999)} de {grad + 1}"
        add("titulo", **doctorate)
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            level = rng.choice(("maestria", "maestria", "especializacion", "pregrado"))
            other_foreign = rng.random() < 0.15
            title: dict[str, Any] = {
                "level": level,
                "area": rng.choice(PROFILE_AREAS + OTHER_AREAS),
                "institution": rng.choice(FOREIGN if other_foreign else INSTITUTIONS),
                "date": f"{rng.randint(1980, grad)}-{rng.randint(1, 12):02d}-01",
            }
            if other_foreign:
                title["foreign"] = True
                title["convalidated"] = rng.random() < 0.7
            add("titulo", **title)

        # Experience: 3-10 periods.
        periods = 0
        career = rng.randint(1985, 2006)
        # Full-time teaching: one or two long periods (>= 10 years unless failing).
        length = rng.randint(3, 7) if fail == "docencia" else rng.randint(11, 32)
        start = date(career, rng.randint(1, 12), 1)
        end = start + timedelta(days=int(length * 365.25) - 1)
        open_ended = end >= AS_OF or rng.random() < 0.3
        add(
            "experiencia",
            category="docencia_superior",
            dedication="tiempo_completo",
            learning_outcomes=rng.random() < 0.4,
            institution=rng.choice(INSTITUTIONS),
            role="Profesor de planta",
            start=start.isoformat(),
            end=None if open_ended else end.isoformat(),
        )
        periods += 1
        # Academic direction: 2-3 partly overlapping periods (>= 7 years unless failing).
        first = self.day(date(career + 2, 1, 1), date(2010, 12, 31))
        chunks = 2 if fail == "direccion" else rng.randint(2, 3)
        cursor = first
        for k in range(chunks):
            years = rng.randint(1, 2) if fail == "direccion" else rng.randint(4, 7)
            stop = cursor + timedelta(days=years * 365 + rng.randint(0, 200))
            last = k == chunks - 1
            add(
                "experiencia",
                category="direccion_academica",
                institution=rng.choice(INSTITUTIONS),
                role=rng.choice(("Decano", "Director de programa", "Vicerrector académico")),
                start=cursor.isoformat(),
                end=None if last and stop >= AS_OF else min(stop, AS_OF).isoformat(),
            )
            periods += 1
            cursor = stop - timedelta(days=rng.randint(0, 300))  # overlap some months
            if cursor >= AS_OF:
                break
        target = rng.randint(3, 10)
        while periods < target:
            roll = rng.random()
            begin = self.day(date(1988, 1, 1), date(2020, 6, 30))
            finish = begin + timedelta(days=rng.randint(180, 365 * 8))
            still = finish >= AS_OF or rng.random() < 0.1
            if roll < 0.45:
                add(
                    "experiencia",
                    category="docencia_superior",
                    dedication=rng.choice(("medio_tiempo", "catedra", "catedra")),
                    institution=rng.choice(INSTITUTIONS),
                    start=begin.isoformat(),
                    end=None if still else finish.isoformat(),
                )
            elif roll < 0.7:
                public_post = rng.random() < 0.5
                # Public posts mostly ended more than two years before the cut.
                if public_post and fail != "inhabilidad":
                    finish = min(finish, date(2018, 12, 31))
                    begin = min(begin, finish - timedelta(days=200))
                    still = False
                add(
                    "experiencia",
                    category="directivo_publico",
                    level=rng.choice(("nacional", "territorial")),
                    higher_education_public_post=public_post,
                    public_hei_director=public_post and rng.random() < 0.2,
                    institution="Ministerio de Educación Nacional",
                    role="Director",
                    start=begin.isoformat(),
                    end=None if still else finish.isoformat(),
                )
            else:
                add(
                    "experiencia",
                    category=rng.choice(("profesional", "profesional", "otra")),
                    institution="Empresa privada",
                    start=begin.isoformat(),
                    end=None if still else finish.isoformat(),
                )
            periods += 1
        if fail == "inhabilidad":
            add(
                "experiencia",
                category="directivo_publico",
                level="nacional",
                higher_education_public_post=True,
                institution="Ministerio de Educación Nacional",
                role="Subdirector de aseguramiento de la calidad",
                start="2017-02-01",
                end=None,
            )

        for s in range(rng.randint(0, 4)):
            add("sociedad", name=f"Sociedad Colombiana {s + 1}")

        for p in range(rng.randint(2, 40)):
            kind = self.product_names[
                _bisect(self.product_cum, rng.random() * self.product_cum[-1])
            ]
            cvlac = fail != "investigacion" and rng.random() < 0.9
            add("producto", type=kind, cvlac=cvlac, title=f"Producto {p + 1}")

        for _ in range(rng.randint(1, 6) if fail != "acreditacion" else rng.randint(0, 2)):
            when = (
                self.day(date(2005, 1, 1), date(2015, 12, 31))
                if fail == "acreditacion"
                else self.day(date(2008, 1, 1), date(2021, 2, 28))
            )
            add(
                "proceso_acreditacion",
                type=rng.choice(ACCREDITATION_TYPES[:2] * 3 + ACCREDITATION_TYPES[2:]),
                date=when.isoformat(),
                institution=rng.choice(INSTITUTIONS),
            )
        if fail != "acreditacion" and not any(
            i["kind"] == "proceso_acreditacion" and i["date"] >= "2016-03-01" for i in items
        ):
            add("proceso_acreditacion", type="programa_nacional", date="2019-05-10")

        visits = rng.randint(1, 10) if fail != "evaluacion" else rng.randint(0, 2)
        for v in range(visits):
            if fail == "evaluacion":
                year = rng.randint(2005, 2009)
            elif v == 0:
                year = rng.randint(2010, 2020)  # at least one within the annex's 2010-2020
            else:
                year = rng.randint(2005, 2021)
            add(
                "evaluacion_calidad",
                type=rng.choice(QUALITY_TYPES[:1] * 4 + QUALITY_TYPES[1:]),
                year=year,
                institution=rng.choice(INSTITUTIONS),
            )
        rng.shuffle(items)
        return {
            "applicant_id": f"CC-{10_000_000 + self.count * 7919 % 89_999_999}",
            "as_of": "2021-03-01",
            "items": items,
        }

    def chunk(self, size: int, fail_rate: float) -> list[dict[str, Any]]:
        return [self.evidence(fail_rate) for _ in range(size)]


def _bisect(cumulative: list[int], value: float) -> int:
    for index, bound in enumerate(cumulative):
        if value < bound:
            return index
    return len(cumulative) - 1


def profile(rubric: Any, n: int, fail_rate: float) -> None:
    sets = Generator(SEED).chunk(n, fail_rate)
    profiler = cProfile.Profile()
    profiler.enable()
    for raw in sets:
        score(rubric, raw)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--fail-rate", type=float, default=0.04)
    parser.add_argument("--profile", action="store_true", help="cProfile 20,000 sets, top 25")
    parser.add_argument(
        "--no-split", action="store_true", help="skip the separate parse / score timings"
    )
    parser.add_argument(
        "--split-every",
        type=int,
        default=1,
        help="time the parse / score split on every k-th chunk only (saves time on big runs)",
    )
    args = parser.parse_args()
    rubric = load_rubric("conaces-pares-2021")
    print(f"Python {sys.version.split()[0]}, rubric {rubric.id} {rubric.version}")
    if args.profile:
        profile(rubric, 20_000, args.fail_rate)
        return 0

    generator = Generator(SEED)
    total = parse_time = scored_time = end_to_end = generate_time = explained_time = 0.0
    sets = items = eligible = split_sets = chunks = mismatches = 0
    remaining = args.n
    while remaining > 0:
        size = min(args.chunk, remaining)
        remaining -= size
        started = time.perf_counter()
        chunk = generator.chunk(size, args.fail_rate)
        generate_time += time.perf_counter() - started
        items += sum(len(raw["items"]) for raw in chunk)

        started = time.perf_counter()
        figures = list(score_many(rubric, chunk))
        end_to_end += time.perf_counter() - started
        eligible += sum(f.status == "elegible" for f in figures)

        chunks += 1
        if not args.no_split and (chunks - 1) % args.split_every == 0:
            split_sets += size
            started = time.perf_counter()
            explained = [score(rubric, raw) for raw in chunk]
            explained_time += time.perf_counter() - started
            mismatches += sum(
                figures_of(result) != fast for result, fast in zip(explained, figures, strict=True)
            )
            del explained
            started = time.perf_counter()
            parsed = [evidence_for(rubric, raw) for raw in chunk]
            parse_time += time.perf_counter() - started
            started = time.perf_counter()
            results = [score(rubric, evidence) for evidence in parsed]
            scored_time += time.perf_counter() - started
            del results, parsed
        sets += size
        del chunk
        if sets % 100_000 == 0 and args.n > 100_000:
            print(f"  {sets:>9,} sets, {sets / end_to_end:,.0f} sets/s so far", flush=True)
    gc.collect()
    total = end_to_end
    rate = sets / total
    print(
        f"generated {sets:,} sets ({items:,} items, {items / sets:.1f} per set; "
        f"{eligible / sets:.1%} eligible) in {generate_time:.1f} s, untimed"
    )
    print()
    print("| phase                               |    seconds |   sets/s | µs/set |")
    print("|-------------------------------------|-----------:|---------:|-------:|")
    print(f"| score_many(rubric, dicts)           | {total:10.2f} | {rate:8,.0f} | "
          f"{1e6 * total / sets:6.1f} |")  # fmt: skip
    if split_sets:
        for label, seconds in (
            ("score(rubric, dict), explained", explained_time),
            ("evidence_for (parse + validate)", parse_time),
            ("score(rubric, Evidence)", scored_time),
        ):
            print(f"| {label:<35} | {seconds:10.2f} | {split_sets / seconds:8,.0f} | "
                  f"{1e6 * seconds / split_sets:6.1f} |")  # fmt: skip
        share = parse_time / (parse_time + scored_time)
        print(f"parse share of the explained score: {share:.0%} (timed on {split_sets:,} sets)")
        print(f"figures that differ between score_many and score: {mismatches}")
    ok = rate >= TARGET
    print(f"target (>= {TARGET:,} sets/s on one core):", "met" if ok else "NOT met")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
