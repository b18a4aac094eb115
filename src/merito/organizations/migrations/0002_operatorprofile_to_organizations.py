"""The operator's record (OperatorProfile) moves from merito.evaluation to organizations.

Only Django's picture of the models changes: the table stays ``evaluation_operatorprofile``
(no row is copied), and the content type is renamed so the admin's history and the
permissions follow. merito.evaluation's 0010 then forgets the model.
"""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ["operatorprofile"]


def rename_content_types(apps, schema_editor, old="evaluation", new="organizations"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def rename_back(apps, schema_editor):
    rename_content_types(apps, schema_editor, old="organizations", new="evaluation")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0009_reportjob_to_reports"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OperatorProfile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "cnsc_id",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="Asignado por la CNSC.",
                                null=True,
                                unique=True,
                                verbose_name="Id CNSC",
                            ),
                        ),
                        ("nit", models.CharField(blank=True, max_length=15, verbose_name="NIT")),
                        (
                            "nit_check_digit",
                            models.CharField(
                                blank=True, max_length=1, verbose_name="dígito de verificación"
                            ),
                        ),
                        (
                            "phone",
                            models.CharField(blank=True, max_length=20, verbose_name="teléfono"),
                        ),
                        (
                            "address",
                            models.CharField(blank=True, max_length=255, verbose_name="dirección"),
                        ),
                        (
                            "department",
                            models.CharField(
                                blank=True, max_length=80, verbose_name="departamento"
                            ),
                        ),
                        (
                            "municipality",
                            models.CharField(blank=True, max_length=120, verbose_name="municipio"),
                        ),
                        (
                            "legal_representative",
                            models.CharField(
                                blank=True,
                                max_length=255,
                                verbose_name="nombre del representante legal",
                            ),
                        ),
                        (
                            "legal_representative_email",
                            models.EmailField(
                                blank=True,
                                max_length=254,
                                verbose_name="correo del representante legal",
                            ),
                        ),
                        (
                            "contact_name",
                            models.CharField(
                                blank=True, max_length=255, verbose_name="nombre del contacto"
                            ),
                        ),
                        (
                            "contact_email",
                            models.EmailField(
                                blank=True, max_length=254, verbose_name="correo del contacto"
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="actualizado el"),
                        ),
                        (
                            "organization",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="operator_profile",
                                to="organizations.organization",
                                verbose_name="operador",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "datos del operador",
                        "verbose_name_plural": "datos de operadores",
                        "db_table": "evaluation_operatorprofile",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, rename_back),
    ]
