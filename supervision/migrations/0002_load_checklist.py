"""Load the inspection checklist (supervision/checklist.py: the norms of 000 §一–§四 in
the four dimensions of 000 §五(五)4(2)) into ChecklistItem rows."""

from django.db import migrations


def load(apps, schema_editor):
    from supervision.checklist import load_checklist

    load_checklist(apps.get_model("supervision", "ChecklistItem"))


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
