"""The ``merito`` console script.

``merito rubric|score|rank|allocate …`` run the pure-Python scoring engine without
starting Django; every other word is a Django management command, with hyphens allowed
(``merito demo-data`` runs ``demo_data``; ``merito audit verify`` runs ``audit verify``).
"""

from __future__ import annotations

import os
import sys

ENGINE_COMMANDS = {"rubric", "score", "rank", "allocate"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ENGINE_COMMANDS:
        from merito.rubrics.cli import main as engine_main

        return engine_main(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merito.settings")
    from django.core.management import execute_from_command_line

    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["merito", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
