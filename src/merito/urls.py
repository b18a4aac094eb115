from django.contrib import admin
from django.urls import include, path

from merito.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cuentas/", include("merito.accounts.urls")),
    path("documentos/", include("merito.documents.urls")),
    path("hoja-de-vida/", include("merito.profiles.urls")),
    path("convocatorias/", include("merito.calls.urls")),
    path("pares/", include("merito.cases.urls")),
    path("inscripciones/", include("merito.applications.urls")),
    path("banco-de-pares/", include("merito.peers.urls")),
    path("gestion/", include("merito.evaluation.urls")),
    path("", include("merito.web.urls")),
]

handler400 = "merito.web.views.bad_request"
handler403 = "merito.web.views.permission_denied"
handler404 = "merito.web.views.page_not_found"
handler500 = "merito.web.views.server_error"
