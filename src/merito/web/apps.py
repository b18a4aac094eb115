from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "merito.web"
    verbose_name = "Web"
