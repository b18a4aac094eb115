from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "merito.organizations"
    verbose_name = "Organizaciones y roles"

    def ready(self) -> None:
        from merito.organizations import scope  # noqa: F401  (declares who reaches which rows)
