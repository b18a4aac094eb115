"""``merito audit``: seal, verify, prove, and manage the log's signing key."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from merito.audit.log import (
    audit_seal,
    audit_verify,
    inclusion_proof,
    signer,
    trusted_verifiers,
)
from merito.audit.models import AuditEvent, AuditLeaf, TreeHead
from merito.audit.notes import NoteError, Signer
from merito.audit.redaction import audit_redact
from merito.errors import DomainError


class Command(BaseCommand):
    help = (
        "Registro de auditoría: 'verify' comprueba cada fila, hoja y cabeza firmada; "
        "'seal' sella lo pendiente; 'proof ID' da la prueba de inclusión de un evento; "
        "'head' imprime la última cabeza firmada (para guardarla fuera); 'public-key' la "
        "clave pública con que verificarla; 'keygen NOMBRE ARCHIVO' crea una clave de firma; "
        "'redact ID --reason ...' borra los datos personales de un evento sellado."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["verify", "seal", "proof", "head", "public-key", "keygen", "redact"],
        )
        parser.add_argument("values", nargs="*", metavar="ARG")
        parser.add_argument(
            "--key",
            action="append",
            default=[],
            help="clave pública de confianza (NOMBRE+ID+CLAVE); puede repetirse",
        )
        parser.add_argument(
            "--key-file", action="append", default=[], help="archivo con claves públicas"
        )
        parser.add_argument("--head", help="una cabeza firmada guardada fuera de la base de datos")
        parser.add_argument("--full", action="store_true", help="seal: revisar todas las filas")
        parser.add_argument(
            "--reason", default="", help="redact: la solicitud y su fundamento legal"
        )

    def handle(self, *args, **options):
        action = options["action"]
        try:
            return getattr(self, "_" + action.replace("-", "_"))(options)
        except NoteError as error:
            raise CommandError(str(error)) from None

    def _keys(self, options):
        texts = list(options["key"])
        for name in options["key_file"]:
            texts += Path(name).read_text(encoding="utf-8").splitlines()
        return trusted_verifiers(texts)

    def _verify(self, options):
        verifiers = self._keys(options)
        if not verifiers:
            raise CommandError(
                "Dé las claves públicas de confianza con --key o --key-file: se toman de "
                "fuera de la base de datos ('merito audit public-key' donde se firma)."
            )
        report = audit_verify(verifiers=verifiers, head_file=options["head"])
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Registro íntegro: {report.leaves} hojas y {report.heads} cabezas "
                    "firmadas verificadas."
                )
            )
            if report.redacted:
                self.stdout.write(
                    f"{report.redacted} eventos redactados a solicitud: se verificaron sus "
                    "hojas, no su contenido."
                )
            return
        for problem in report.problems[1:]:
            self.stderr.write(f"  también: {problem}")
        raise CommandError(f"Registro alterado — primer problema: {report.first}")

    def _seal(self, options):
        report = audit_seal(full=options["full"])
        self.stdout.write(
            f"{report.sealed} filas selladas; el árbol tiene {report.size} hojas "
            f"({report.heads} cabezas nuevas)."
        )

    def _redact(self, options):
        if len(options["values"]) != 1 or not options["values"][0].isdigit():
            raise CommandError("Uso: merito audit redact ID_DEL_EVENTO --reason 'solicitud…'")
        try:
            redaction = audit_redact(event_id=int(options["values"][0]), reason=options["reason"])
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Evento #{redaction.event_id} redactado: su hoja y sus pruebas siguen válidas."
        )

    def _proof(self, options):
        if len(options["values"]) != 1 or not options["values"][0].isdigit():
            raise CommandError("Uso: merito audit proof ID_DEL_EVENTO")
        event = AuditEvent.objects.filter(pk=int(options["values"][0])).first()
        if event is None:
            raise CommandError("No existe ese evento.")
        try:
            proof = inclusion_proof(event)
        except AuditLeaf.DoesNotExist:
            raise CommandError("Ese evento aún no está sellado en una cabeza firmada.") from None
        self.stdout.write(json.dumps(proof.__dict__, ensure_ascii=False, indent=2))

    def _head(self, options):
        head = TreeHead.objects.order_by("-size").first()
        if head is None:
            raise CommandError("Aún no hay cabezas firmadas.")
        self.stdout.write(head.note, ending="")

    def _public_key(self, options):
        self.stdout.write(signer().verifier.text())

    def _keygen(self, options):
        if len(options["values"]) != 2:
            raise CommandError("Uso: merito audit keygen NOMBRE ARCHIVO")
        name, path = options["values"]
        target = Path(path)
        if target.exists():
            raise CommandError(f"{path} ya existe: no se sobrescribe una clave.")
        key = Signer.generate(name)
        target.write_text(key.text() + "\n", encoding="ascii")
        target.chmod(0o600)
        self.stdout.write(f"Clave privada en {path}. Clave pública: {key.verifier.text()}")
