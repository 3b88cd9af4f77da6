"""The generic SupervisionEvent table goes: its rows live in the event tables of their
records now (0006)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("supervision", "0006_copy_supervision_events")]

    operations = [migrations.DeleteModel(name="SupervisionEvent")]
