from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "merito.notifications"
    verbose_name = "Notificaciones"

    def ready(self) -> None:
        # Make merito.celery the current Celery app in every Django process (runserver,
        # gunicorn, management commands), so ``task.delay()`` honours CELERY_* settings:
        # eager without REDIS_URL, Redis with it. Without this, shared tasks fall back to
        # Celery's unconfigured default app (amqp://localhost).
        from merito.celery import app

        app.set_current()
        app.set_default()
