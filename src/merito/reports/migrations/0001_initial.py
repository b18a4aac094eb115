"""ReportJob moves from merito.evaluation to its own context, reports.

Only Django's picture of the models changes: the table stays ``evaluation_reportjob`` (no
row is copied, nothing is locked), and the content type is renamed so the admin's history
and the permissions follow. merito.evaluation's 0009 then forgets the model.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rename_content_type(apps, schema_editor, old="evaluation", new="reports"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model="reportjob").update(app_label=new)


def rename_back(apps, schema_editor):
    rename_content_type(apps, schema_editor, old="reports", new="evaluation")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("evaluation", "0008_fewer_fk_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReportJob",
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
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Programado"),
                                    ("running", "En ejecución"),
                                    ("done", "Finalizado"),
                                    ("failed", "Con error"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="estado",
                            ),
                        ),
                        ("total", models.PositiveIntegerField(default=0, verbose_name="total")),
                        ("done", models.PositiveIntegerField(default=0, verbose_name="procesadas")),
                        ("error", models.TextField(blank=True, verbose_name="error")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="fecha creación"),
                        ),
                        (
                            "started_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="fecha ejecución"
                            ),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="fecha finalización"
                            ),
                        ),
                        ("report", models.CharField(max_length=40, verbose_name="reporte")),
                        ("parameters", models.JSONField(default=dict, verbose_name="parámetros")),
                        (
                            "format",
                            models.CharField(
                                choices=[("xlsx", "Excel"), ("pdf", "PDF")],
                                max_length=4,
                                verbose_name="formato",
                            ),
                        ),
                        (
                            "file_name",
                            models.CharField(blank=True, max_length=255, verbose_name="archivo"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="usuario",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "trabajo de reporte",
                        "verbose_name_plural": "trabajos de reportes",
                        "db_table": "evaluation_reportjob",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, rename_back),
    ]
