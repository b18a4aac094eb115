from django.core.management.base import BaseCommand, CommandError

from merito.audit.services import audit_verify


class Command(BaseCommand):
    help = "Trazabilidad: 'verify' recalcula la cadena de hashes y reporta la primera fila rota."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        report = audit_verify()
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(f"Cadena íntegra: {report.checked} eventos verificados.")
            )
            return
        raise CommandError(
            f"Cadena rota en el evento #{report.first_broken_id}: {report.reason} "
            f"({report.checked} eventos anteriores verificados)."
        )
