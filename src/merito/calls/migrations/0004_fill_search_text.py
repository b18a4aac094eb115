import unicodedata

from django.db import migrations


def _search_key(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fill_search_text(apps, schema_editor):
    """Calls created before the catalogue get their accent-free search column."""
    Call = apps.get_model("calls", "Call")
    for call in Call.objects.select_related("organization").filter(search_text=""):
        org = call.organization
        call.search_text = _search_key(" ".join([call.code, call.name, org.short_name, org.name]))
        call.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("calls", "0003_schedule_positions_notices")]

    operations = [migrations.RunPython(fill_search_text, migrations.RunPython.noop)]
