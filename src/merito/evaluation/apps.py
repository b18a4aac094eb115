from django.apps import AppConfig
from django.db.models.signals import post_save


class EvaluationConfig(AppConfig):
    name = "merito.evaluation"
    verbose_name = "Evaluación: procesos de selección, pruebas y operadores"

    def ready(self) -> None:
        from merito.evaluation.models import FolderEvent
        from merito.evaluation.results import version_from_event

        # Each scoring in ``folder_transition`` becomes a version (see results.py).
        post_save.connect(
            version_from_event, sender=FolderEvent, dispatch_uid="evaluation.folder_version"
        )
        # A withdrawn inscription's folders leave the lists and counters (Folder.active).
        from merito.applications.models import Inscription
        from merito.evaluation.distribution import inscription_changed

        post_save.connect(
            inscription_changed, sender=Inscription, dispatch_uid="evaluation.folder_active"
        )
