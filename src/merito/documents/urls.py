from django.urls import path

from merito.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("subir/", views.upload, name="upload"),
    path("<int:pk>/recibo/", views.receipt, name="receipt"),
    path("<int:pk>/descargar/", views.download, name="download"),
]
