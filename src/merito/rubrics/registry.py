"""The rubrics shipped with Mérito (``data/*.json``), loaded, validated and cached."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from merito.rubrics.errors import RubricError
from merito.rubrics.fast import allow_compiling
from merito.rubrics.rubric import Rubric, parse_rubric

_PACKAGE = "merito.rubrics.data"


def _files() -> dict[str, str]:
    found = {}
    for entry in resources.files(_PACKAGE).iterdir():
        if entry.name.endswith(".json"):
            found[entry.name.removesuffix(".json")] = entry.read_text(encoding="utf-8")
    return found


def rubric_from_text(text: str, origin: str = "") -> Rubric:
    """Parse a rubric file's text; a JSON syntax error names the line and column."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise RubricError(
            origin, f"JSON inválido en la línea {error.lineno}, columna {error.colno}: {error.msg}."
        ) from None
    return parse_rubric(raw)


def rubric_from_file(path: str | Path) -> Rubric:
    """A rubric from a file outside the package (e.g. a draft being written)."""
    return rubric_from_text(Path(path).read_text(encoding="utf-8"), str(path))


@cache
def load_rubric(rubric_id: str) -> Rubric:
    """The shipped rubric ``rubric_id``; ``KeyError`` when there is none."""
    texts = _files()
    if rubric_id not in texts:
        raise KeyError(rubric_id)
    rubric = rubric_from_text(texts[rubric_id], f"{rubric_id}.json")
    if rubric.id != rubric_id:
        raise RubricError(
            f"{rubric_id}.json", f"el id «{rubric.id}» no coincide con el nombre del archivo."
        )
    return allow_compiling(rubric)


def list_rubrics() -> list[Rubric]:
    """Every shipped rubric, by id."""
    return [load_rubric(rubric_id) for rubric_id in sorted(_files())]
