from django.urls import path

from merito.calls import views

app_name = "calls"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("<str:code>/", views.call_detail, name="detail"),
    path("<str:code>/mi-puntaje/", views.score_preview, name="score_preview"),
    path("<str:code>/vacantes.csv", views.positions_csv, name="positions_csv"),
    path("<str:code>/documentos/<int:pk>/", views.document_download, name="document"),
]
