"""The backoffice, under /gestion/: ministry and commission staff and the operator's
roles — selection processes, jobs and tests, distribution and review of folders, reports,
the operator's users, the peer bank and the verification of update cases. One entry gate:
signed in with a staff role (or a superuser); each view then checks its own scope."""

from django.urls import include, path

from merito.web import views as web_views
from merito.web.backoffice.views import (
    cases,
    folders,
    jobs,
    operators,
    peers,
    processes,
    reports,
    review,
)
from merito.web.gates import gate, staff

app_name = "backoffice"

EVALUATION = [
    path("", processes.home, name="home"),
    path("procesos/", processes.process_list, name="process_list"),
    path("procesos/nuevo/", processes.process_create, name="process_create"),
    path("procesos/<int:pk>/", processes.process_detail, name="process_detail"),
    path("procesos/<int:pk>/editar/", processes.process_edit, name="process_edit"),
    path("procesos/<int:pk>/estado/", processes.process_state, name="process_state"),
    path(
        "procesos/<int:pk>/documentos/<int:document_pk>/",
        processes.process_document,
        name="process_document",
    ),
    path("procesos/<int:pk>/empleos/", processes.job_list, name="job_list"),
    path("procesos/<int:pk>/empleos/nuevo/", processes.job_create, name="job_create"),
    path("procesos/<int:pk>/empleos/<int:job_pk>/", processes.job_detail, name="job_detail"),
    path("procesos/<int:pk>/empleos/<int:job_pk>/editar/", processes.job_edit, name="job_edit"),
    path("procesos/<int:pk>/pruebas/nueva/", processes.test_create, name="test_create"),
    path("procesos/<int:pk>/pruebas/<int:test_pk>/", processes.test_detail, name="test_detail"),
    path("procesos/<int:pk>/pruebas/<int:test_pk>/editar/", processes.test_edit, name="test_edit"),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/estado/", processes.test_state, name="test_state"
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/empleos/",
        processes.test_positions,
        name="test_positions",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/usuarios/<str:role>/",
        processes.test_users,
        name="test_users",
    ),
    path(
        "procesos/<int:pk>/etapa-pruebas/",
        folders.process_test_stage,
        name="process_test_stage",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/distribucion/",
        folders.distribution_manual,
        name="distribution_manual",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/distribucion/automatica/",
        folders.distribution_automatic,
        name="distribution_automatic",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/distribucion/carpetas/",
        folders.distribution_sync,
        name="distribution_sync",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/carpetas/<int:folder_pk>/",
        folders.test_folder,
        name="test_folder",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/resultados/",
        reports.test_results,
        name="test_results",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/calificaciones/",
        reports.test_scores_load,
        name="test_scores_load",
    ),
    path("inscripciones/", reports.inscription_list, name="inscription_list"),
    path("reportes/", reports.report_list, name="report_list"),
    path("reportes/trabajos/<int:job_pk>/", reports.report_download, name="report_download"),
    path("reportes/<slug:key>/", reports.report_view, name="report_view"),
    path("mis-carpetas/", folders.my_folder_list, name="my_folders"),
    path("mis-carpetas/<int:folder_pk>/", folders.my_folder, name="my_folder"),
    path(
        "mis-carpetas/<int:folder_pk>/folios/<int:folio_pk>/",
        review.folio_review,
        name="folio_review",
    ),
    path(
        "mis-carpetas/<int:folder_pk>/folios/<int:folio_pk>/documento/",
        review.folio_document,
        name="folio_document",
    ),
    path("conflictos/", folders.conflicts, name="conflicts"),
    path("operadores/", operators.operator_list, name="operator_list"),
    path("operadores/<int:pk>/", operators.operator_detail, name="operator_detail"),
    path("operadores/<int:pk>/usuarios/nuevo/", operators.user_create, name="user_create"),
    path("operadores/<int:pk>/usuarios/<int:user_pk>/", operators.user_edit, name="user_edit"),
    path(
        "operadores/<int:pk>/usuarios/<int:user_pk>/segundo-factor/",
        operators.user_second_factor_reset,
        name="user_second_factor_reset",
    ),
    path(
        "operadores/<int:pk>/usuarios/<int:user_pk>/estado/",
        operators.user_set_active,
        name="user_set_active",
    ),
]

PEERS = [
    path("", peers.search, name="search"),
    path("informe/", peers.report, name="report"),
    path("personas/<int:pk>/", peers.person, name="person"),
    path("importar/", peers.import_upload, name="import"),
    path("importar/<int:pk>/", peers.import_detail, name="import_detail"),
    path("solicitudes/", peers.requests_list, name="requests"),
    path(
        "solicitudes/reconocimiento/<int:pk>/",
        peers.recognition_review,
        name="recognition_review",
    ),
    path(
        "solicitudes/reconocimiento/<int:pk>/evidencia/",
        peers.recognition_proof,
        name="recognition_proof",
    ),
    path("solicitudes/correo/<int:pk>/", peers.email_change_review, name="email_change_review"),
    path(
        "solicitudes/correo/<int:pk>/documento/",
        peers.email_change_document,
        name="email_change_document",
    ),
]

CASES = [
    path("", cases.queue, name="queue"),
    path("<str:number>/", cases.verify, name="verify"),
    path("<str:number>/documentos/<int:pk>/", cases.verify_document, name="verify_document"),
]

urlpatterns = gate(
    [
        path("banco-de-pares/", include((PEERS, "peers"))),
        path("verificacion/", include((CASES, "cases"))),
        path("", include((EVALUATION, "evaluation"))),
        path("trabajos/<slug:kind>/<int:job_pk>/", jobs.job_progress, name="job_progress"),
        path("<slug:slug>/", web_views.landing, name="landing"),
    ],
    staff,
)
