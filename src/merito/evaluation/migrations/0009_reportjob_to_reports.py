"""ReportJob now lives in merito.reports (its 0001 took the model over, table and all):
evaluation forgets it, in Django's picture only; the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0008_fewer_fk_indexes"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReportJob")],
            database_operations=[],
        ),
    ]
