from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "merito.web.public"
    label = "web_public"
    verbose_name = "Web: public"
