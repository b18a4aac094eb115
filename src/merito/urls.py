"""The site: one URL root per audience (public at /, the portal at /portal/, the backoffice
at /gestion/), the admin site, and redirects from the addresses of before."""

from django.contrib import admin
from django.urls import include, path

from merito.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("portal/", include("merito.web.portal.urls")),
    path("gestion/", include("merito.web.backoffice.urls")),
    path("", include("merito.web.public.urls")),
    path("", include("merito.web.moved")),
]

handler400 = "merito.web.views.bad_request"
handler403 = "merito.web.views.permission_denied"
handler404 = "merito.web.views.page_not_found"
handler500 = "merito.web.views.server_error"
