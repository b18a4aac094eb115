"""A rubric in plain Spanish, one sentence per line (``explain_rubric(rubric)``, for the
call's page and ``merito score --explain``)."""

from __future__ import annotations

from decimal import Decimal

from merito.rubrics.rubric import Criterion, Points, Requirement, Rubric, decimal_text


def _table(rubric: Rubric, kind: str, points: Points, unit: str) -> str:
    if points.by is None:
        return f"{decimal_text(points.value or Decimal(0))} {unit}"
    spec = rubric.kinds[kind].fields.get(points.by) if kind else None
    entries = [
        f"{spec.word(key) if spec else key}: {decimal_text(value)}"
        for key, value in points.table.items()
    ]
    what = spec.label.lower() if spec and spec.label else points.by
    return f"{unit} según {what} ({'; '.join(entries)})"


def _criterion(rubric: Rubric, c: Criterion) -> str:
    if c.method == "per_item":
        text = f"{c.label}: " + _table(rubric, c.kind, c.points, "puntos por cada uno")
    elif c.method == "highest":
        text = f"{c.label}: solo cuenta el de mayor puntaje; " + _table(
            rubric, c.kind, c.points, "puntos"
        )
    elif c.method == "years":
        if c.unit == "school_year":
            period = "año lectivo completo"
        elif c.every == 1:
            period = "año completo (12 meses; las fracciones no cuentan)"
        else:
            period = f"{c.every} años completos"
        text = f"{c.label}: " + _table(rubric, c.kind, c.points, f"puntos por cada {period}")
        if c.merge:
            text += "; los periodos traslapados se cuentan una sola vez"
    elif c.method == "test":
        value = c.points.value or Decimal(0)
        if value == 1:
            text = f"{c.label}: el resultado de la prueba, de 0 a {decimal_text(c.raw_max)}"
        else:
            text = (
                f"{c.label}: cada respuesta correcta vale {decimal_text(value)} (hasta "
                f"{decimal_text(c.raw_max)} respuestas, máximo {decimal_text(c.raw_max * value)})"
            )
    else:
        text = f"{c.label}: {decimal_text(c.points.value or Decimal(0))} puntos si lo acredita"
    if c.after:
        requirement = next((r for r in _all_requirements(rubric) if r.id == c.after), None)
        label = requirement.label if requirement else c.after
        text += f"; solo lo adicional al requisito «{label}» (lo que cumple el requisito no suma)"
    if c.cap is not None:
        text += f"; máximo {decimal_text(c.cap)} puntos"
    if c.weight is not None:
        text += f"; pondera {decimal_text(c.weight)} %"
    return text + "."


def _all_requirements(rubric: Rubric) -> list[Requirement]:
    found = []
    for requirement in rubric.requirements:
        found.append(requirement)
        found.extend(sub for option in requirement.options for sub in option)
    return found


def _requirement(rubric: Rubric, r: Requirement) -> str:
    text = f"Requisito — {r.label}"
    if r.method == "min_years":
        text += f": al menos {r.years.describe(rubric)} años"
    elif r.method == "min_score":
        text += f": mínimo {r.minimum.describe(rubric)} puntos"
    elif r.method == "alternatives":
        text += ": cumplir una de estas alternativas: " + "; ".join(r.option_labels)
    if r.note:
        text += f". {r.note}"
    return text + f". Si no se cumple: {r.reason}"


def explain_rubric(rubric: Rubric) -> list[str]:
    lines = []
    if rubric.description:
        lines.append(rubric.description)
    lines.extend(_requirement(rubric, r) for r in rubric.requirements)
    for group in rubric.groups:
        head = f"{group.label}"
        if group.cap is not None:
            head += f": hasta {decimal_text(group.cap)} puntos"
        if group.weight is not None:
            head += f" (pondera {decimal_text(group.weight)} % del puntaje final)"
        lines.append(head + ".")
        lines.extend(f"— {_criterion(rubric, c)}" for c in group.criteria)
    if rubric.total_cap is not None:
        lines.append(f"Puntaje total máximo: {decimal_text(rubric.total_cap)}.")
    for bonus in rubric.bonuses:
        lines.append(f"{bonus.label}: {decimal_text(bonus.percent)} % sobre el puntaje total.")
    if rubric.tie_breaks:
        chain = ", luego ".join(link.label for link in rubric.tie_breaks)
        lines.append(f"En caso de empate en el puntaje final se ordena por {chain}.")
    lines.extend(f"Lectura adoptada: {reading}" for reading in rubric.readings)
    if rubric.source:
        lines.append(f"Fuente: {rubric.source}.")
    return lines
