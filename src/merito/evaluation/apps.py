from django.apps import AppConfig
from django.db.models.signals import post_save


class EvaluationConfig(AppConfig):
    name = "merito.evaluation"
    verbose_name = "Evaluación: carpetas, distribución, revisión y resultados"

    def ready(self) -> None:
        from merito.evaluation import (
            scope,  # noqa: F401  (declares who reaches which rows)
            states,  # noqa: F401  (declares the folder's state machine)
        )
        from merito.evaluation.models import FolderEvent
        from merito.evaluation.results import version_from_event

        # Each scoring in ``folder_transition`` becomes a version (see results.py).
        post_save.connect(
            version_from_event, sender=FolderEvent, dispatch_uid="evaluation.folder_version"
        )
        # A withdrawn inscription's folders leave the lists and counters (Folder.active).
        from merito.applications.models import Inscription
        from merito.evaluation.distribution import inscription_changed
        from merito.states import state_moved

        state_moved.connect(
            inscription_changed, sender=Inscription, dispatch_uid="evaluation.folder_active"
        )
        # A test's folders follow the test: created when it opens; a user who still holds
        # folders stays linked to it.
        from merito.calls.services import register_test_work
        from merito.evaluation.distribution import folders_sync, pending_folders

        register_test_work(on_open=lambda test: folders_sync(test=test), pending=pending_folders)
