from django.urls import path

from merito.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.landing, name="landing"),
]
