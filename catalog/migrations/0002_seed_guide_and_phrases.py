"""Load the seeded service guide (81 matters of 归集, 提取, 贷款 and 其他, each with the
time limit 000 §五(二)3 gives it) and the standard phrases of the regulations, so that
every database — the test database included — has them. Idempotent (catalog.seeding)."""

from django.db import migrations


def load(apps, schema_editor):
    from catalog.seeding import seed_catalog

    AuditEvent = apps.get_model("audit", "AuditEvent")

    def record(summary, changes):
        AuditEvent.objects.create(
            actor_label="migration:catalog.0002_seed_guide_and_phrases",
            action="catalog.seed",
            summary=summary,
            changes=changes,
        )

    seed_catalog(apps, actor_label="migration:catalog.0002", record=record)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("audit", "0002_append_only_trigger"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
