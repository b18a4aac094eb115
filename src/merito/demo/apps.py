from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "merito.demo"
    label = "demo"
    verbose_name = "Demo"
