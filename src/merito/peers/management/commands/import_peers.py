from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from merito.errors import DomainError
from merito.peers.services import peers_import


class Command(BaseCommand):
    help = (
        "Importa el banco de pares desde un CSV o Excel (.xlsx). Sin --confirm solo revisa "
        "el archivo (simulación) e informa los errores fila por fila."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Ruta del archivo .csv o .xlsx")
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Guarda las filas sin errores y envía los enlaces de activación.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No existe el archivo %(path)s.") % {"path": path})
        try:
            report = peers_import(
                content=path.read_bytes(), file_name=path.name, confirm=options["confirm"]
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        for row_error in report.errors:
            self.stdout.write(
                _("Fila %(row)d, columna %(column)s: %(message)s")
                % {"row": row_error.row, "column": row_error.column, "message": row_error.message}
            )
        summary = _(
            "%(rows)d filas; %(people)d personas nuevas; %(memberships)d pertenencias nuevas; "
            "%(unchanged)d sin cambios; %(bad)d filas con errores."
        ) % {
            "rows": report.rows,
            "people": report.users_created,
            "memberships": report.memberships_created,
            "unchanged": report.unchanged,
            "bad": report.rows_with_errors,
        }
        if report.confirmed:
            self.stdout.write(self.style.SUCCESS(_("Importadas: %(s)s") % {"s": summary}))
        else:
            self.stdout.write(_("Simulación (nada se guardó): %(s)s") % {"s": summary})
            if report.errors:
                self.stdout.write(
                    _("Corrija el archivo o use --confirm para guardar solo las filas válidas.")
                )
