from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from merito.demo.people import ACCOUNTS, demo_totp_key


class Command(BaseCommand):
    help = (
        "Imprime el código TOTP actual de una cuenta de demostración (solo con DEBUG): "
        "lo mismo que mostraría una aplicación de autenticación con la clave publicada."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Solo para la demostración: necesita DEBUG=1.")
        username = options["username"]
        if username not in {a.username for a in ACCOUNTS if a.role != "applicant"}:
            raise CommandError(f"{username} no es una cuenta de personal de la demostración.")
        totp = TOTP(bytes.fromhex(demo_totp_key(username)))
        self.stdout.write(f"{totp.token():06d}  (cambia cada 30 segundos)")
