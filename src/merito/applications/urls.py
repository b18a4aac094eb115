from django.urls import path

from merito.applications import views

app_name = "applications"

urlpatterns = [
    path("", views.inscription_list, name="list"),
    path("nueva/<str:code>/", views.apply, name="apply"),
    path("<str:number>/", views.receipt, name="receipt"),
    path("<str:number>/retirar/", views.withdraw, name="withdraw"),
]
