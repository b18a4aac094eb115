from django.urls import path

from merito.profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("datos-personales/", views.personal, name="personal"),
    path("documentos/", views.profile_documents, name="documents"),
    path("instituciones/", views.institution_search, name="institution_search"),
    path("<slug:slug>/", views.section_list, name="section"),
    path("<slug:slug>/nuevo/", views.entry_edit, name="entry_add"),
    path("<slug:slug>/<int:pk>/editar/", views.entry_edit, name="entry_edit"),
    path("<slug:slug>/<int:pk>/eliminar/", views.entry_delete, name="entry_delete"),
]
