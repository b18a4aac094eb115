"""Running the project's migrations to a point and back, for the tests of a migration."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate to ``targets`` ((app, migration); None undoes all of an app's) and return
    the models as they are there (``apps.get_model``)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def latest() -> list[tuple[str, str]]:
    """The newest migration of every app: where every test leaves the database."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
