"""Carry every SupervisionEvent row over to the event table of its record (and back when
reversed). A row is copied in the order of its timeline (at, id); a row whose record
does not exist (none should: records are never deleted) cannot hold a foreign key and
is left behind with the old table."""

from django.db import migrations

# subject_type → (event model, record model, foreign key of the event)
TABLES = {
    "inspection": ("InspectionEvent", "Inspection", "inspection"),
    "patrol": ("PatrolEvent", "Patrol", "patrol"),
    "violation": ("ViolationEvent", "Violation", "violation"),
    "unit_report": ("UnitReportEvent", "UnitReport", "report"),
    "summary": ("PatrolSummaryEvent", "PatrolSummary", "summary"),
    "notice": ("IssueNoticeEvent", "IssueNotice", "notice"),
    "facility": ("FacilityEvent", "Facility", "facility"),
}
FIELDS = ("at", "actor_id", "actor_label", "from_status", "to_status", "note")
BATCH = 2000


def _flush(model, rows, db):
    if rows:
        model.objects.using(db).bulk_create(rows, batch_size=BATCH)
        rows.clear()


def forward(apps, schema_editor):
    db = schema_editor.connection.alias
    old = apps.get_model("supervision", "SupervisionEvent")
    for subject, (event_name, record_name, fk) in TABLES.items():
        event = apps.get_model("supervision", event_name)
        record = apps.get_model("supervision", record_name)
        known = set(record.objects.using(db).values_list("pk", flat=True))
        rows = []
        for row in (
            old.objects.using(db).filter(subject_type=subject).order_by("at", "id").iterator(chunk_size=BATCH)
        ):
            if row.subject_id in known:
                rows.append(event(**{f"{fk}_id": row.subject_id}, **{f: getattr(row, f) for f in FIELDS}))
            if len(rows) >= BATCH:
                _flush(event, rows, db)
        _flush(event, rows, db)


def backward(apps, schema_editor):
    db = schema_editor.connection.alias
    old = apps.get_model("supervision", "SupervisionEvent")
    for subject, (event_name, _record_name, fk) in TABLES.items():
        event = apps.get_model("supervision", event_name)
        rows = []
        for row in event.objects.using(db).order_by("at", "id").iterator(chunk_size=BATCH):
            rows.append(
                old(
                    subject_type=subject,
                    subject_id=getattr(row, f"{fk}_id"),
                    **{f: getattr(row, f) for f in FIELDS},
                )
            )
            if len(rows) >= BATCH:
                _flush(old, rows, db)
        _flush(old, rows, db)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0005_event_per_record")]

    operations = [migrations.RunPython(forward, backward)]
