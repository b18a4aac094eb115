from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "merito.peers"
    verbose_name = "Banco de pares académicos"
