"""The portal, under /portal/: applicants and peers, each on their own record — the
profile (hoja de vida), documents, inscriptions, the score preview and the peer's update
cases. One entry gate: signed in."""

from django.urls import include, path

from merito.web import views as web_views
from merito.web.gates import gate, signed_in
from merito.web.portal.views import applications, calls, cases, documents, profiles

app_name = "portal"

PROFILES = [
    path("", profiles.overview, name="overview"),
    path("datos-personales/", profiles.personal, name="personal"),
    path("documentos/", profiles.profile_documents, name="documents"),
    path("instituciones/", profiles.institution_search, name="institution_search"),
    path("<slug:slug>/", profiles.section_list, name="section"),
    path("<slug:slug>/nuevo/", profiles.entry_edit, name="entry_add"),
    path("<slug:slug>/<int:pk>/editar/", profiles.entry_edit, name="entry_edit"),
    path("<slug:slug>/<int:pk>/eliminar/", profiles.entry_delete, name="entry_delete"),
]

DOCUMENTS = [
    path("", documents.document_list, name="list"),
    path("subir/", documents.upload, name="upload"),
    path("<int:pk>/recibo/", documents.receipt, name="receipt"),
    path("<int:pk>/descargar/", documents.download, name="download"),
]

APPLICATIONS = [
    path("", applications.inscription_list, name="list"),
    path("nueva/<str:code>/", applications.apply, name="apply"),
    path("<str:number>/", applications.receipt, name="receipt"),
    path("<str:number>/retirar/", applications.withdraw, name="withdraw"),
]

CALLS = [
    path("<str:code>/mi-puntaje/", calls.score_preview, name="score_preview"),
]

CASES = [
    path("", cases.dashboard, name="dashboard"),
    path("avisos/", cases.notices, name="notices"),
    path("casos/nuevo/", cases.case_open, name="open"),
    path("casos/<str:number>/", cases.case_detail, name="detail"),
    path("casos/<str:number>/enviar/", cases.case_submit, name="submit"),
]

urlpatterns = gate(
    [
        path("", web_views.landing, {"slug": "portal", "audience": "portal"}, name="home"),
        path("hoja-de-vida/", include((PROFILES, "profiles"))),
        path("documentos/", include((DOCUMENTS, "documents"))),
        path("inscripciones/", include((APPLICATIONS, "applications"))),
        path("convocatorias/", include((CALLS, "calls"))),
        path("pares/", include((CASES, "cases"))),
    ],
    signed_in,
)
