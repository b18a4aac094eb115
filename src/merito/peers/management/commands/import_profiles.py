from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from merito.errors import DomainError
from merito.peers.profile_import import SECTIONS, profiles_import


class Command(BaseCommand):
    help = (
        "Importa registros de hojas de vida (formacion o experiencia) desde un CSV o Excel "
        "(.xlsx) para personas que ya tienen cuenta. Sin --confirm solo revisa el archivo."
    )

    def add_arguments(self, parser):
        parser.add_argument("section", choices=sorted(SECTIONS), help="formacion o experiencia")
        parser.add_argument("file", help="Ruta del archivo .csv o .xlsx")
        parser.add_argument("--confirm", action="store_true", help="Guarda las filas sin errores.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No existe el archivo %(path)s.") % {"path": path})
        try:
            report = profiles_import(
                section=options["section"],
                content=path.read_bytes(),
                file_name=path.name,
                confirm=options["confirm"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        for row_error in report.errors:
            self.stdout.write(
                _("Fila %(row)d, columna %(column)s: %(message)s")
                % {"row": row_error.row, "column": row_error.column, "message": row_error.message}
            )
        self.stdout.write(
            _(
                "%(rows)d filas; %(created)d registros nuevos; %(same)d ya estaban; "
                "%(bad)d con errores."
            )
            % {
                "rows": report.rows,
                "created": report.created,
                "same": report.unchanged,
                "bad": report.rows_with_errors,
            }
        )
        if not options["confirm"]:
            self.stdout.write(_("Simulación: no se guardó nada. Use --confirm para guardar."))
