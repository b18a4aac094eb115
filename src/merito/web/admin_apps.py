"""Django's admin app with Mérito's site (``merito.web.admin_site``) as ``admin.site``."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "merito.web.admin_site.MeritoAdminSite"
