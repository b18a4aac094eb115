from django.urls import path

from merito.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("registro-de-auditoria/", views.audit_heads, name="audit_heads"),
    path("registro-de-auditoria/cabeza.txt", views.audit_checkpoint, name="audit_checkpoint"),
    path("<slug:slug>/", views.landing, name="landing"),
]
