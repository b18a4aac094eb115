"""The proceso de selección of SIMO (process, state changes, OPEC jobs and requirements, tests
and their users) moves from merito.evaluation to calls.

Only Django's picture of the models changes: every table keeps its ``evaluation_`` name (no
row is copied, no index or trigger is touched), and the content types are renamed so the
admin's history and the permissions follow. merito.evaluation's 0011 then points its
folders at these models and forgets its own copies.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import merito.calls.models

MODELS = ["selectionprocess", "processstatechange", "job", "jobrequirement", "test", "testuser"]


def rename_content_types(apps, schema_editor, old="evaluation", new="calls"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def rename_back(apps, schema_editor):
    rename_content_types(apps, schema_editor, old="calls", new="evaluation")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0010_operatorprofile_to_organizations"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("calls", "0004_fill_search_text"),
        ("documents", "0001_initial"),
        ("organizations", "0002_operatorprofile_to_organizations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Job",
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
                            "opec_number",
                            models.PositiveIntegerField(unique=True, verbose_name="Nº OPEC"),
                        ),
                        (
                            "grade",
                            models.CharField(blank=True, max_length=10, verbose_name="grado"),
                        ),
                        (
                            "salary",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=12,
                                null=True,
                                verbose_name="asignación salarial",
                            ),
                        ),
                        ("purpose", models.TextField(blank=True, verbose_name="propósito")),
                        ("functions", models.TextField(blank=True, verbose_name="funciones")),
                        (
                            "ascenso_vacancies",
                            models.PositiveIntegerField(
                                default=0, verbose_name="vacantes para concurso de ascenso"
                            ),
                        ),
                        (
                            "entity",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organizations.organization",
                                verbose_name="entidad",
                            ),
                        ),
                        (
                            "manual",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="documents.document",
                                verbose_name="manual de funciones",
                            ),
                        ),
                        (
                            "position",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="job",
                                to="calls.position",
                                verbose_name="empleo",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "empleo OPEC",
                        "verbose_name_plural": "empleos OPEC",
                        "db_table": "evaluation_job",
                        "ordering": ["opec_number"],
                    },
                ),
                migrations.CreateModel(
                    name="SelectionProcess",
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
                            "application_type",
                            models.CharField(
                                choices=[
                                    ("national", "Nacional (por país)"),
                                    ("municipal", "Municipal (por municipio)"),
                                ],
                                default="national",
                                max_length=10,
                                verbose_name="tipo de aplicación",
                            ),
                        ),
                        (
                            "pse_payment_days",
                            models.PositiveSmallIntegerField(
                                default=0, verbose_name="delta pago PSE"
                            ),
                        ),
                        (
                            "bank_payment_days",
                            models.PositiveSmallIntegerField(
                                default=0, verbose_name="delta pago banco"
                            ),
                        ),
                        (
                            "keep_in_opec_history",
                            models.BooleanField(
                                default=False, verbose_name="mantener en histórico OPEC"
                            ),
                        ),
                        (
                            "test_stage_open",
                            models.BooleanField(
                                default=False,
                                help_text="La abre la gerencia del proceso; habilita la distribución de carpetas.",
                                verbose_name="etapa de pruebas abierta",
                            ),
                        ),
                        (
                            "call",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="selection_process",
                                to="calls.call",
                                verbose_name="convocatoria",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="creado por",
                            ),
                        ),
                        (
                            "entity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="selection_processes",
                                to="organizations.organization",
                                verbose_name="entidad",
                            ),
                        ),
                        (
                            "justification",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="documents.document",
                                verbose_name="documento que justifica la creación del proceso de selección",
                            ),
                        ),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="subprocesses",
                                to="calls.selectionprocess",
                                verbose_name="proceso de selección padre",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "proceso de selección",
                        "verbose_name_plural": "procesos de selección",
                        "db_table": "evaluation_selectionprocess",
                        "ordering": ["-call__year", "call__code"],
                    },
                ),
                migrations.CreateModel(
                    name="ProcessStateChange",
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
                            "from_state",
                            models.CharField(max_length=10, verbose_name="estado anterior"),
                        ),
                        (
                            "to_state",
                            models.CharField(
                                choices=[
                                    ("open", "Abierta (A)"),
                                    ("closed", "Cerrada (C)"),
                                    ("cancelled", "Cancelada (CA)"),
                                    ("suspended", "Suspendida (S)"),
                                ],
                                max_length=10,
                                verbose_name="estado nuevo",
                            ),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="motivo")),
                        (
                            "changed_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="cambiado el"),
                        ),
                        (
                            "changed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="cambiado por",
                            ),
                        ),
                        (
                            "justification",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="documents.document",
                                verbose_name="documento que justifica el cambio",
                            ),
                        ),
                        (
                            "process",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="state_changes",
                                to="calls.selectionprocess",
                                verbose_name="proceso de selección",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "cambio de estado del proceso",
                        "verbose_name_plural": "cambios de estado de procesos",
                        "db_table": "evaluation_processstatechange",
                        "ordering": ["-changed_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="Test",
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
                            "test_type",
                            models.CharField(
                                choices=[
                                    ("aptitudes_basicas", "Aptitudes Y Competencias Básicas"),
                                    ("basicas_generales", "Competencias Básicas Generales"),
                                    (
                                        "basicas_comportamentales",
                                        "Competencias Básicas Y Comportamentales",
                                    ),
                                    ("basicas_funcionales", "Competencias Básicas Y Funcionales"),
                                    ("comportamentales", "Competencias Comportamentales"),
                                    ("especificas", "Competencias Especificas"),
                                    ("funcionales", "Competencias Funcionales"),
                                    ("examen_medico", "Examen Medico"),
                                    ("actitud_escrita", "Prueba actitud Escrita"),
                                    ("actitud_practica", "Prueba actitud Practica"),
                                    (
                                        "aptitudes_psicotecnica",
                                        "Prueba De Aptitudes Y Competencias Básicas Y Psicotécnica",
                                    ),
                                    ("conduccion", "Prueba de conducción"),
                                    ("entrevista", "Prueba De Entrevista"),
                                    ("entrevista_eliminatoria", "Prueba Entrevista Eliminatoria"),
                                    ("scd", "Prueba Tipo SCD = SELECCIONABLE"),
                                    ("psicotecnica", "Psicotécnica"),
                                    ("consolidados", "Resultados Consolidados"),
                                    ("va", "Valoración De Antecedentes"),
                                    ("vrm", "Verificación Requisito Mínimos"),
                                ],
                                max_length=30,
                                verbose_name="tipo",
                            ),
                        ),
                        (
                            "description",
                            models.CharField(max_length=255, verbose_name="descripción"),
                        ),
                        (
                            "classification",
                            models.CharField(
                                choices=[
                                    ("classifying", "Clasificatoria"),
                                    ("eliminatory", "Eliminatoria"),
                                ],
                                max_length=12,
                                verbose_name="clasificación",
                            ),
                        ),
                        (
                            "date",
                            models.DateField(
                                blank=True, null=True, verbose_name="fecha de realización"
                            ),
                        ),
                        (
                            "max_value",
                            models.DecimalField(
                                decimal_places=2, max_digits=7, verbose_name="valor máximo"
                            ),
                        ),
                        (
                            "quantitative",
                            models.BooleanField(
                                default=True,
                                help_text="El valor aprobatorio aplica únicamente a las pruebas cuantitativas.",
                                verbose_name="prueba cuantitativa",
                            ),
                        ),
                        (
                            "pass_value",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=7,
                                null=True,
                                verbose_name="valor aprobatorio",
                            ),
                        ),
                        (
                            "weight",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                                verbose_name="ponderación (%)",
                            ),
                        ),
                        (
                            "audit_percent_approved",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0"),
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                                verbose_name="porcentaje auditoría aprobado",
                            ),
                        ),
                        (
                            "audit_percent_not_approved",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0"),
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                                verbose_name="porcentaje auditoría NO aprobado",
                            ),
                        ),
                        (
                            "claim_days",
                            models.PositiveSmallIntegerField(
                                default=5, verbose_name="delta publicación (días de reclamación)"
                            ),
                        ),
                        (
                            "show_observations",
                            models.BooleanField(
                                default=False, verbose_name="visualizar observación"
                            ),
                        ),
                        (
                            "show_detail",
                            models.BooleanField(default=False, verbose_name="ver detalle"),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[("closed", "Cerrada"), ("open", "Abierta")],
                                default="closed",
                                max_length=10,
                                verbose_name="estado",
                            ),
                        ),
                        (
                            "published_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="publicada el"
                            ),
                        ),
                        (
                            "audit_seed",
                            models.PositiveBigIntegerField(
                                default=merito.calls.models.new_audit_seed,
                                editable=False,
                                verbose_name="semilla de la muestra de auditoría",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="creada el"),
                        ),
                        (
                            "operator",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="evaluation_tests",
                                to="organizations.organization",
                                verbose_name="institución de educación superior (operador)",
                            ),
                        ),
                        (
                            "positions",
                            models.ManyToManyField(
                                blank=True,
                                help_text="Sin empleos asignados, la prueba se aplica a todos los del proceso.",
                                related_name="evaluation_tests",
                                to="calls.position",
                                verbose_name="empleos",
                            ),
                        ),
                        (
                            "process",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="tests",
                                to="calls.selectionprocess",
                                verbose_name="proceso de selección",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "prueba",
                        "verbose_name_plural": "pruebas",
                        "db_table": "evaluation_test",
                        "ordering": ["process", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="TestUser",
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
                            "role",
                            models.CharField(
                                choices=[
                                    ("supervisor", "Supervisor"),
                                    ("analyst", "Analista"),
                                    ("auditor", "Auditor"),
                                    ("claims_analyst", "Analista de reclamación"),
                                ],
                                max_length=30,
                                verbose_name="rol",
                            ),
                        ),
                        (
                            "linked_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="asociado el"),
                        ),
                        (
                            "linked_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="asociado por",
                            ),
                        ),
                        (
                            "test",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="linked_users",
                                to="calls.test",
                                verbose_name="prueba",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="evaluation_tests",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="usuario",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "usuario asociado a la prueba",
                        "verbose_name_plural": "usuarios asociados a pruebas",
                        "db_table": "evaluation_testuser",
                        "ordering": ["user__username", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="JobRequirement",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("minimum", "Requisito mínimo"),
                                    ("alternative", "Alternativa"),
                                    ("equivalence", "Equivalencia"),
                                ],
                                max_length=12,
                                verbose_name="tipo",
                            ),
                        ),
                        ("education", models.TextField(blank=True, verbose_name="estudio")),
                        ("experience", models.TextField(blank=True, verbose_name="experiencia")),
                        (
                            "order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="orden"),
                        ),
                        (
                            "job",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="requirements",
                                to="calls.job",
                                verbose_name="empleo",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "requisito del empleo",
                        "verbose_name_plural": "requisitos del empleo",
                        "db_table": "evaluation_jobrequirement",
                        "ordering": ["order", "pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("education", ""), _negated=True),
                                    models.Q(("experience", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="evaluation_requirement_not_empty",
                                violation_error_message="Escriba el estudio, la experiencia o ambos.",
                            )
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="selectionprocess",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("parent", models.F("id")), _negated=True),
                        name="evaluation_process_not_own_parent",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="test",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("weight__gte", 0), ("weight__lte", 100)),
                        name="evaluation_test_weight_percent",
                        violation_error_message="La ponderación debe estar entre 0 y 100 %.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="test",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("pass_value__isnull", True),
                            ("pass_value__lte", models.F("max_value")),
                            _connector="OR",
                        ),
                        name="evaluation_test_pass_not_above_max",
                        violation_error_message="El valor aprobatorio no puede ser mayor que el valor máximo.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="testuser",
                    constraint=models.UniqueConstraint(
                        fields=("test", "user", "role"), name="evaluation_testuser_unique"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, rename_back),
    ]
