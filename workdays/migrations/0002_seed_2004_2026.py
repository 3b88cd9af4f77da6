"""Seed every day of 2004–2026 from the `chinesecalendar` package, with the cited
corrections of workdays/corrections.py, and mark those years published. 2027 is
left unpublished: it enters the calendar when an administrator enters its notice.

The seeding code lives in workdays/seed.py (pure Python, also used by the tests and
the benchmark), so the migration and the tests cannot drift apart.
"""

from django.db import migrations
from django.utils import timezone

from workdays.corrections import corrections_by_date
from workdays.seed import SEED_FIRST_YEAR, SEED_LAST_YEAR, SEED_YEARS, seed_source, write_seed


def seed(apps, schema_editor):
    now = timezone.now()
    source = seed_source()
    write_seed(
        day_model=apps.get_model("workdays", "Day"),
        year_model=apps.get_model("workdays", "PublishedYear"),
        revision_model=apps.get_model("workdays", "CalendarRevision"),
        now=now,
    )
    apps.get_model("audit", "AuditEvent").objects.create(
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
