"""Benchmark: rank 2,700,000 results and allocate 105,843 vacancies over 1,500 groups.

Compares the wall time of ``rank`` + ``allocate`` with a plain ``sorted()`` of the same
rows by (group, -final). Targets (issue 4): under 30 s in all and at most 3× the sort.
Usage: ``python bench/bench_ranking.py [--n 2700000] [--groups 1500] [--vacancies 105843]``.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from decimal import Decimal
from types import MappingProxyType

from merito.rubrics.allocation import Quota, allocate
from merito.rubrics.ranking import Group, Result, rank
from merito.rubrics.tiebreak import TieBreak

SEED = 20191124
BONUS = Decimal("0.15")
MILLI = Decimal("0.001")


def generate(n: int, groups: int, seed: int) -> list[Result]:
    """Seed-001-like results: PUN in half points, trayectoria 0-50, 15 % bonus for ~5 %."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    # Skewed group sizes: a few large urban groups, many small rural ones.
    weights = [rng.lognormvariate(0, 1.2) for _ in range(groups)]
    names = [
        (f"REGION-{i % 26:02d}", f"GRUPO-{i // 26 % 5 + 1}", f"ESCALA-{i // 130 + 1}")
        for i in range(groups)
    ]
    group_of = rng.choices(range(groups), weights=weights, k=n)
    puns = [Decimal(k) / 2 for k in range(60, 241)]  # 30.0 .. 120.0
    trajectories = [Decimal(k) for k in range(51)]
    results = []
    for i, g in enumerate(group_of):
        pun = rng.choice(puns)
        total = pun + rng.choice(trajectories)
        disabled = rng.random() < 0.05
        final = (total + total * BONUS).quantize(MILLI) if disabled else total.quantize(MILLI)
        results.append(
            Result(
                applicant_id=f"{10_000_000 + i * 7919 % 89_999_999:08d}",
                final=final,
                group=names[g],
                tie_values=MappingProxyType({"pun": pun}),
                eligible=rng.random() >= 0.03,
                quotas=frozenset({"disability"}) if disabled else frozenset(),
            )
        )
    return results


def spread_vacancies(results: list[Result], total: int, seed: int) -> dict[Group, int]:
    """``total`` vacancies over the groups, roughly proportional to their size."""
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible test data, not security
    sizes: dict[Group, int] = {}
    for result in results:
        sizes[result.group] = sizes.get(result.group, 0) + 1
    weights = {group: size * rng.uniform(0.3, 1.7) for group, size in sizes.items()}
    scale = total / sum(weights.values())
    vacancies = {group: int(weight * scale) for group, weight in weights.items()}
    short = total - sum(vacancies.values())
    for group in rng.sample(sorted(vacancies), short):
        vacancies[group] += 1
    return vacancies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2_700_000)
    parser.add_argument("--groups", type=int, default=1_500)
    parser.add_argument("--vacancies", type=int, default=105_843)
    parser.add_argument(
        "--gc", action="store_true", help="leave the cyclic garbage collector on while timing"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    results = generate(args.n, args.groups, SEED)
    vacancies = spread_vacancies(results, args.vacancies, SEED)
    print(f"Python {sys.version.split()[0]}, garbage collector {'on' if args.gc else 'off'}")
    print(
        f"generated {len(results):,} results in {len(vacancies):,} groups, "
        f"{sum(vacancies.values()):,} vacancies ({time.perf_counter() - started:.1f} s)"
    )
    chain = [TieBreak("final", True, "Puntaje final"), TieBreak("pun", True, "PUN")]
    quotas = [Quota("disability", Decimal("0.05"))]

    gc.collect()
    if not args.gc:
        gc.disable()  # for both timings alike: no collector passes over millions of tuples
    try:
        started = time.perf_counter()
        plain = sorted(results, key=lambda r: (r.group, -r.final))
        sort_time = time.perf_counter() - started
        del plain

        started = time.perf_counter()
        ranking = rank(results, chain)
        rank_time = time.perf_counter() - started
        started = time.perf_counter()
        allocation = allocate(ranking, vacancies, quotas)
        allocate_time = time.perf_counter() - started
    finally:
        gc.enable()

    total = rank_time + allocate_time
    seated = len(allocation.seats)
    by_quota = sum(1 for how in allocation.seats.values() if how == "disability")
    print(f"unresolved ties: {len(ranking.ties):,}; seats: {seated:,} ({by_quota:,} by quota)")
    print(f"plain sorted() by (group, -final): {sort_time:6.2f} s")
    print(f"rank:                              {rank_time:6.2f} s")
    print(f"allocate:                          {allocate_time:6.2f} s")
    print(f"rank + allocate:                   {total:6.2f} s")
    print(f"ratio (rank + allocate) / sort:    {total / sort_time:6.2f}x")
    ok = total < 30 and total <= 3 * sort_time
    print("targets (< 30 s, <= 3x sort):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
