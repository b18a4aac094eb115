"""Score one applicant's evidence under a rubric: exact, reproducible and explained.

Order of work: requirements first (they decide eligibility and which evidence they
*consume*: the title or the years that satisfy a requirement do not also earn points);
then each criterion, its cap, the group's cap and weight; then the total, its cap, the
percentage bonuses and the final score. Rounding happens only where the rubric's
``precision`` says so (bonus and final on the seed 001 acta), half up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise, product
from math import ceil
from typing import Any

from merito.rubrics.errors import EvidenceError
from merito.rubrics.evidence import Evidence, Item, parse_evidence
from merito.rubrics.periods import Period, clip, completed_months, merge, school_years, total_months
from merito.rubrics.predicates import Context
from merito.rubrics.result import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    PENDING,
    BonusOutcome,
    CriterionOutcome,
    GroupOutcome,
    Rejection,
    RequirementOutcome,
    ScoreResult,
    Use,
)
from merito.rubrics.rubric import Criterion, MissingParameter, Requirement, Rubric, decimal_text

ZERO = Decimal(0)
HUNDRED = Decimal(100)
AFTER_CUT = "El periodo empieza después de la fecha de corte: no cuenta."


def evidence_for(rubric: Rubric, raw: object) -> Evidence:
    """Check decoded JSON evidence against ``rubric`` (raises ``EvidenceError``)."""
    if isinstance(raw, dict) and raw.get("rubric") not in (None, rubric.id):
        raise EvidenceError(
            "rubric", f"la evidencia es para la rúbrica «{raw['rubric']}», no para «{rubric.id}»."
        )
    return parse_evidence(raw, rubric.kinds, rubric.facts, rubric.tests, rubric.as_of)


def score(rubric: Rubric, evidence: Evidence | Mapping[str, Any]) -> ScoreResult:
    """The applicant's result under ``rubric``. ``evidence`` may be decoded JSON."""
    if not isinstance(evidence, Evidence):
        evidence = evidence_for(rubric, evidence)
    run = _Run(rubric, evidence)
    best = run.result()
    choices = {req: met for req, met in run.met_options.items() if len(met) > 1}
    if choices:
        # Several alternatives are met: each is scored, the one leaving the applicant the
        # highest final (then total) wins; ties keep the first alternative in the file.
        for combination in product(*choices.values()):
            forced = dict(zip(choices, combination, strict=True))
            candidate = _Run(rubric, evidence, forced).result()
            if (candidate.final, candidate.total) > (best.final, best.total):
                best = candidate
    return best


def _quantize(value: Decimal, places: int | None) -> Decimal:
    if places is None:
        return value
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _overlapping(periods: list[Period]) -> bool:
    ordered = sorted(periods)
    return any(later[0] <= earlier[1] for earlier, later in pairwise(ordered))


def _months_text(months: int) -> str:
    return "1 mes" if months == 1 else f"{months} meses"


class _Run:
    def __init__(
        self, rubric: Rubric, evidence: Evidence, forced: Mapping[str, int] | None = None
    ) -> None:
        self.rubric = rubric
        self.forced = forced or {}
        """Alternative to use per ``alternatives`` requirement (when several are met)."""
        self.met_options: dict[str, list[int]] = {}
        self.unmet_consumers: set[str] = set()
        """Consuming requirements not met: nothing is "additional" to them."""
        self.evidence = evidence
        self.ctx = Context(evidence.as_of, evidence.facts)
        self.by_kind: dict[str, list[Item]] = {}
        for item in evidence.items:
            self.by_kind.setdefault(item.kind, []).append(item)
        self.consumed_items: dict[str, frozenset[str]] = {}
        self.consumed_months: dict[str, dict[str | None, int]] = {}
        self.labels: dict[str, str] = {}

    def field_label(self, kind: str, field: str | None) -> str:
        spec = self.rubric.kinds[kind].fields.get(field or "") if kind else None
        return spec.label if spec is not None and spec.label else str(field)

    def word(self, kind: str, field: str | None, value: object) -> str:
        spec = self.rubric.kinds[kind].fields.get(field or "") if kind else None
        return spec.word(value) if spec is not None else str(value)

    # ------------------------------------------------------------------ screening

    def screen(self, kind: str, match: Any, conditions: Any) -> tuple[list[Item], list[Rejection]]:
        accepted: list[Item] = []
        rejected: list[Rejection] = []
        ctx = self.ctx
        for item in self.by_kind.get(kind, ()):
            if not match(item, ctx):
                continue
            if item.after_cut:
                rejected.append(Rejection(item.id, AFTER_CUT))
                continue
            for condition in conditions:
                if not condition.test(item, ctx):
                    rejected.append(Rejection(item.id, condition.reason))
                    break
            else:
                accepted.append(item)
        return accepted, rejected

    # ------------------------------------------------------------------ requirements

    def requirement(
        self,
        req: Requirement,
        consumed: dict[str, frozenset[str]],
        months: dict[str, dict[str | None, int]],
    ) -> RequirementOutcome:
        self.labels[req.id] = req.label
        if not req.applies(None, self.ctx):
            return RequirementOutcome(
                req.id, req.label, NOT_APPLICABLE, False, "", "No aplica a este postulante."
            )
        withdraws = req.withdraws(None, self.ctx)
        try:
            status, detail, used, rejected = _REQUIREMENT_METHODS[req.method](
                self, req, consumed, months
            )
        except MissingParameter as missing:
            return RequirementOutcome(
                req.id, req.label, PENDING, withdraws, f"No se puede verificar: {missing}.", ""
            )
        if status == NOT_MET:
            reason = req.reason
            if req.consumes:
                self.unmet_consumers.add(req.id)
        elif status == PENDING:
            reason = f"No se puede decidir: {detail[:1].lower()}{detail[1:]}"
        else:
            reason = ""
        return RequirementOutcome(
            req.id, req.label, status, withdraws, reason, detail, tuple(used), tuple(rejected)
        )

    def req_has_item(
        self, req: Requirement, consumed: dict[str, frozenset[str]], months: Any
    ) -> Any:
        accepted, rejected = self.screen(req.kind, req.match, req.conditions)
        met = len(accepted) >= req.count
        if not met:
            chosen = accepted
        elif req.count == 1:
            # The first of the preferred, as sorted(...)[:1] (keys end in the unique id).
            chosen = [min(accepted, key=self.preference_key(req))]
        else:
            chosen = sorted(accepted, key=self.preference_key(req))[: req.count]
        note = "cumple el requisito" + (
            "; por eso no suma como adicional" if req.consumes and met else ""
        )
        if req.consumes and met:
            consumed[req.id] = frozenset(item.id for item in chosen)
        detail = f"{len(accepted)} válido(s) de {req.count} exigido(s)."
        return (
            MET if met else NOT_MET,
            detail,
            [Use(item.id, None, note) for item in chosen],
            rejected,
        )

    def preference_key(self, req: Requirement) -> Callable[[Item], tuple[int, str, str]]:
        """``preference`` for one requirement, with its lookups done once."""
        prefer_by = req.prefer_by
        order = req.prefer_order
        last = len(order)
        ranks: dict[str, int] = {}
        for index, value in enumerate(order):
            ranks.setdefault(value, index)  # order.index(value): the first place

        def key(item: Item) -> tuple[int, str, str]:
            rank = last
            fields = item.fields
            if prefer_by is not None:
                rank = ranks.get(str(fields.get(prefer_by)), last)
            period = item.period
            when = (
                period[0].isoformat()
                if period
                else str(fields.get("date") or fields.get("year") or "")
            )
            return rank, when, item.id

        return key

    def preference(self, req: Requirement, item: Item) -> tuple[int, str, str]:
        rank = len(req.prefer_order)
        if req.prefer_by is not None:
            value = str(item.get(req.prefer_by))
            if value in req.prefer_order:
                rank = req.prefer_order.index(value)
        when = (
            item.period[0].isoformat()
            if item.period
            else str(item.get("date") or item.get("year") or "")
        )
        return rank, when, item.id

    def req_no_item(self, req: Requirement, consumed: Any, months: Any) -> Any:
        offending = [
            item
            for item in self.by_kind.get(req.kind, ())
            if not item.after_cut and req.match(item, self.ctx)
        ]
        if offending:
            return (
                NOT_MET,
                "Se encontró evidencia que lo impide.",
                [Use(i.id, None, "motivo") for i in offending],
                [],
            )
        return MET, "No se encontró evidencia que lo impida.", [], []

    def req_fact(self, req: Requirement, consumed: Any, months: Any) -> Any:
        value = self.evidence.facts.get(req.fact)
        if value is None:
            return PENDING, "Sin respuesta registrada.", [], []
        return (MET, "Sí.", [], []) if value is True else (NOT_MET, "No.", [], [])

    def req_min_years(
        self, req: Requirement, consumed: Any, months_out: dict[str, dict[str | None, int]]
    ) -> Any:
        accepted, rejected = self.screen(req.kind, req.match, req.conditions)
        needed = req.years.resolve(self.rubric, self.evidence.facts)
        notes = []
        if req.reduce_years is not None and req.reduce_when(None, self.ctx):
            reduction = req.reduce_years.resolve(self.rubric, self.evidence.facts)
            needed = max(needed - reduction, ZERO)
            notes.append(f"se reduce en {decimal_text(reduction)} año(s)")
        keyed = self.keyed_periods(
            accepted, req.by, req.weights if req.by else None, rejected, "requisito"
        )
        leaves = (
            [
                i.period
                for i in self.by_kind.get(req.subtract_kind, ())
                if i.period and req.subtract_match(i, self.ctx)
            ]
            if req.subtract_kind
            else []
        )
        months: dict[str | None, int] = {}
        parts = []
        for key, periods in keyed.items():
            counted = merge(periods) if req.merge else periods
            count = total_months(counted)
            lost = total_months(clip(leaves, counted)) if leaves else 0
            months[key] = max(count - lost, 0)
            label = f"{self.word(req.kind, req.by, key)}: " if key is not None else ""
            weight = req.weights.get(key or "", Decimal(1)) if req.by else Decimal(1)
            factor = f" (cuentan a {decimal_text(weight)})" if weight != 1 else ""
            text = f"{label}{_months_text(count)}"
            if lost:
                text += (
                    f" − {_months_text(lost)} que no cuentan (licencias sin goce, suspensiones)"
                    f" = {_months_text(months[key])}"
                )
            parts.append(text + factor)
        need = needed * 12
        equivalent = sum(
            (
                Decimal(m) * (req.weights.get(k or "", Decimal(1)) if req.by else Decimal(1))
                for k, m in months.items()
            ),
            ZERO,
        )
        met = equivalent >= need
        if req.consumes and met:
            remaining = need
            taken: dict[str | None, int] = {}
            order: list[str | None] = [*req.weights] if req.by else [None]
            for key in order:
                if remaining <= 0:
                    break
                weight = req.weights[key] if key is not None else Decimal(1)
                take = min(months.get(key, 0), ceil(remaining / weight))
                taken[key] = take
                remaining -= take * weight
            months_out[req.id] = taken
            notes.append(
                "usados en el requisito: "
                + ", ".join(
                    f"{self.word(req.kind, req.by, k) + ': ' if k else ''}{_months_text(v)}"
                    for k, v in taken.items()
                    if v
                )
            )
        detail = "; ".join(parts) or "sin periodos válidos"
        detail = (
            f"Acredita {detail}; equivale a {decimal_text(equivalent)} meses; "
            f"se exigen {decimal_text(need)} meses ({decimal_text(needed)} años)"
        )
        if notes:
            detail += " — " + "; ".join(notes)
        refused = {r.item for r in rejected}
        used = [
            Use(item.id, None, _months_text(completed_months(*item.period)))
            for item in accepted
            if item.period and item.id not in refused
        ]
        return MET if met else NOT_MET, detail + ".", used, rejected

    def req_min_score(self, req: Requirement, consumed: Any, months: Any) -> Any:
        criterion = self.criteria[req.criterion]
        minimum = req.minimum.resolve(self.rubric, self.evidence.facts)
        if (
            self.rubric.criterion(req.criterion).method == "test"
            and self.rubric.criterion(req.criterion).test not in self.evidence.tests
        ):
            return NOT_MET, "No hay resultado de la prueba.", [], []
        met = criterion.points >= minimum
        detail = f"Obtiene {decimal_text(criterion.points)}; mínimo {decimal_text(minimum)}."
        return MET if met else NOT_MET, detail, [], []

    def req_alternatives(
        self,
        req: Requirement,
        consumed: dict[str, frozenset[str]],
        months: dict[str, dict[str | None, int]],
    ) -> Any:
        summaries = []
        met: list[int] = []
        evaluated = []
        for index, (label, option) in enumerate(zip(req.option_labels, req.options, strict=True)):
            option_consumed: dict[str, frozenset[str]] = {}
            option_months: dict[str, dict[str | None, int]] = {}
            outcomes = [self.requirement(sub, option_consumed, option_months) for sub in option]
            evaluated.append((label, outcomes, option_consumed, option_months))
            if all(o.status in (MET, NOT_APPLICABLE) for o in outcomes):
                met.append(index)
            else:
                failed = [o.label for o in outcomes if o.status != MET]
                summaries.append(f"«{label}»: no cumple {', '.join(failed)}")
        self.unmet_consumers.difference_update(
            sub.id for option in req.options for sub in option
        )  # the nested ones speak through this requirement
        self.met_options[req.id] = met
        if met:
            chosen = self.forced.get(req.id, met[0])
            label, outcomes, option_consumed, option_months = evaluated[chosen]
            consumed.update(option_consumed)
            months.update(option_months)
            # Criteria may also refer to the whole requirement: it consumes what its
            # chosen alternative consumed.
            consumed[req.id] = frozenset().union(*option_consumed.values())
            joined: dict[str | None, int] = {}
            for taken in option_months.values():
                for key, count in taken.items():
                    joined[key] = joined.get(key, 0) + count
            months[req.id] = joined
            used = [use for o in outcomes for use in o.used]
            detail = f"Cumple la alternativa «{label}»: " + " ".join(
                f"{o.label}: {o.detail}" for o in outcomes
            )
            if len(met) > 1:
                detail += (
                    f" Se cumplen {len(met)} alternativas; se usa la que deja más puntaje "
                    "al aspirante."
                )
            return MET, detail, used, []
        return NOT_MET, "Ninguna alternativa se cumple (" + "; ".join(summaries) + ").", [], []

    # ------------------------------------------------------------------ criteria

    def keyed_periods(
        self,
        items: list[Item],
        by: str | None,
        table: Mapping[str, Decimal] | None,
        rejected: list[Rejection],
        where: str,
    ) -> dict[str | None, list[Period]]:
        keyed: dict[str | None, list[Period]] = {}
        for item in items:
            if item.period is None:
                continue
            key = None
            if by is not None:
                value = item.get(by)
                key = str(value) if value is not None else ""
                if table is not None and key not in table:
                    what = self.field_label(item.kind, by)
                    word = self.word(item.kind, by, value)
                    rejected.append(
                        Rejection(item.id, f"{what} «{word}» no cuenta para este {where}.")
                    )
                    continue
            keyed.setdefault(key, []).append(item.period)
        return keyed

    def criterion(self, c: Criterion) -> CriterionOutcome:
        raw, used, rejected, notes = _CRITERION_METHODS[c.method](self, c)
        points = raw
        if c.cap is not None and raw > c.cap:
            points = c.cap
            notes.append(
                f"Tope de {decimal_text(c.cap)} puntos aplicado (la suma era {decimal_text(raw)})."
            )
        result = points * c.weight / HUNDRED if c.weight is not None else points
        if c.note:
            notes.append(c.note)
        return CriterionOutcome(
            c.id,
            c.label,
            raw,
            c.cap,
            points,
            c.weight,
            result,
            tuple(used),
            tuple(rejected),
            tuple(notes),
        )

    def items_for(self, c: Criterion) -> tuple[list[Item], list[Rejection]]:
        accepted, rejected = self.screen(c.kind, c.match, c.conditions)
        if c.after is not None and c.after in self.unmet_consumers:
            label = self.labels.get(c.after, c.after)
            reason = (
                f"El requisito «{label}» no se cumple; este criterio solo cuenta lo adicional a él."
            )
            rejected.extend(Rejection(item.id, reason) for item in accepted)
            return [], rejected
        if c.after is not None and c.after in self.consumed_items:
            taken = self.consumed_items[c.after]
            label = self.labels.get(c.after, c.after)
            kept = []
            for item in accepted:
                if item.id in taken:
                    rejected.append(
                        Rejection(
                            item.id,
                            f"Se usa para cumplir el requisito «{label}»; no suma como adicional.",
                        )
                    )
                else:
                    kept.append(item)
            accepted = kept
        return accepted, rejected

    def crit_per_item(self, c: Criterion) -> Any:
        accepted, rejected = self.items_for(c)
        used = []
        total = ZERO
        by = c.points.by
        table = c.points.table
        value = c.points.value
        for item in accepted:
            # c.points.for_item(item.get(by) if by else None), inlined
            if by is None:
                points = value
            elif by:
                raw = item.fields.get(by)
                points = table.get(str(raw)) if raw is not None else None
            else:
                points = None
            if points is None:
                what = self.field_label(c.kind, by)
                word = self.word(c.kind, by, item.get(by or ""))
                reason = f"{what} «{word}» no tiene puntaje en este criterio."
                rejected.append(Rejection(item.id, reason))
                continue
            used.append(Use(item.id, points))
            total += points
        return total, used, rejected, []

    def crit_highest(self, c: Criterion) -> Any:
        total, used, rejected, notes = self.crit_per_item(c)
        if len(used) <= 1:
            return total, used, rejected, notes
        # The highest; among equals, the first by id (never the input order).
        best = min(used, key=lambda use: (-(use.points or ZERO), use.item))
        for use in used:
            if use is not best:
                rejected.append(
                    Rejection(use.item, f"Solo cuenta el de mayor puntaje ({best.item}).")
                )
        return best.points or ZERO, [best], rejected, notes

    def crit_years(self, c: Criterion) -> Any:
        accepted, rejected = self.items_for(c)
        table = c.points.table if c.points.by else None
        keyed = self.keyed_periods(accepted, c.points.by, table, rejected, "criterio")
        taken = self.consumed_months.get(c.after or "", {})
        total = ZERO
        notes = []
        span = 12 * c.every
        unit = "año(s) completo(s)" if c.every == 1 else f"bloque(s) completo(s) de {c.every} años"
        lone = "un año" if c.every == 1 else f"un bloque de {c.every} años"
        for key, periods in keyed.items():
            per = c.points.for_item(key)
            assert per is not None
            label = f"{self.word(c.kind, c.points.by, key)}: " if key is not None else ""
            if c.unit == "school_year":
                years = school_years(periods, *c.school_window)
                units = len(years) // c.every
                points = units * per
                listed = ", ".join(str(y) for y in years) or "ninguno"
                notes.append(
                    f"{label}años lectivos completos: {listed} → "
                    f"{units} × {decimal_text(per)} = {decimal_text(points)}."
                )
                total += points
                continue
            counted = merge(periods) if c.merge else periods
            months = total_months(counted)
            text = f"{label}{_months_text(months)}"
            if c.merge and _overlapping(periods):
                text += " (periodos traslapados contados una sola vez)"
            used_up = taken.get(key, 0)
            if used_up:
                text += f" − {_months_text(used_up)} usados en el requisito"
                months = max(months - used_up, 0)
                text += f" = {_months_text(months)}"
            units = months // span
            points = units * per
            left = months - units * span
            text += f" → {units} {unit} × {decimal_text(per)} = {decimal_text(points)}"
            if left:
                text += f" (los {_months_text(left)} restantes no completan {lone} y no cuentan)"
            notes.append(text + ".")
            total += points
        rejected_ids = {r.item for r in rejected}
        used = [
            Use(
                item.id,
                None,
                _months_text(completed_months(*item.period))
                + (" (vigente)" if item.open_ended else ""),
            )
            for item in accepted
            if item.period is not None and item.id not in rejected_ids
        ]
        return total, used, rejected, notes

    def crit_test(self, c: Criterion) -> Any:
        raw = self.evidence.tests.get(c.test)
        if raw is None:
            return ZERO, [], [], ["Sin resultado registrado para la prueba."]
        value = c.points.value or ZERO
        points = raw * value
        note = (
            f"{decimal_text(raw)} × {decimal_text(value)} = {decimal_text(points)}"
            if value != 1
            else f"Resultado {decimal_text(raw)}"
        )
        return points, [], [], [note + "."]

    def crit_fact(self, c: Criterion) -> Any:
        if self.evidence.facts.get(c.fact) is True:
            return c.points.value or ZERO, [], [], ["Acredita."]
        return ZERO, [], [], ["No acredita."]

    # ------------------------------------------------------------------ result

    def result(self) -> ScoreResult:
        rubric = self.rubric
        outcomes: dict[str, RequirementOutcome] = {}
        for req in rubric.requirements:
            if req.method != "min_score":
                outcomes[req.id] = self.requirement(req, self.consumed_items, self.consumed_months)
        groups = []
        self.criteria: dict[str, CriterionOutcome] = {}
        for group in rubric.groups:
            criteria = []
            for c in group.criteria:
                outcome = self.criterion(c)
                self.criteria[c.id] = outcome
                criteria.append(outcome)
            raw = sum((o.result for o in criteria), ZERO)
            points = min(raw, group.cap) if group.cap is not None else raw
            result = points * group.weight / HUNDRED if group.weight is not None else points
            groups.append(
                GroupOutcome(
                    group.id,
                    group.label,
                    raw,
                    group.cap,
                    points,
                    group.weight,
                    result,
                    tuple(criteria),
                )
            )
        for req in rubric.requirements:
            if req.method == "min_score":
                outcomes[req.id] = self.requirement(req, self.consumed_items, self.consumed_months)
        requirements = tuple(outcomes[req.id] for req in rubric.requirements)
        eligible = not any(r.failed and r.withdraws for r in requirements)
        pending = any(r.status == PENDING for r in requirements)
        total_raw = sum((g.result for g in groups), ZERO)
        total = min(total_raw, rubric.total_cap) if rubric.total_cap is not None else total_raw
        total = _quantize(total, rubric.precision.get("total"))
        bonuses = []
        for bonus in rubric.bonuses:
            applies = bonus.when(None, self.ctx)
            amount = _quantize(
                total * bonus.percent / HUNDRED if applies else ZERO, rubric.precision.get("bonus")
            )
            bonuses.append(BonusOutcome(bonus.id, bonus.label, bonus.percent, applies, amount))
        final = _quantize(
            total + sum((b.amount for b in bonuses), ZERO), rubric.precision.get("final")
        )
        return ScoreResult(
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            applicant_id=self.evidence.applicant_id,
            as_of=self.evidence.as_of,
            eligible=eligible,
            pending=pending,
            requirements=requirements,
            groups=tuple(groups),
            total_raw=total_raw,
            total_cap=rubric.total_cap,
            total=total,
            bonuses=tuple(bonuses),
            final=final,
            readings=rubric.readings,
            precision=tuple(rubric.precision.items()),
        )


_REQUIREMENT_METHODS: dict[str, Callable[..., Any]] = {
    name.removeprefix("req_"): function
    for name, function in vars(_Run).items()
    if name.startswith("req_")
}
_CRITERION_METHODS: dict[str, Callable[..., Any]] = {
    name.removeprefix("crit_"): function
    for name, function in vars(_Run).items()
    if name.startswith("crit_")
}
