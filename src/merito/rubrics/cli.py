"""Command line of the scoring engine (no Django): ``merito rubric|score|rank|allocate``."""

from __future__ import annotations

import argparse
import sys

from merito.rubrics import commands_rank, commands_score


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="merito",
        description="Motor de calificación de Mérito (rúbricas, puntajes, orden de mérito).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    commands_score.register(subparsers)
    commands_rank.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    handler = args.handler
    result: int = handler(args)
    return result
