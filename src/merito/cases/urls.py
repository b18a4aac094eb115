from django.urls import path

from merito.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("avisos/", views.notices, name="notices"),
    path("casos/nuevo/", views.case_open, name="open"),
    path("casos/<str:number>/", views.case_detail, name="detail"),
    path("casos/<str:number>/enviar/", views.case_submit, name="submit"),
    path("verificacion/", views.queue, name="queue"),
    path("verificacion/<str:number>/", views.verify, name="verify"),
    path(
        "verificacion/<str:number>/documentos/<int:pk>/",
        views.verify_document,
        name="verify_document",
    ),
]
