from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "merito.documents"
    verbose_name = "Documentos"
