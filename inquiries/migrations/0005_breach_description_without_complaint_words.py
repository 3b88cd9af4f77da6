"""A breach found from a complaint (complaints' 处理措施 with "also a first-inquiry breach")
described itself as "投诉 <no>：<the complaint's subject>" — the complainant's words, read
by the person the breach concerns on /inquiries/breaches/ and in the violations ledger
(issue 14: the person complained about never sees them). Such descriptions now read
"投诉 <no> 经查实违反首问负责制" (complaints.services.penalties.breach_description); the
ones written before are rewritten the same way. A description the office typed itself is
left as it is. Not reversible: the old text stays with the complaint."""

from django.db import migrations


def forward(apps, schema_editor):
    db = schema_editor.connection.alias
    breach = apps.get_model("inquiries", "Breach")
    for row in breach.objects.using(db).filter(complaint__isnull=False).select_related("complaint"):
        complaint = row.complaint
        if row.description == f"投诉 {complaint.no}：{complaint.subject}":
            row.description = f"投诉 {complaint.no} 经查实违反首问负责制"
            row.save(update_fields=["description"])


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0004_status_event"),
        ("complaints", "0006_complaintevent_drop_object_id"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
