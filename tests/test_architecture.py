"""docs/architecture.md's table of packages matches the code: every top-level package and
module of ``merito`` has a row, and every row names something that exists."""

import re
from pathlib import Path

import merito

ROOT = Path(merito.__file__).parent
DOC = Path(__file__).parents[1] / "docs" / "architecture.md"


def _top_level() -> set[str]:
    names = set()
    for path in ROOT.iterdir():
        if path.name.startswith(("_", ".")) or path.name.endswith(".egg-info"):
            continue
        if path.is_dir() and (any(path.glob("*.py")) or path.name == "locale"):
            names.add(f"merito.{path.name}")
        elif path.suffix == ".py":
            names.add(f"merito.{path.stem}")
    return names


def _rows() -> list[str]:
    return re.findall(r"^\| `(merito(?:\.\w+)+)` \|", DOC.read_text(), re.M)


def _exists(name: str) -> bool:
    path = ROOT.joinpath(*name.split(".")[1:])
    return path.is_dir() or path.with_suffix(".py").is_file()


def test_every_top_level_package_has_a_row():
    missing = _top_level() - set(_rows())
    assert not missing, f"sin fila en docs/architecture.md: {sorted(missing)}"


def test_every_row_names_a_package_that_exists():
    gone = [name for name in _rows() if not _exists(name)]
    assert not gone, f"filas de paquetes que no existen: {gone}"


def test_no_row_is_repeated():
    rows = _rows()
    assert len(rows) == len(set(rows))
