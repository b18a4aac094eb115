"""A scored applicant: every requirement, criterion, cap, bonus and figure, explained.

``to_dict()`` carries every figure as a decimal string (JSON output of ``merito score``);
``to_text()`` is the Spanish report an applicant can read line by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from merito.rubrics.rubric import decimal_text

MET = "cumple"
NOT_MET = "no_cumple"
PENDING = "pendiente"
NOT_APPLICABLE = "no_aplica"
STATUS_WORDS = {
    MET: "Cumple",
    NOT_MET: "No cumple",
    PENDING: "Pendiente",
    NOT_APPLICABLE: "No aplica",
}


@dataclass(frozen=True, slots=True)
class Use:
    """An evidence item that earned points (or satisfied a requirement)."""

    item: str
    points: Decimal | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rejection:
    item: str
    reason: str


@dataclass(frozen=True, slots=True)
class RequirementOutcome:
    id: str
    label: str
    status: str
    withdraws: bool
    """True when this failure withdraws the applicant (retiro / exclusión)."""
    reason: str
    detail: str
    used: tuple[Use, ...] = ()
    rejected: tuple[Rejection, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status == NOT_MET


@dataclass(frozen=True, slots=True)
class CriterionOutcome:
    id: str
    label: str
    raw: Decimal
    cap: Decimal | None
    points: Decimal
    weight: Decimal | None
    result: Decimal
    used: tuple[Use, ...]
    rejected: tuple[Rejection, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    id: str
    label: str
    raw: Decimal
    cap: Decimal | None
    points: Decimal
    weight: Decimal | None
    result: Decimal
    criteria: tuple[CriterionOutcome, ...]


@dataclass(frozen=True, slots=True)
class BonusOutcome:
    id: str
    label: str
    percent: Decimal
    applies: bool
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ScoreResult:
    rubric_id: str
    rubric_version: str
    applicant_id: str
    as_of: date
    eligible: bool
    pending: bool
    requirements: tuple[RequirementOutcome, ...]
    groups: tuple[GroupOutcome, ...]
    total_raw: Decimal
    total_cap: Decimal | None
    total: Decimal
    bonuses: tuple[BonusOutcome, ...]
    final: Decimal
    readings: tuple[str, ...]
    precision: tuple[tuple[str, int], ...] = ()

    @property
    def status(self) -> str:
        if not self.eligible:
            return "retirado"
        return "pendiente" if self.pending else "elegible"

    def value(self, field: str) -> Decimal:
        """A figure by name: ``final``, ``total``, a group id or a criterion id (tie-breaks)."""
        if field == "final":
            return self.final
        if field == "total":
            return self.total
        for group in self.groups:
            if group.id == field:
                return group.result
            for criterion in group.criteria:
                if criterion.id == field:
                    return criterion.result
        raise KeyError(field)

    def show(self, value: Decimal, level: str) -> str:
        return shown(value, dict(self.precision).get(level))

    def to_dict(self) -> dict[str, Any]:
        show = self.show

        def uses(entries: tuple[Use, ...]) -> list[dict[str, Any]]:
            return [
                {
                    "item": u.item,
                    "points": None if u.points is None else decimal_text(u.points),
                    "note": u.note,
                }
                for u in entries
            ]

        def rejections(entries: tuple[Rejection, ...]) -> list[dict[str, str]]:
            return [{"item": r.item, "reason": r.reason} for r in entries]

        def optional(value: Decimal | None) -> str | None:
            return None if value is None else decimal_text(value)

        return {
            "rubric": self.rubric_id,
            "rubric_version": self.rubric_version,
            "applicant_id": self.applicant_id,
            "as_of": self.as_of.isoformat(),
            "status": self.status,
            "eligible": self.eligible,
            "requirements": [
                {
                    "id": r.id,
                    "label": r.label,
                    "status": r.status,
                    "withdraws": r.withdraws,
                    "reason": r.reason,
                    "detail": r.detail,
                    "used": uses(r.used),
                    "rejected": rejections(r.rejected),
                }
                for r in self.requirements
            ],
            "groups": [
                {
                    "id": g.id,
                    "label": g.label,
                    "raw": show(g.raw, "group"),
                    "cap": optional(g.cap),
                    "points": show(g.points, "group"),
                    "weight": optional(g.weight),
                    "result": show(g.result, "group"),
                    "criteria": [
                        {
                            "id": c.id,
                            "label": c.label,
                            "raw": show(c.raw, "criterion"),
                            "cap": optional(c.cap),
                            "points": show(c.points, "criterion"),
                            "weight": optional(c.weight),
                            "result": show(c.result, "criterion"),
                            "used": uses(c.used),
                            "rejected": rejections(c.rejected),
                            "notes": list(c.notes),
                        }
                        for c in g.criteria
                    ],
                }
                for g in self.groups
            ],
            "total_raw": show(self.total_raw, "total"),
            "total_cap": optional(self.total_cap),
            "total": show(self.total, "total"),
            "bonuses": [
                {
                    "id": b.id,
                    "label": b.label,
                    "percent": decimal_text(b.percent),
                    "applies": b.applies,
                    "amount": show(b.amount, "bonus"),
                }
                for b in self.bonuses
            ],
            "final": show(self.final, "final"),
            "readings": list(self.readings),
        }

    def to_text(self) -> str:
        show = self.show
        lines = [
            f"Resultado de {self.applicant_id or 'el postulante'} — "
            f"rúbrica {self.rubric_id} (versión {self.rubric_version})"
        ]
        lines.append(f"Fecha de corte: {self.as_of.isoformat()}")
        verdict = {
            "elegible": "Cumple los requisitos.",
            "retirado": "No cumple un requisito excluyente: queda retirado/excluido.",
            "pendiente": "Hay requisitos que no se pudieron verificar (ver «Pendiente»).",
        }[self.status]
        lines.append(f"Estado: {verdict}")
        if self.requirements:
            lines.append("")
            lines.append("REQUISITOS")
            for r in self.requirements:
                effect = ""
                if r.status == NOT_MET:
                    effect = " (excluyente)" if r.withdraws else " (no excluye)"
                lines.append(f"- {r.label}: {STATUS_WORDS[r.status]}{effect}. {r.detail}".rstrip())
                if r.status in (NOT_MET, PENDING):
                    lines.append(f"    Motivo: {r.reason}")
                for use in r.used:
                    lines.append(f"    usa {use.item}{': ' + use.note if use.note else ''}")
                for rejection in r.rejected:
                    lines.append(f"    no se acepta {rejection.item}: {rejection.reason}")
        lines.append("")
        lines.append("PUNTAJE")
        for g in self.groups:
            cap = f" (máximo {decimal_text(g.cap)})" if g.cap is not None else ""
            lines.append(f"{g.label}: {show(g.points, 'group')}{cap}")
            for c in g.criteria:
                ccap = f", máximo {decimal_text(c.cap)}" if c.cap is not None else ""
                capped = (
                    f" → tope aplicado: {show(c.points, 'criterion')}" if c.points != c.raw else ""
                )
                weighted = (
                    f" × {decimal_text(c.weight)} % = {show(c.result, 'criterion')}"
                    if c.weight is not None
                    else ""
                )
                lines.append(f"  · {c.label}: {show(c.raw, 'criterion')}{capped}{weighted}{ccap}")
                for use in c.used:
                    pts = f" +{decimal_text(use.points)}" if use.points is not None else ""
                    lines.append(f"      {use.item}{pts}{': ' + use.note if use.note else ''}")
                for rejection in c.rejected:
                    lines.append(f"      no suma {rejection.item}: {rejection.reason}")
                for note in c.notes:
                    lines.append(f"      {note}")
            if g.points != g.raw:
                lines.append(
                    f"  Suma {show(g.raw, 'group')}, "
                    f"tope del rubro {decimal_text(g.cap or Decimal(0))}."
                )
            if g.weight is not None:
                lines.append(f"  Ponderación {decimal_text(g.weight)} %: {show(g.result, 'group')}")
        lines.append("")
        total_note = (
            f" (suma {show(self.total_raw, 'total')}, tope {decimal_text(self.total_cap)})"
            if self.total_cap is not None and self.total != self.total_raw
            else ""
        )
        lines.append(f"Puntaje total: {show(self.total, 'total')}{total_note}")
        for b in self.bonuses:
            state = "" if b.applies else " (no aplica)"
            label = b.label if "%" in b.label else f"{b.label} ({decimal_text(b.percent)} %)"
            lines.append(f"{label}: {show(b.amount, 'bonus')}{state}")
        lines.append(f"Puntaje final: {show(self.final, 'final')}")
        if self.readings:
            lines.append("")
            lines.append("Lecturas de la norma que aplica esta rúbrica:")
            lines.extend(f"- {reading}" for reading in self.readings)
        return "\n".join(lines) + "\n"


def shown(value: Decimal, places: int | None) -> str:
    """A figure as results show it: with ``places`` decimals (half up) when the rubric's
    ``precision`` gives them for its level, else as computed (``decimal_text``)."""
    if places is None:
        return decimal_text(value)
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
