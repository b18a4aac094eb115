"""Peer bank use cases (seed 000): import the existing bank, reach its peers, recognise
newcomers, change a dead e-mail, record bounces, unlock accounts.

Each state change runs in a transaction, leaves an audit event and queues its e-mail in the
outbox. Links that set a password reuse the accounts token machinery: every new link
rotates the person's nonce, so only the most recent one works, and only once.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import tablib
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.formats.base_formats import CSV, XLSX

from merito.accounts.models import DUPLICATE_EMAIL_MESSAGE, User
from merito.accounts.services import email_change_request as account_email_change_request
from merito.accounts.tokens import password_reset_token
from merito.audit.services import audit_record
from merito.documents.models import DocumentKind
from merito.documents.services import document_upload
from merito.errors import DomainError
from merito.identity import Country, validate_identity_document
from merito.notifications.services import email_enqueue
from merito.organizations.models import Role, RoleAssignment
from merito.organizations.services import role_assign
from merito.peers.models import (
    EXCLUSIVE_GROUPS,
    EmailBounce,
    EmailChangeRequest,
    MembershipState,
    PeerGroup,
    PeerImport,
    PeerMembership,
    RecognitionRequest,
    RequestState,
)
from merito.peers.states import EMAIL_CHANGE, RECOGNITION
from merito.states import Machine

# Seed 000: "en el caso de estar fungiendo como Par del CNA, no debe ser Par de Registro
# Calificado".
EXCLUSIVE_GROUPS_MESSAGE = gettext_lazy(
    "De acuerdo con las disposiciones vigentes, en el caso de estar fungiendo como Par del "
    "CNA, no debe ser Par de Registro Calificado: una persona no puede pertenecer a ambos "
    "grupos."
)


def _fold(text: Any) -> str:
    """Lower case without accents or repeated spaces: how labels are compared."""
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


def group_from_text(text: Any) -> str | None:
    """The group a cell names: its code (``conaces``, ``rc``, ``cna``) or its Spanish label."""
    wanted = _fold(text)
    aliases = {
        "registro calificado": PeerGroup.QUALIFIED_REGISTRY,
        "par de registro calificado": PeerGroup.QUALIFIED_REGISTRY,
        "par del cna": PeerGroup.CNA,
        "comisionado conaces": PeerGroup.CONACES,
        "comisionado de la conaces": PeerGroup.CONACES,
    }
    for group in PeerGroup:
        aliases[_fold(group.value)] = group
        aliases[_fold(group.label)] = group
    found = aliases.get(wanted)
    return found.value if found else None


def check_exclusive_groups(groups: set[str]) -> None:
    for pair in EXCLUSIVE_GROUPS:
        if pair <= groups:
            raise DomainError(str(EXCLUSIVE_GROUPS_MESSAGE), field="group", code="exclusive")


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- links that set a password ----------------------------------------------------------

LINK_TEMPLATES = {
    "activation": ("peers/email/activation", gettext_lazy("Active su cuenta del banco de pares")),
    "reset": ("peers/email/reset", gettext_lazy("Restablecer su contraseña de Mérito")),
}


def send_access_link(*, user: User, purpose: str, actor: Any = None) -> None:
    """E-mail a single-use, expiring link to set a password; earlier links stop working."""
    template, subject = LINK_TEMPLATES[purpose]
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.password_reset_nonce = uuid.uuid4()
        user.password_reset_sent_at = timezone.now()
        user.save(update_fields=["password_reset_nonce", "password_reset_sent_at"])
        link = _absolute(
            reverse(
                "public:peers:activate",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": password_reset_token.make_token(user),
                },
            )
        )
        audit_record(
            action=f"peers.account.link_sent.{purpose}",
            actor=actor,
            obj=user,
            after={"email": user.email},
        )
        email_enqueue(
            to=user.email,
            subject=str(subject),
            template=template,
            context={"user": user, "link": link, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
            user=user,
            kind=f"peers.{purpose}",
        )


def account_activated(*, user: User) -> None:
    """The link reached the person's mailbox and they set a password: the e-mail is proven."""
    with transaction.atomic():
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit_record(
                action="peers.account.activated", actor=user, obj=user, after={"email": user.email}
            )


def account_unlock_and_reset(*, user: User, by: Any) -> int:
    """Staff action: lift the login lockout and send a reset link (single-link rule).

    Returns how many lockout records were cleared.
    """
    with transaction.atomic():
        cleared = axes_reset(username=f"user:{user.pk}")
        audit_record(
            action="peers.account.unlocked", actor=by, obj=user, after={"cleared": cleared}
        )
        send_access_link(user=user, purpose="reset", actor=by)
    return cleared


# --- import of the existing bank --------------------------------------------------------

REQUIRED_COLUMNS = (
    "tipo_documento",
    "numero_documento",
    "nombres",
    "primer_apellido",
    "correo",
    "grupo",
)
OPTIONAL_COLUMNS = ("pais_documento", "segundo_apellido", "area", "region")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_LENGTHS = {
    "nombres": 100,
    "primer_apellido": 100,
    "segundo_apellido": 100,
    "area": 120,
    "region": 100,
}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    users_created: int = 0
    memberships_created: int = 0
    unchanged: int = 0
    confirmed: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> int:
        return len({error.row for error in self.errors if error.row > 1})

    @property
    def has_file_errors(self) -> bool:
        """Broken columns: no row can be read, so there is nothing to confirm."""
        return any(error.row == 1 for error in self.errors)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        errors = [RowError(**error) for error in data.get("errors", [])]
        return cls(**{**data, "errors": errors})


@dataclass
class _Row:
    number: int
    key: tuple[str, str, str]
    values: dict[str, str]
    group: str
    email: str


def read_table(*, content: bytes, file_name: str) -> tablib.Dataset:
    """Read a CSV (comma or semicolon, UTF-8 or Windows-1252) or an Excel .xlsx file."""
    suffix = Path(file_name).suffix.lower()
    try:
        if suffix == ".xlsx":
            return XLSX().create_dataset(content)
        if suffix == ".csv":
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = content.decode("cp1252")
            first_line = text.split("\n", 1)[0]
            delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
            return CSV().create_dataset(text, delimiter=delimiter)
    except Exception as exc:  # a damaged file makes the readers raise anything
        raise DomainError(
            _("No fue posible leer el archivo %(name)s: revise que sea un CSV o un Excel válido.")
            % {"name": file_name},
            field="file",
        ) from exc
    raise DomainError(
        _("Formato no admitido: cargue un archivo .csv o .xlsx (Excel)."), field="file"
    )


def _header(name: Any) -> str:
    return _fold(name).replace(" ", "_").replace("-", "_")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores document numbers as numbers
    return " ".join(str(value).split())


def _check_headers(headers: list[str]) -> list[RowError]:
    errors = []
    for column in REQUIRED_COLUMNS:
        if column not in headers:
            errors.append(
                RowError(1, column, _("Falta la columna obligatoria «%(c)s».") % {"c": column})
            )
    for column in headers:
        if column not in ALL_COLUMNS:
            errors.append(
                RowError(
                    1,
                    column or _("(sin nombre)"),
                    _("Columna desconocida. Las columnas admitidas son: %(names)s.")
                    % {"names": ", ".join(ALL_COLUMNS)},
                )
            )
    seen: set[str] = set()
    for column in headers:
        if column in seen and column in ALL_COLUMNS:
            errors.append(RowError(1, column, _("La columna está repetida.")))
        seen.add(column)
    return errors


def _parse_row(number: int, values: dict[str, str], errors: list[RowError]) -> _Row | None:
    """Validate one row alone; record each broken rule and return None when any broke."""
    found: list[RowError] = []

    def refuse(column: str, message: Any) -> None:
        found.append(RowError(number, column, str(message)))

    for column in ("nombres", "primer_apellido", "correo", "grupo", "tipo_documento"):
        if not values.get(column):
            refuse(column, _("Es obligatorio."))
    for column, limit in MAX_LENGTHS.items():
        if len(values.get(column, "")) > limit:
            refuse(column, _("Admite como máximo %(n)d caracteres.") % {"n": limit})
    country = (values.get("pais_documento") or Country.COLOMBIA).upper()
    doc_type = values.get("tipo_documento", "").upper()
    number_text = values.get("numero_documento", "")
    if country not in Country.values:
        refuse("pais_documento", _("País no admitido: use CO (Colombia) o PE (Perú)."))
    elif doc_type:
        try:
            number_text = validate_identity_document(country, doc_type, number_text)
        except ValidationError as exc:
            column = "tipo_documento" if exc.code == "document_type" else "numero_documento"
            refuse(column, " ".join(exc.messages))
    email = values.get("correo", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            refuse("correo", _("No es un correo electrónico válido."))
    group = group_from_text(values.get("grupo"))
    if values.get("grupo") and group is None:
        refuse(
            "grupo",
            _("Grupo desconocido: use conaces, rc o cna, o el nombre del grupo."),
        )
    errors.extend(found)
    if found or group is None:
        return None
    return _Row(number, (country, doc_type, number_text), values, group, email)


def _existing(rows: list[_Row]) -> tuple[dict, dict, dict]:
    """Accounts, e-mails and memberships already in the database for the file's people."""
    numbers = sorted({row.key[2] for row in rows})
    emails = sorted({row.email for row in rows})
    users_by_key: dict[tuple[str, str, str], User] = {}
    key_by_email: dict[str, tuple[str, str, str]] = {}
    for start in range(0, max(len(numbers), len(emails)), 500):
        for user in User.objects.filter(document_number__in=numbers[start : start + 500]):
            users_by_key[(user.document_country, user.document_type, user.document_number)] = user
        for user in User.objects.filter(email__in=emails[start : start + 500]):
            key = (user.document_country, user.document_type, user.document_number)
            key_by_email[user.email.lower()] = key
    groups: dict[int, set[str]] = {}
    ids = [user.pk for user in users_by_key.values()]
    for start in range(0, len(ids), 500):
        for user_id, group in PeerMembership.objects.filter(
            user_id__in=ids[start : start + 500]
        ).values_list("user_id", "group"):
            groups.setdefault(user_id, set()).add(group)
    return users_by_key, key_by_email, groups


def _cross_check(rows: list[_Row], errors: list[RowError]) -> list[_Row]:
    """Rules across rows and against the database; return the rows that pass all of them."""
    users_by_key, key_by_email, groups_by_user = _existing(rows)
    first_row: dict[tuple[str, str, str], _Row] = {}
    seen_group: dict[tuple[tuple[str, str, str], str], int] = {}
    email_row: dict[str, _Row] = {}
    file_groups: dict[tuple[str, str, str], set[str]] = {}
    good = []
    for row in rows:
        refusals: list[RowError] = []
        if (row.key, row.group) in seen_group:
            refusals.append(
                RowError(
                    row.number,
                    "numero_documento",
                    _("Fila repetida: esta persona y este grupo ya están en la fila %(n)d.")
                    % {"n": seen_group[(row.key, row.group)]},
                )
            )
        earlier = first_row.get(row.key)
        if earlier is not None and earlier.email != row.email:
            refusals.append(
                RowError(
                    row.number,
                    "correo",
                    _("La misma persona figura en la fila %(n)d con otro correo.")
                    % {"n": earlier.number},
                )
            )
        other = email_row.get(row.email)
        if other is not None and other.key != row.key:
            refusals.append(
                RowError(
                    row.number,
                    "correo",
                    _("El correo ya figura en la fila %(n)d para otra persona.")
                    % {"n": other.number},
                )
            )
        owner = key_by_email.get(row.email)
        if owner is not None and owner != row.key and row.key not in users_by_key:
            refusals.append(
                RowError(
                    row.number,
                    "correo",
                    _(
                        "El correo ya pertenece a la cuenta de otra persona (con otro documento). "
                        "Cada persona necesita su propio correo."
                    ),
                )
            )
        user = users_by_key.get(row.key)
        held = groups_by_user.get(user.pk, set()) if user else set()
        try:
            check_exclusive_groups(held | file_groups.get(row.key, set()) | {row.group})
        except DomainError as error:
            refusals.append(RowError(row.number, "grupo", error.message))
        if refusals:
            errors.extend(refusals)
            continue
        first_row.setdefault(row.key, row)
        seen_group[(row.key, row.group)] = row.number
        email_row.setdefault(row.email, row)
        file_groups.setdefault(row.key, set()).add(row.group)
        good.append(row)
    return good


def _import_row(row: _Row, *, by: Any, report: ImportReport) -> None:
    country, doc_type, number = row.key
    with transaction.atomic():
        user = User.objects.filter(
            document_country=country, document_type=doc_type, document_number=number
        ).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(
                email=row.email,
                password=None,
                document_country=country,
                document_type=doc_type,
                document_number=number,
                given_names=row.values["nombres"],
                first_surname=row.values["primer_apellido"],
                second_surname=row.values.get("segundo_apellido", ""),
            )
            audit_record(
                action="peers.account.imported",
                actor=by,
                obj=user,
                after={"email": user.email, "document": user.document_label},
            )
        if not RoleAssignment.objects.filter(user=user, role=Role.APPLICANT).exists():
            role_assign(user=user, role=Role.APPLICANT, by=by)
        membership, added = PeerMembership.objects.get_or_create(
            user=user,
            group=row.group,
            defaults={
                "knowledge_area": row.values.get("area", ""),
                "region": row.values.get("region", ""),
                "source": "import",
            },
        )
        if added:
            audit_record(
                action="peers.membership.imported",
                actor=by,
                obj=membership,
                after={
                    "group": membership.group,
                    "knowledge_area": membership.knowledge_area,
                    "region": membership.region,
                },
            )
        if created:
            send_access_link(user=user, purpose="activation", actor=by)
    report.users_created += created
    report.memberships_created += added
    report.unchanged += not added


def peers_import(*, content: bytes, file_name: str, confirm: bool, by: Any = None) -> ImportReport:
    """Check a bank file row by row and, when ``confirm``, save every row that passed.

    Without ``confirm`` it is a dry run: the report says what would happen and nothing is
    written. A bad row is never saved, whole or in part. Importing the same file again adds
    nothing and sends no e-mail: people are matched by identity document.
    """
    dataset = read_table(content=content, file_name=file_name)
    report = ImportReport(rows=dataset.height, confirmed=confirm)
    headers = [_header(name) for name in dataset.headers or []]
    report.errors = _check_headers(headers)
    if report.errors:
        return report
    rows = []
    for index, raw in enumerate(dataset):
        values = {name: _cell(value) for name, value in zip(headers, raw, strict=False)}
        if not any(values.values()):
            report.rows -= 1  # a blank line is not a row
            continue
        parsed = _parse_row(index + 2, values, report.errors)
        if parsed:
            rows.append(parsed)
    good = _cross_check(rows, report.errors)
    if not confirm:
        users_by_key, _emails, groups = _existing(good)
        new_people = set()
        for row in good:
            user = users_by_key.get(row.key)
            if user is None:
                new_people.add(row.key)
                report.memberships_created += 1
            elif row.group in groups.get(user.pk, set()):
                report.unchanged += 1
            else:
                report.memberships_created += 1
        report.users_created = len(new_people)
        return report
    for row in good:
        try:
            _import_row(row, by=by, report=report)
        except (IntegrityError, ValidationError, DomainError) as exc:
            # Someone created the same account or e-mail meanwhile: this row is skipped whole.
            message = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", []))
            report.errors.append(RowError(row.number, "numero_documento", str(message)))
    report.errors.sort(key=lambda error: error.row)
    with transaction.atomic():
        audit_record(
            action="peers.bank.imported",
            actor=by,
            object_type="peers.import",
            object_label=file_name[:255],
            after={k: v for k, v in report.as_dict().items() if k != "errors"}
            | {"rows_with_errors": report.rows_with_errors},
        )
    return report


def import_preview(*, uploaded_file: Any, by: Any) -> PeerImport:
    """Keep an uploaded file and its dry-run report until staff confirm it."""
    content = uploaded_file.read()
    name = Path(getattr(uploaded_file, "name", "") or "banco.csv").name
    report = peers_import(content=content, file_name=name, confirm=False, by=by)
    with transaction.atomic():
        batch = PeerImport.objects.create(
            file_name=name[:255],
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=by,
            report=report.as_dict(),
        )
        audit_record(
            action="peers.import.previewed",
            actor=by,
            obj=batch,
            after={"rows": report.rows, "errors": len(report.errors)},
        )
    return batch


def import_confirm(*, batch: PeerImport, by: Any) -> ImportReport:
    """Save the rows of a previewed file that pass every rule (once)."""
    with transaction.atomic():
        locked = PeerImport.objects.select_for_update().get(pk=batch.pk)
        if locked.confirmed_at is not None:
            raise DomainError(_("Esta importación ya fue confirmada."))
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
    report = peers_import(
        content=bytes(locked.content), file_name=locked.file_name, confirm=True, by=by
    )
    with transaction.atomic():
        locked.report = report.as_dict()
        locked.save(update_fields=["report"])
        audit_record(
            action="peers.import.confirmed",
            actor=by,
            obj=locked,
            after={"memberships_created": report.memberships_created},
        )
    return report


# --- recognition of a person not found ---------------------------------------------------


def _notify(*, to: str, user: Any, subject: str, template: str, kind: str, **context: Any) -> None:
    email_enqueue(
        to=to,
        subject=subject,
        template=template,
        context={"user": user, "site_url": settings.SITE_URL.rstrip("/"), **context},
        user=user,
        kind=kind,
    )


def recognition_request(
    *,
    user: User,
    group: str,
    uploaded_file: Any,
    knowledge_area: str = "",
    region: str = "",
    explanation: str = "",
) -> RecognitionRequest:
    """A person not found in the bank asks to be recognised, with a PDF of earlier proof."""
    held = set(PeerMembership.objects.filter(user=user).values_list("group", flat=True))
    if group in held:
        raise DomainError(_("Usted ya está en el banco de pares en ese grupo."), field="group")
    check_exclusive_groups(held | {group})
    with transaction.atomic():
        if RecognitionRequest.objects.filter(user=user, state=RequestState.PENDING).exists():
            raise DomainError(
                _("Ya tiene una solicitud de reconocimiento pendiente; espere su respuesta.")
            )
        proof = document_upload(
            owner=user, kind=DocumentKind.OTHER, uploaded_file=uploaded_file, by=user
        )
        request = RecognitionRequest.objects.create(
            user=user,
            group=group,
            knowledge_area=knowledge_area,
            region=region,
            explanation=explanation,
            proof=proof,
        )
        audit_record(
            action="peers.recognition.requested",
            actor=user,
            obj=request,
            after={"group": group, "proof_id": proof.pk},
        )
        _notify(
            to=user.email,
            user=user,
            subject=_("Recibimos su solicitud de reconocimiento como par"),
            template="peers/email/recognition_received",
            kind="peers.recognition.received",
            request=request,
        )
    return request


def _locked_pending(model: Any, pk: int) -> Any:
    item = model.objects.select_for_update().select_related("user").get(pk=pk)
    if item.state != RequestState.PENDING:
        raise DomainError(_("Esta solicitud ya fue decidida."))
    return item


def _decide(
    machine: Machine, item: Any, verb: str, *, reviewer: Any, reason: str = "", **audit: Any
) -> None:
    """Approve or reject through the request's state machine (audit row and message)."""
    machine.move(
        item,
        verb,
        by=reviewer,
        changes={"reviewed_by": reviewer, "reviewed_at": timezone.now(), "decision_reason": reason},
        **audit,
    )


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Motivo del rechazo: es obligatorio; la persona lo recibirá por correo."),
            field="reason",
        )
    return reason


def recognition_approve(*, request: RecognitionRequest, reviewer: Any) -> PeerMembership:
    """Staff accept the proof: the person joins the bank in the requested group."""
    with transaction.atomic():
        item = _locked_pending(RecognitionRequest, request.pk)
        held = set(PeerMembership.objects.filter(user=item.user).values_list("group", flat=True))
        check_exclusive_groups(held | {item.group})
        membership, _created = PeerMembership.objects.get_or_create(
            user=item.user,
            group=item.group,
            defaults={
                "knowledge_area": item.knowledge_area,
                "region": item.region,
                "source": "recognition",
                "state": MembershipState.ACTIVE,
            },
        )
        _decide(
            RECOGNITION,
            item,
            "approve",
            reviewer=reviewer,
            after={"membership_id": membership.pk, "group": item.group},
        )
    return membership


def recognition_reject(*, request: RecognitionRequest, reviewer: Any, reason: str) -> None:
    reason = _required_reason(reason)
    with transaction.atomic():
        item = _locked_pending(RecognitionRequest, request.pk)
        _decide(
            RECOGNITION, item, "reject", reviewer=reviewer, reason=reason, after={"reason": reason}
        )


# --- change of a registered e-mail that no longer works ----------------------------------


def _email_taken(email: str, *, except_user: Any) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=except_user.pk).exists()


def email_change_request(*, user: User, new_email: str, uploaded_file: Any) -> EmailChangeRequest:
    """Public request: the identity document's PDF lets staff check it is the same person."""
    new_email = new_email.strip().lower()
    if new_email == user.email.lower():
        raise DomainError(
            _("Ese ya es el correo registrado. Si no recibe mensajes, solicite un enlace nuevo."),
            field="new_email",
        )
    if _email_taken(new_email, except_user=user):
        raise DomainError(str(DUPLICATE_EMAIL_MESSAGE), field="new_email")
    with transaction.atomic():
        if EmailChangeRequest.objects.filter(user=user, state=RequestState.PENDING).exists():
            raise DomainError(
                _(
                    "Ya hay una solicitud de cambio de correo pendiente para este documento; "
                    "espere su respuesta y no la envíe de nuevo."
                )
            )
        document = document_upload(
            owner=user, kind=DocumentKind.IDENTITY, uploaded_file=uploaded_file, by=user
        )
        item = EmailChangeRequest.objects.create(
            user=user,
            previous_email=user.email,
            new_email=new_email,
            identity_document=document,
        )
        audit_record(
            action="peers.email_change.requested",
            actor=None,
            obj=item,
            after={"new_email": new_email, "document_id": document.pk},
        )
        _notify(
            to=new_email,
            user=user,
            subject=_("Recibimos su solicitud de cambio de correo"),
            template="peers/email/email_change_received",
            kind="peers.email_change.received",
            request=item,
        )
    return item


def email_change_approve(*, request: EmailChangeRequest, reviewer: Any) -> None:
    """Staff checked the identity document: a link goes to the new address, and the
    account takes it once the link is opened (``accounts.services.email_change_request``);
    until then the account keeps its address, which is told of the change."""
    with transaction.atomic():
        item = _locked_pending(EmailChangeRequest, request.pk)
        user = User.objects.select_for_update().get(pk=item.user_id)
        if _email_taken(item.new_email, except_user=user):
            raise DomainError(str(DUPLICATE_EMAIL_MESSAGE), field="new_email")
        _decide(
            EMAIL_CHANGE,
            item,
            "approve",
            reviewer=reviewer,
            audit_on=user,
            before={"email": user.email},
            after={
                "pending_email": item.new_email,
                "request_id": item.pk,
                "identity_checked": True,
            },
        )
        account_email_change_request(user=user, new_email=item.new_email, by=reviewer)


def email_change_reject(*, request: EmailChangeRequest, reviewer: Any, reason: str) -> None:
    reason = _required_reason(reason)
    with transaction.atomic():
        item = _locked_pending(EmailChangeRequest, request.pk)
        _decide(
            EMAIL_CHANGE, item, "reject", reviewer=reviewer, reason=reason, after={"reason": reason}
        )


# --- bounces -----------------------------------------------------------------------------


def email_bounced(*, address: str, reason: str = "", by: Any = None) -> EmailBounce:
    """Record that mail to ``address`` came back (staff action, or a delivery webhook)."""
    address = (address or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise DomainError(_("No es un correo electrónico válido."), field="address") from exc
    with transaction.atomic():
        bounce = EmailBounce.objects.create(
            address=address,
            user=User.objects.filter(email__iexact=address).first(),
            reason=(reason or "").strip()[:255],
            recorded_by=by,
        )
        audit_record(
            action="peers.email.bounced",
            actor=by,
            obj=bounce.user or bounce,
            after={"address": address, "reason": bounce.reason},
        )
    return bounce
