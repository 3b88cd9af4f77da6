# Carry `kind` + `object_id` over to the foreign keys of 0004. A row whose record no
# longer exists (none should: records are never deleted while their complaint lives)
# keeps its text on the complaint's own timeline (kind "complaint").
#
# Backwards: the ids go back to `object_id`; the rows of reports' reviews, which the
# old schema did not record, are removed (the complaint's own row of the same step
# stays).

from django.db import migrations
from django.db.models import F

RECORDS = {"appeal": "Appeal", "sanction": "Sanction", "fine": "Fine"}


def forwards(apps, schema_editor):
    Event = apps.get_model("complaints", "ComplaintEvent")
    for kind, model_name in RECORDS.items():
        model = apps.get_model("complaints", model_name)
        rows = Event.objects.filter(kind=kind)
        rows.filter(object_id__in=model.objects.values("pk")).update(**{kind: F("object_id")})
        rows.filter(**{f"{kind}__isnull": True}).update(kind="complaint")


def backwards(apps, schema_editor):
    Event = apps.get_model("complaints", "ComplaintEvent")
    Event.objects.filter(kind="report").delete()
    for kind in RECORDS:
        Event.objects.filter(kind=kind).update(object_id=F(f"{kind}_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0004_complaintevent_records"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
