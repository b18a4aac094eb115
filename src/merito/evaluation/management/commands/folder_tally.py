from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from merito.evaluation import tally


class Command(BaseCommand):
    help = (
        "Conteos de carpetas (FolderTally): 'check' los compara con un conteo nuevo de las "
        "carpetas; 'rebuild' los recalcula."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "rebuild"])
        parser.add_argument("--prueba", type=int, default=None, help="solo esta prueba (id)")

    def handle(self, *args, **options):
        test_id = options["prueba"]
        if options["action"] == "rebuild":
            with transaction.atomic():
                tally.rebuild(test_id)
            self.stdout.write(self.style.SUCCESS("Conteos recalculados."))
            return
        drift = tally.drift(test_id)
        if not drift:
            self.stdout.write(self.style.SUCCESS("Conteos exactos."))
            return
        for test, role, user, level, state, kept, counted in drift:
            self.stdout.write(
                f"prueba {test} rol {role or '—'} usuario {user or '—'} nivel {level or '—'} "
                f"estado {state}: guardado {kept}, contado {counted}"
            )
        raise CommandError(f"{len(drift)} conteo(s) difieren; corrija con 'rebuild'.")
