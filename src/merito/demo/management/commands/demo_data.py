from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from merito.demo.people import DEMO_PASSWORD, demo_totp_secret, load_demo_data
from merito.organizations.models import Role

# Each context fills its own demo rows after the organizations, calls and accounts exist;
# every loader is idempotent, like load_demo_data.
LOADERS = [
    "merito.demo.calls.load_demo_calls",
    "merito.demo.profiles.load_demo_profiles",
    "merito.demo.peers.load_demo_peers",
    "merito.demo.evaluation.load_demo_evaluation",
]


class Command(BaseCommand):
    help = "Carga los datos de demostración (idempotente) e imprime las cuentas por rol."

    def handle(self, *args, **options):
        accounts = load_demo_data()
        for path in LOADERS:
            import_string(path)()
        self.stdout.write(self.style.SUCCESS("Datos de demostración listos."))
        self.stdout.write("")
        self.stdout.write(
            "Cuentas de demostración (ingrese con el usuario, el correo o el documento):"
        )
        self.stdout.write(f"  Contraseña de todas: {DEMO_PASSWORD}")
        self.stdout.write("")
        width = max(len(str(a.role.label)) for a in accounts)
        for account in accounts:
            _country, doc_type, number = account.document
            secret = ""
            if account.role != Role.APPLICANT:
                secret = f"  clave TOTP: {demo_totp_secret(account.username)}"
            self.stdout.write(
                f"  {account.role.label!s:<{width}}  usuario: {account.username:<18} "
                f"documento: {doc_type} {number}{secret}"
            )
        self.stdout.write("")
        self.stdout.write(
            "Las cuentas de personal piden un segundo factor: agregue su clave TOTP en una "
            "aplicación de autenticación, o vea el código actual con "
            "'.venv/bin/merito demo-code USUARIO'."
        )
        self.stdout.write("")
