from django.urls import path

from merito.peers import views

app_name = "peers"

urlpatterns = [
    path("consulta/", views.lookup, name="lookup"),
    path("cambio-de-correo/", views.email_change, name="email_change"),
    path("reconocimiento/", views.recognition, name="recognition"),
    path("activar/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path("importar/", views.import_upload, name="import"),
    path("importar/<int:pk>/", views.import_detail, name="import_detail"),
    path("gestion/", views.search, name="search"),
    path("gestion/informe/", views.report, name="report"),
    path("gestion/personas/<int:pk>/", views.person, name="person"),
    path("solicitudes/", views.requests_list, name="requests"),
    path(
        "solicitudes/reconocimiento/<int:pk>/",
        views.recognition_review,
        name="recognition_review",
    ),
    path(
        "solicitudes/reconocimiento/<int:pk>/evidencia/",
        views.recognition_proof,
        name="recognition_proof",
    ),
    path("solicitudes/correo/<int:pk>/", views.email_change_review, name="email_change_review"),
    path(
        "solicitudes/correo/<int:pk>/documento/",
        views.email_change_document,
        name="email_change_document",
    ),
]
