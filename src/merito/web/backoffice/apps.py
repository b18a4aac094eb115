from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "merito.web.backoffice"
    label = "web_backoffice"
    verbose_name = "Web: backoffice"
