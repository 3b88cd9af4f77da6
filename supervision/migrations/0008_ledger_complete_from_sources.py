"""The violations ledger made complete once, when its "同步投诉与首问记录" button goes
(issue 14): from now on a valid complaint's fine and a first-inquiry breach enter the
ledger in the transaction of their decision, and leave it (counter-entry) in the
transaction of their withdrawal (supervision/services/sources.py, through common.hooks).
What the button had not carried over yet is carried over here, with the receivers' rules:

* every active complaint fine and every recorded breach without a ledger entry gets one
  (the amount, consequences and rule set the source recorded; dated the day verified /
  found);
* every active line whose fine or breach was withdrawn is reversed by a counter-entry;
* lines of a breach found from a complaint name the complaint only: their text no longer
  carries the complaint's subject (the complainant's words).

Idempotent (run twice, nothing more happens). Not reversed on migrating back: the ledger
is append-only; the lines stay correct entries."""

from django.db import migrations

from common import clock

ACTOR = "数据迁移（台账补记）"
COMPLAINT_CLAUSE = "002 篇4 一7；000 §五(四)9"
BREACH_CLAUSE = "003 §十；000 §五(一)"


def _next_no(apps, db, year):
    sequence = apps.get_model("supervision", "Sequence")
    seq, _ = sequence.objects.using(db).select_for_update().get_or_create(key=f"WG{year}")
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"WG{year}-{seq.last:05d}"


def _breach_text(breach):
    head = f"违反首问负责制（计数周期内第{breach.nth}次）"
    if breach.complaint_id is not None:
        return f"{head}：投诉 {breach.complaint.no} 查实"
    return f"{head}：{breach.description[:200]}"


def _enter(apps, db, *, staff, occurred_on, note, **fields):
    violation = apps.get_model("supervision", "Violation")
    event = apps.get_model("supervision", "ViolationEvent")
    line = violation.objects.using(db).create(
        no=_next_no(apps, db, occurred_on.year),
        kind="entry",
        staff=staff,
        offender_name=staff.name,
        branch_id=staff.branch_id,
        occurred_on=occurred_on,
        monthly_report=False,
        status="active",
        recorded_at=clock.now(),
        recorded_by_label=ACTOR,
        **fields,
    )
    event.objects.using(db).create(
        violation=line, at=clock.now(), actor_label=ACTOR, from_status="", to_status="active", note=note
    )


def _reverse(apps, db, line, reason):
    violation = apps.get_model("supervision", "Violation")
    event = apps.get_model("supervision", "ViolationEvent")
    now = clock.now()
    line.status = "reversed"
    line.save(update_fields=["status"])
    event.objects.using(db).create(
        violation=line, at=now, actor_label=ACTOR, from_status="active", to_status="reversed", note=reason
    )
    counter = violation.objects.using(db).create(
        no=_next_no(apps, db, clock.local_date(now).year),
        kind="reversal",
        reverses=line,
        staff_id=line.staff_id,
        offender_name=line.offender_name,
        branch_id=line.branch_id,
        window_id=line.window_id,
        occurred_on=line.occurred_on,
        item_code=line.item_code,
        item_text=line.item_text,
        clause=line.clause,
        amount_yuan=-line.amount_yuan if line.amount_yuan is not None else None,
        consequences=[f"撤销：{c}" for c in line.consequences],
        monthly_report=line.monthly_report,
        source=line.source,
        patrol_id=line.patrol_id,
        complaint_fine_id=line.complaint_fine_id,
        breach_id=line.breach_id,
        source_ref=line.no,
        reason=reason,
        status="counter",
        rules_ref=line.rules_ref,
        recorded_at=now,
        recorded_by_label=ACTOR,
    )
    event.objects.using(db).create(
        violation=counter, at=now, actor_label=ACTOR, from_status="", to_status="counter", note=f"冲正 {line.no}：{reason}"
    )


def forward(apps, schema_editor):
    db = schema_editor.connection.alias
    fine = apps.get_model("complaints", "Fine")
    breach = apps.get_model("inquiries", "Breach")
    violation = apps.get_model("supervision", "Violation")
    entries = violation.objects.using(db).filter(kind="entry")
    added = reversed_ = redacted = 0

    fined = set(entries.filter(complaint_fine__isnull=False).values_list("complaint_fine_id", flat=True))
    active_fines = fine.objects.using(db).filter(status="active").select_related("staff", "complaint")
    for f in active_fines.order_by("verified_on", "id"):
        if f.pk in fined:
            continue
        _enter(
            apps,
            db,
            staff=f.staff,
            occurred_on=f.verified_on,
            note=f"有效投诉：{f.complaint.no}",
            item_code="complaint",
            item_text=f"有效投诉（投诉 {f.complaint.no}，计数周期内第{f.nth}次）",
            clause=COMPLAINT_CLAUSE,
            amount_yuan=f.amount_yuan or None,
            consequences=list(f.consequences),
            source="complaint",
            rules_ref=f.rules_ref,
            source_ref=f.complaint.no,
            complaint_fine=f,
        )
        added += 1

    found = set(entries.filter(breach__isnull=False).values_list("breach_id", flat=True))
    recorded = breach.objects.using(db).filter(status="recorded").select_related("staff", "complaint")
    for b in recorded.order_by("found_on", "id"):
        if b.pk in found:
            continue
        _enter(
            apps,
            db,
            staff=b.staff,
            occurred_on=b.found_on,
            note=f"违反首问负责制：首问违规#{b.pk}",
            item_code="first_inquiry",
            item_text=_breach_text(b)[:300],
            clause=BREACH_CLAUSE,
            amount_yuan=None,
            consequences=list(b.consequences),
            source="breach",
            rules_ref=b.rules_ref,
            source_ref=f"首问违规#{b.pk}",
            breach=b,
        )
        added += 1

    live = violation.objects.using(db).filter(kind="entry", status="active")
    for line in live.filter(complaint_fine__status="withdrawn").order_by("id"):
        _reverse(apps, db, line, "投诉处罚已撤销（投诉复查改变了认定）")
        reversed_ += 1
    for line in live.filter(breach__status="withdrawn").order_by("id"):
        _reverse(apps, db, line, "违反首问负责制记录已撤销")
        reversed_ += 1

    # Lines (entries and counter-entries) of a breach found from a complaint: no subject.
    for line in violation.objects.using(db).filter(breach__complaint__isnull=False).select_related(
        "breach__complaint"
    ):
        text = _breach_text(line.breach)[:300]
        if line.item_text != text:
            line.item_text = text
            line.save(update_fields=["item_text"])
            redacted += 1

    if added or reversed_ or redacted:
        audit = apps.get_model("audit", "AuditEvent")
        audit.objects.using(db).create(
            at=clock.now(),
            actor_label=ACTOR,
            action="supervision.violation.backfill",
            summary=f"违规处罚台账补记有效投诉处罚与违反首问负责制记录 {added} 条，"
            f"冲正 {reversed_} 条，去除投诉原文 {redacted} 条",
            changes={"added": added, "reversed": reversed_, "redacted": redacted},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0007_drop_supervisionevent"),
        ("complaints", "0006_complaintevent_drop_object_id"),
        ("inquiries", "0005_breach_description_without_complaint_words"),
        ("audit", "0003_one_clock"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
