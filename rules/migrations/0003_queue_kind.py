"""The `queue` kind (排队叫号与预约参数) and its bundled default, product-queue.toml.

A database migrated before the file existed gets it here; on a fresh database 0002
has already loaded it (load_bundled skips codes that are present)."""

from django.db import migrations, models


def load(apps, schema_editor):
    from rules.loader import load_bundled, read_bundled

    RuleSet = apps.get_model("rules", "RuleSet")
    AuditEvent = apps.get_model("audit", "AuditEvent")

    def record(row, item, outcome):
        AuditEvent.objects.create(
            actor_label="migration:rules.0003_queue_kind",
            action="rules.rule_set.load",
            object_type="rules.ruleset",
            object_id=str(row.pk),
            object_repr=f"{row.name}（{row.code} 第{row.version}版）"[:200],
            summary=f"载入内置规则集 {row.code}（{item.path.name}）",
            changes={"file": item.path.name, "outcome": outcome.value, "version": row.version},
        )

    # Only this kind: other files that changed since 0002 are applied by `load_rules`.
    bundle = [item for item in read_bundled() if item.kind == "queue"]
    load_bundled(RuleSet, record=record, bundle=bundle)


class Migration(migrations.Migration):

    dependencies = [
        ('rules', '0002_load_bundled'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ruleset',
            name='kind',
            field=models.CharField(choices=[('window_score', '服务窗口评价'), ('complaint', '投诉管理'), ('case_time_limit', '限时办结'), ('first_inquiry', '首问负责'), ('staff_appraisal', '窗口工作人员考核'), ('fines', '违规处罚'), ('complaint_penalty', '有效投诉处罚'), ('hotline_callback', '12329回访与满意度测评'), ('rating_followup', '差评回访整改'), ('queue', '排队叫号与预约')], db_index=True, max_length=32, verbose_name='类别'),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
