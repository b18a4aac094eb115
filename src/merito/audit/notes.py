"""C2SP signed notes and checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint) with
Ed25519, as Certificate Transparency's successors publish tree heads.

A checkpoint's text is ``<origin>\\n<tree size>\\n<base64 root hash>\\n`` and optional extension
lines; the note is that text, a blank line and one line per signature:
``— <key name> <base64(key id ‖ signature)>``. The key id is the first four bytes of
SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key). Keys travel as text: a verifier key
``<name>+<key id hex>+<base64(0x01 ‖ public key)>`` and a signer key
``PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 ‖ seed)>``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
DASH = "\u2014"


class NoteError(ValueError):
    """A note, a checkpoint or a key that does not parse or does not verify."""


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"nombre de clave no válido: {name!r}")


@dataclass(frozen=True)
class Verifier:
    name: str
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public)

    def text(self) -> str:
        encoded = base64.b64encode(ED25519 + self.public).decode()
        return f"{self.name}+{self.id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        try:
            name, hex_id, encoded = text.strip().split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise NoteError(
                "clave pública: use NOMBRE+ID+CLAVE (formato de notas firmadas)"
            ) from None
        if raw[:1] != ED25519 or len(raw) != 33:
            raise NoteError("clave pública: solo Ed25519")
        verifier = cls(name, raw[1:])
        if verifier.id.hex() != hex_id.lower():
            raise NoteError("clave pública: el id no corresponde a la clave")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Signer:
        _check_name(name)
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = Ed25519PrivateKey.generate().private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()
        )
        return cls(name, seed)

    @classmethod
    def parse(cls, text: str) -> Signer:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("clave privada: use PRIVATE+KEY+NOMBRE+ID+CLAVE")
        try:
            raw = base64.b64decode(parts[4], validate=True)
        except ValueError:
            raise NoteError("clave privada: base64 no válido") from None
        if raw[:1] != ED25519 or len(raw) != 33:
            raise NoteError("clave privada: solo Ed25519")
        signer = cls(parts[2], raw[1:])
        if signer.verifier.id.hex() != parts[3].lower():
            raise NoteError("clave privada: el id no corresponde a la clave")
        return signer

    def text(self) -> str:
        encoded = base64.b64encode(ED25519 + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{encoded}"

    @property
    def verifier(self) -> Verifier:
        public = (
            Ed25519PrivateKey.from_private_bytes(self.seed)
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        return Verifier(self.name, public)

    def sign(self, text: str) -> str:
        """The signed note of ``text`` (which must end in a newline)."""
        if not text.endswith("\n") or "\n\n" in text:
            raise NoteError(
                "el texto de una nota termina en salto de línea y no tiene líneas vacías"
            )
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(text.encode())
        encoded = base64.b64encode(self.verifier.id + signature).decode()
        return f"{text}\n{DASH} {self.name} {encoded}\n"


def open_note(note: str, verifiers: list[Verifier]) -> tuple[str, list[str]]:
    """The text of ``note`` and the names of the trusted keys whose signature on it verifies.
    Raises ``NoteError`` when no trusted key signed it."""
    text, separator, signatures = note.partition("\n\n")
    if not separator:
        raise NoteError("la nota no tiene firmas")
    text += "\n"
    trusted = {(v.name, v.id): v for v in verifiers}
    good = []
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise NoteError(f"línea de firma mal formada: {line!r}")
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except ValueError:
            raise NoteError(f"firma en base64 no válido: {line!r}") from None
        verifier = trusted.get((parts[1], raw[:4]))
        if verifier is not None and verifier.verify(text.encode(), raw[4:]):
            good.append(verifier.name)
    if not good:
        raise NoteError("ninguna clave de confianza firmó esta nota")
    return text, good


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [
            self.origin,
            str(self.size),
            base64.b64encode(self.root).decode(),
            *self.extensions,
        ]
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("punto de control incompleto")
        try:
            size = int(lines[1])
            root = base64.b64decode(lines[2], validate=True)
        except ValueError:
            raise NoteError("punto de control: tamaño o raíz no válidos") from None
        if size < 0 or len(root) != 32 or str(size) != lines[1]:
            raise NoteError("punto de control: tamaño o raíz no válidos")
        return cls(lines[0], size, root, tuple(lines[3:-1]))
