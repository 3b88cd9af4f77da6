"""The generic AppraisalEvent table goes: its rows live in the event tables of their
quarters and entries now (0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0004_copy_appraisal_events")]

    operations = [migrations.DeleteModel(name="AppraisalEvent")]
