from django.urls import path

from merito.evaluation import folder_views, report_views, review_views, views

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("procesos/", views.process_list, name="process_list"),
    path("procesos/nuevo/", views.process_create, name="process_create"),
    path("procesos/<int:pk>/", views.process_detail, name="process_detail"),
    path("procesos/<int:pk>/editar/", views.process_edit, name="process_edit"),
    path("procesos/<int:pk>/estado/", views.process_state, name="process_state"),
    path(
        "procesos/<int:pk>/documentos/<int:document_pk>/",
        views.process_document,
        name="process_document",
    ),
    path("procesos/<int:pk>/empleos/", views.job_list, name="job_list"),
    path("procesos/<int:pk>/empleos/nuevo/", views.job_create, name="job_create"),
    path("procesos/<int:pk>/empleos/<int:job_pk>/", views.job_detail, name="job_detail"),
    path("procesos/<int:pk>/empleos/<int:job_pk>/editar/", views.job_edit, name="job_edit"),
    path("procesos/<int:pk>/pruebas/nueva/", views.test_create, name="test_create"),
    path("procesos/<int:pk>/pruebas/<int:test_pk>/", views.test_detail, name="test_detail"),
    path("procesos/<int:pk>/pruebas/<int:test_pk>/editar/", views.test_edit, name="test_edit"),
    path("procesos/<int:pk>/pruebas/<int:test_pk>/estado/", views.test_state, name="test_state"),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/empleos/",
        views.test_positions,
        name="test_positions",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/usuarios/<str:role>/",
        views.test_users,
        name="test_users",
    ),
    path(
        "procesos/<int:pk>/etapa-pruebas/",
        folder_views.process_test_stage,
        name="process_test_stage",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/distribucion/",
        folder_views.distribution_manual,
        name="distribution_manual",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/distribucion/automatica/",
        folder_views.distribution_automatic,
        name="distribution_automatic",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/distribucion/carpetas/",
        folder_views.distribution_sync,
        name="distribution_sync",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/carpetas/<int:folder_pk>/",
        folder_views.test_folder,
        name="test_folder",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/resultados/",
        report_views.test_results,
        name="test_results",
    ),
    path(
        "procesos/<int:pk>/pruebas/<int:test_pk>/calificaciones/",
        report_views.test_scores_load,
        name="test_scores_load",
    ),
    path("inscripciones/", report_views.inscription_list, name="inscription_list"),
    path("reportes/", report_views.report_list, name="report_list"),
    path("reportes/trabajos/<int:job_pk>/", report_views.report_download, name="report_download"),
    path("reportes/<slug:key>/", report_views.report_view, name="report_view"),
    path("mis-carpetas/", folder_views.my_folder_list, name="my_folders"),
    path("mis-carpetas/<int:folder_pk>/", folder_views.my_folder, name="my_folder"),
    path(
        "mis-carpetas/<int:folder_pk>/folios/<int:folio_pk>/",
        review_views.folio_review,
        name="folio_review",
    ),
    path(
        "mis-carpetas/<int:folder_pk>/folios/<int:folio_pk>/documento/",
        review_views.folio_document,
        name="folio_document",
    ),
    path("conflictos/", folder_views.conflicts, name="conflicts"),
    path("operadores/", views.operator_list, name="operator_list"),
    path("operadores/<int:pk>/", views.operator_detail, name="operator_detail"),
    path("operadores/<int:pk>/usuarios/nuevo/", views.user_create, name="user_create"),
    path("operadores/<int:pk>/usuarios/<int:user_pk>/", views.user_edit, name="user_edit"),
    path(
        "operadores/<int:pk>/usuarios/<int:user_pk>/segundo-factor/",
        views.user_second_factor_reset,
        name="user_second_factor_reset",
    ),
    path(
        "operadores/<int:pk>/usuarios/<int:user_pk>/estado/",
        views.user_set_active,
        name="user_set_active",
    ),
]
