"""Carry the existing case events over: every event of a supplement, an extension, a
handover, an escalation or a review names that record (0003 added the columns).

A case has at most one supplement request, one escalation and one review, so those
events name the case's one. Extensions and handovers may be several: an extension event
names the latest extension asked for at or before the event; a handover event names the
latest handover registered at or before it to the department its note names (the notes
have always begun with, or contained, the department's name), else the latest one.
Reversing leaves nothing to undo (0003 drops the columns).
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 1000


def _one_per_case(CaseEvent, model, kind, column):
    CaseEvent.objects.filter(kind=kind, **{f"{column}__isnull": True}).update(
        **{column: Subquery(model.objects.filter(case_id=OuterRef("case_id")).values("pk")[:1])}
    )


def _extensions(CaseEvent, Extension):
    latest = Extension.objects.filter(case_id=OuterRef("case_id"), requested_at__lte=OuterRef("at"))
    CaseEvent.objects.filter(kind="extension", extension__isnull=True).update(
        extension=Subquery(latest.order_by("-requested_at", "-pk").values("pk")[:1])
    )
    first = Extension.objects.filter(case_id=OuterRef("case_id")).order_by("number", "pk")
    CaseEvent.objects.filter(kind="extension", extension__isnull=True).update(
        extension=Subquery(first.values("pk")[:1])
    )


def _handovers(CaseEvent, Handover):
    events = CaseEvent.objects.filter(kind="handover", handover__isnull=True).order_by("case_id", "at", "pk")
    case_ids = set(events.values_list("case_id", flat=True))
    by_case = {}
    for handover in (
        Handover.objects.filter(case_id__in=case_ids)
        .select_related("department")
        .order_by("registered_at", "pk")
    ):
        by_case.setdefault(handover.case_id, []).append(handover)
    changed = []
    for event in events.iterator(chunk_size=BATCH):
        candidates = by_case.get(event.case_id, [])
        before = [h for h in candidates if h.registered_at <= event.at] or candidates
        named = [h for h in before if h.department.name in (event.note or "")]
        chosen = (named or before or [None])[-1]
        if chosen is not None:
            event.handover_id = chosen.pk
            changed.append(event)
        if len(changed) >= BATCH:
            CaseEvent.objects.bulk_update(changed, ["handover"])
            changed = []
    if changed:
        CaseEvent.objects.bulk_update(changed, ["handover"])


def link_events(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    _one_per_case(CaseEvent, apps.get_model("cases", "SupplementRequest"), "materials", "supplement")
    _one_per_case(CaseEvent, apps.get_model("cases", "Escalation"), "escalation", "escalation")
    _one_per_case(CaseEvent, apps.get_model("cases", "ReviewRequest"), "review", "review")
    _extensions(CaseEvent, apps.get_model("cases", "Extension"))
    _handovers(CaseEvent, apps.get_model("cases", "Handover"))
    orphans = {
        kind: CaseEvent.objects.filter(kind=kind, **{f"{column}__isnull": True}).count()
        for kind, column in (
            ("materials", "supplement"),
            ("extension", "extension"),
            ("handover", "handover"),
            ("escalation", "escalation"),
            ("review", "review"),
        )
    }
    orphans = {kind: n for kind, n in orphans.items() if n}
    if orphans:
        raise RuntimeError(
            f"Case events whose case has no record of their kind: {orphans}. "
            "The services never write such rows; inspect them before migrating."
        )


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_case_event_status_event"),
    ]

    operations = [
        migrations.RunPython(link_events, migrations.RunPython.noop),
    ]
