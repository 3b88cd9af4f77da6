"""Default queues (A 归集, B 提取, C 贷款, D 综合) and hall settings for branches that
existed before this app; new branches get them from a post_save signal."""

from django.db import migrations

DEFAULT_QUEUES = [
    ("collection", "A", "归集", 1),
    ("withdrawal", "B", "提取", 2),
    ("loan", "C", "贷款", 3),
    ("other", "D", "综合", 4),
]


def setup(apps, schema_editor):
    from queueing.slots import break_from_hours_note

    Branch = apps.get_model("org", "Branch")
    Queue = apps.get_model("queueing", "Queue")
    HallSettings = apps.get_model("queueing", "HallSettings")
    for branch in Branch.objects.all():
        for category, letter, name, order in DEFAULT_QUEUES:
            if not Queue.objects.filter(branch=branch, category=category).exists():
                Queue.objects.create(branch=branch, category=category, letter=letter, name=name, order=order)
        if not HallSettings.objects.filter(branch=branch).exists():
            lunch = break_from_hours_note(branch.hours_note)
            HallSettings.objects.create(
                branch=branch,
                break_starts_at=lunch[0] if lunch else None,
                break_ends_at=lunch[1] if lunch else None,
            )


class Migration(migrations.Migration):
    dependencies = [("queueing", "0001_initial")]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
