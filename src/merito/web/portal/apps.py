from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "merito.web.portal"
    label = "web_portal"
    verbose_name = "Web: portal"
