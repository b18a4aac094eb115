"""The demo loader: idempotent, and every back-office page renders with its data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from merito.accounts.models import User
from merito.calls import models as calls_models
from merito.demo.evaluation import load_demo_evaluation
from merito.evaluation import models
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(request, monkeypatch):
    # 300 applicants in the demo; 30 are enough for the pages (the full size is checked once).
    if "full_size" not in request.keywords:
        monkeypatch.setattr("merito.demo.evaluation.DEMO_INSCRIPTIONS", 30)
    first = load_demo_evaluation()
    assert first["processes"] == 1 and first["tests"] == 4 and first["links"] == 8
    return calls_models.SelectionProcess.objects.get(call__code="CNSC-2026-01")


@pytest.mark.full_size
def test_running_it_twice_changes_nothing(demo):
    from merito.applications.models import Inscription

    inscriptions = Inscription.objects.filter(call=demo.call)
    assert inscriptions.count() == 300
    sample = inscriptions.order_by("registry_number").first()
    assert sample.snapshot["education"] and sample.snapshot["experience"]
    assert sample.snapshot["other_documents"][0]["document"]["sha256"]
    assert load_demo_evaluation() == {
        "processes": 0,
        "jobs": 0,
        "tests": 0,
        "links": 0,
        "inscriptions": 0,
        "folders": 0,
    }
    weights = sum(t.weight for t in calls_models.Test.objects.all())
    assert weights == 100
    assert calls_models.Test.objects.filter(state="open").count() == 2


@pytest.mark.parametrize("username", ["gerencia.cnsc", "admin.operador"])
def test_every_page_renders_for_both_back_office_roles(client, demo, username):
    user = User.objects.get(username=username)
    sign_in(client, user)
    test = calls_models.Test.objects.get(process=demo, test_type=calls_models.TestType.VRM)
    job = calls_models.Job.objects.filter(position__call=demo.call).first()
    operator = test.operator
    pages = [
        reverse("backoffice:evaluation:home"),
        reverse("backoffice:evaluation:process_list"),
        reverse("backoffice:evaluation:process_list")
        + "?orden=-entidad&estado=open&anio=2026&q=CNSC",
        reverse("backoffice:evaluation:process_detail", args=[demo.pk]),
        reverse("backoffice:evaluation:job_detail", args=[demo.pk, job.pk]),
        reverse("backoffice:evaluation:test_detail", args=[demo.pk, test.pk]),
        reverse("backoffice:evaluation:test_positions", args=[demo.pk, test.pk])
        + "?vista=no_asignados",
        reverse("backoffice:evaluation:test_users", args=[demo.pk, test.pk, "supervisor"]),
        reverse("backoffice:evaluation:operator_list"),
        reverse("backoffice:evaluation:operator_detail", args=[operator.pk]) + "?orden=correo",
    ]
    if username == "gerencia.cnsc":
        pages += [
            reverse("backoffice:evaluation:process_create"),
            reverse("backoffice:evaluation:process_edit", args=[demo.pk]),
            reverse("backoffice:evaluation:job_list", args=[demo.pk]) + "?nivel=Profesional",
            reverse("backoffice:evaluation:job_create", args=[demo.pk]),
            reverse("backoffice:evaluation:job_edit", args=[demo.pk, job.pk]),
            reverse("backoffice:evaluation:test_create", args=[demo.pk]),
            reverse("backoffice:evaluation:test_edit", args=[demo.pk, test.pk]),
        ]
    else:
        pages += [
            reverse("backoffice:evaluation:user_create", args=[operator.pk]),
            reverse("backoffice:evaluation:user_edit", args=[operator.pk, user.pk]),
        ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url


def test_list_pages_do_not_grow_queries_with_rows(client, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from merito.calls.models import Call, Position

    sign_in(client, User.objects.get(username="gerencia.cnsc"))
    urls = [
        reverse("backoffice:evaluation:process_list"),
        reverse("backoffice:evaluation:process_detail", args=[demo.pk]),
    ]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    counts()  # the first visit also records in the session that the notices were shown
    before = counts()
    va = calls_models.Test.objects.get(process=demo, test_type=calls_models.TestType.VA)
    for n in range(5):
        call = Call.objects.create(organization=demo.call.organization, code=f"EXTRA-{n}", name="X")
        calls_models.SelectionProcess.objects.create(call=call, entity=demo.entity)
        Position.objects.create(call=call, code="1", name="X", vacancies=2)
        va.pk = None
        va.weight = 0
        va.save()
    assert counts() == before


def test_the_demo_folders_are_distributed_and_their_pages_render(client, demo):
    vrm = calls_models.Test.objects.get(process=demo, test_type=calls_models.TestType.VRM)
    folders = models.Folder.objects.filter(test=vrm)
    assert folders.count() == 30
    assert not folders.filter(state=models.FolderState.UNASSIGNED).exists()
    analyst = User.objects.get(username="analista1")
    assert folders.filter(analyst=analyst).count() == 30
    sign_in(client, User.objects.get(username="admin.operador"))
    for name in ("distribution_manual", "distribution_automatic", "test_detail"):
        assert (
            client.get(reverse(f"backoffice:evaluation:{name}", args=[demo.pk, vrm.pk])).status_code
            == 200
        )
    sign_in(client, analyst)
    response = client.get(reverse("backoffice:evaluation:my_folders"))
    assert response.status_code == 200 and "DEMO-CNSC" in response.content.decode()
    folder = folders.first()
    assert (
        client.get(reverse("backoffice:evaluation:my_folder", args=[folder.pk])).status_code == 200
    )
