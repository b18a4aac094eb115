"""The process, jobs, tests and their users now live in merito.calls (its 0005 took the
models over, tables and all): the folders point at them there, and evaluation forgets its
copies — in Django's picture only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0005_selection_process_to_calls"),
        ("evaluation", "0010_operatorprofile_to_organizations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="jobrequirement",
                    name="job",
                ),
                migrations.AlterField(
                    model_name="folderevaluation",
                    name="requirement",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="VRM: el requisito mínimo, la alternativa o la equivalencia que cumple.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="calls.jobrequirement",
                        verbose_name="criterio cumplido",
                    ),
                ),
                migrations.RemoveField(
                    model_name="processstatechange",
                    name="changed_by",
                ),
                migrations.RemoveField(
                    model_name="processstatechange",
                    name="justification",
                ),
                migrations.RemoveField(
                    model_name="processstatechange",
                    name="process",
                ),
                migrations.RemoveField(
                    model_name="selectionprocess",
                    name="call",
                ),
                migrations.RemoveField(
                    model_name="selectionprocess",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="selectionprocess",
                    name="entity",
                ),
                migrations.RemoveField(
                    model_name="selectionprocess",
                    name="justification",
                ),
                migrations.RemoveField(
                    model_name="selectionprocess",
                    name="parent",
                ),
                migrations.RemoveField(
                    model_name="test",
                    name="process",
                ),
                migrations.RemoveField(
                    model_name="test",
                    name="operator",
                ),
                migrations.RemoveField(
                    model_name="test",
                    name="positions",
                ),
                migrations.AlterField(
                    model_name="folder",
                    name="test",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="folders",
                        to="calls.test",
                        verbose_name="prueba",
                    ),
                ),
                migrations.AlterField(
                    model_name="foldertally",
                    name="test",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="calls.test",
                    ),
                ),
                migrations.RemoveField(
                    model_name="testuser",
                    name="test",
                ),
                migrations.AlterField(
                    model_name="distributionjob",
                    name="test",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="distribution_jobs",
                        to="calls.test",
                        verbose_name="prueba",
                    ),
                ),
                migrations.AlterField(
                    model_name="folderevaluation",
                    name="test",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="calls.test",
                        verbose_name="prueba",
                    ),
                ),
                migrations.RemoveField(
                    model_name="testuser",
                    name="linked_by",
                ),
                migrations.RemoveField(
                    model_name="testuser",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="Job",
                ),
                migrations.DeleteModel(
                    name="JobRequirement",
                ),
                migrations.DeleteModel(
                    name="ProcessStateChange",
                ),
                migrations.DeleteModel(
                    name="SelectionProcess",
                ),
                migrations.DeleteModel(
                    name="Test",
                ),
                migrations.DeleteModel(
                    name="TestUser",
                ),
            ],
            database_operations=[],
        ),
    ]
