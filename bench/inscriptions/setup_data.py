"""Prepare a benchmark database: one open call, N applicants with complete profiles and
signed-in sessions (written to sessions.txt for locust). Run with DJANGO_SETTINGS_MODULE and
DATABASE_URL pointing at the benchmark database; idempotent per run (truncates first)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import django

django.setup()

from importlib import import_module  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from merito.accounts.models import User  # noqa: E402
from merito.calls.models import Call, CallState, Position, Stage, StageKind  # noqa: E402
from merito.documents.models import Document  # noqa: E402
from merito.organizations.models import Organization, OrganizationKind  # noqa: E402
from merito.profiles.models import Education, Institution, OtherDocument, Profile  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("sessions.txt")
CODE = "BENCH-2026"
# The configured engine, as a sign-in would use it: with REDIS_URL, sessions are cached too.
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def main() -> None:
    today = timezone.localdate()
    with transaction.atomic():
        org, _ = Organization.objects.get_or_create(
            name="Comisión Nacional del Servicio Civil",
            defaults={"short_name": "CNSC", "kind": OrganizationKind.COMMISSION, "country": "CO"},
        )
        call, _ = Call.objects.get_or_create(
            code=CODE,
            defaults={"name": "Benchmark", "organization": org, "state": CallState.OPEN,
                      "is_public": True, "year": 2026},
        )  # fmt: skip
        Stage.objects.get_or_create(
            call=call, kind=StageKind.INSCRIPTIONS,
            defaults={"name": "Inscripciones", "start_date": today - datetime.timedelta(days=3),
                      "end_date": today + datetime.timedelta(days=3), "order": 1},
        )  # fmt: skip
        Position.objects.bulk_create(
            [Position(call=call, code=f"OPEC-{i:05d}", name="Profesional Universitario",
                      region="Bogotá D.C.", level="Profesional", vacancies=3) for i in range(200)],
            ignore_conflicts=True,
        )  # fmt: skip
        institution, _ = Institution.objects.get_or_create(
            name="Universidad Nacional de Colombia", defaults={"country": "CO"}
        )
    start = User.objects.count()
    batch = 1000
    sessions: list[str] = []
    hashed = User(email="x@example.org")
    hashed.set_password("Bench.2026-pass")
    for first in range(0, N, batch):
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"bench{start + i}@example.org", password=hashed.password,
                        document_country="CO", document_type="CC",
                        document_number=str(50_000_000 + start + i), given_names="Aspirante",
                        first_surname=f"Prueba{start + i}", phone="3001234567",
                        email_verified_at=timezone.now(), is_active=True,
                    )
                    for i in range(first, min(first + batch, N))
                ]
            )  # fmt: skip
            docs = []
            for user in users:
                for kind in ("rut", "arl", "diploma", "identity"):
                    docs.append(
                        Document(owner=user, uploaded_by=user, kind=kind,
                                 original_name=f"{kind}.pdf", sha256="0" * 64, size=1000,
                                 page_count=1, storage_name="documents/bench.pdf")
                    )  # fmt: skip
            Document.objects.bulk_create(docs)
            by_owner: dict[int, dict[str, Document]] = {}
            for doc in docs:
                by_owner.setdefault(doc.owner_id, {})[doc.kind] = doc
            profiles = Profile.objects.bulk_create(
                [
                    Profile(user=user, birth_date=datetime.date(1985, 1, 1), ethnic_group="none",
                            address="Calle 1 # 2-3", city="Bogotá D.C.", department="Bogotá D.C.",
                            nit="9001234567", rut_document=by_owner[user.pk]["rut"],
                            arl_document=by_owner[user.pk]["arl"])
                    for user in users
                ]
            )  # fmt: skip
            Education.objects.bulk_create(
                [
                    Education(profile=p, level="undergraduate", institution=institution,
                              title_obtained="Economista", graduated=True,
                              graduation_date=datetime.date(2008, 6, 1),
                              document=by_owner[p.user_id]["diploma"])
                    for p in profiles
                ]
            )  # fmt: skip
            OtherDocument.objects.bulk_create(
                [
                    OtherDocument(profile=p, kind="identity", number="1",
                                  document=by_owner[p.user_id]["identity"])
                    for p in profiles
                ]
            )  # fmt: skip
            for user in users:
                store = SessionStore()
                store[SESSION_KEY] = str(user.pk)
                store[BACKEND_SESSION_KEY] = "merito.accounts.backends.IdentifierBackend"
                store[HASH_SESSION_KEY] = user.get_session_auth_hash()
                store.create()
                sessions.append(store.session_key or "")
    OUT.write_text("\n".join(sessions) + "\n")
    print(f"{len(sessions)} sesiones en {OUT}; convocatoria {CODE} con 200 empleos")


if __name__ == "__main__":
    main()
