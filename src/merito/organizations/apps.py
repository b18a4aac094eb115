from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "merito.organizations"
    verbose_name = "Organizaciones y roles"
