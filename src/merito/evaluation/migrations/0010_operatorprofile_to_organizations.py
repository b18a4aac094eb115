"""OperatorProfile now lives in merito.organizations (its 0002 took the model over, table and
all): evaluation forgets it, in Django's picture only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_operatorprofile_to_organizations"),
        ("evaluation", "0009_reportjob_to_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="OperatorProfile",
                ),
            ],
            database_operations=[],
        ),
    ]
