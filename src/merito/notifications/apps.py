from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "merito.notifications"
    verbose_name = "Notificaciones"
