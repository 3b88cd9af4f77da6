"""Seed every day of 2004–2026 from the `chinesecalendar` package, with the cited
corrections of workdays/corrections.py, and mark those years published. 2027 is
left unpublished: it enters the calendar when an administrator enters its notice.

The seeding code lives in workdays/seed.py (pure Python, also used by the tests and
the benchmark), so the migration and the tests cannot drift apart.
"""

from django.db import migrations
from django.utils import timezone

from workdays.corrections import corrections_by_date
from workdays.seed import SEED_FIRST_YEAR, SEED_LAST_YEAR, SEED_YEARS, seed_notice_text, seed_source, seeded_year


def seed(apps, schema_editor):
    Day = apps.get_model("workdays", "Day")
    PublishedYear = apps.get_model("workdays", "PublishedYear")
    CalendarRevision = apps.get_model("workdays", "CalendarRevision")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    now = timezone.now()
    source = seed_source()
    for year in SEED_YEARS:
        Day.objects.bulk_create(
            Day(date=s.date, is_workday=s.is_workday, kind=s.kind, name=s.name) for s in seeded_year(year)
        )
        PublishedYear.objects.create(
            year=year, published=True, source=source, notice_text=seed_notice_text(year), published_at=now
        )
    CalendarRevision.objects.update_or_create(pk=1, defaults={"number": 1, "changed_at": now})
    AuditEvent.objects.create(
        at=now,
        actor_label="数据迁移 workdays.0002",
        action="workdays.seed",
        summary=f"从 {source} 导入 {SEED_FIRST_YEAR}–{SEED_LAST_YEAR} 年工作日历并发布",
        changes={
            "years": [SEED_FIRST_YEAR, SEED_LAST_YEAR],
            "source": source,
            "corrections": [[d.isoformat(), c.kind, c.name, c.notice] for d, c in corrections_by_date().items()],
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("workdays", "Day").objects.filter(date__year__in=list(SEED_YEARS)).delete()
    apps.get_model("workdays", "PublishedYear").objects.filter(year__in=list(SEED_YEARS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workdays", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
