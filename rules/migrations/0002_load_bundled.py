"""Load the bundled rule sets (rules/bundled/*.toml) so that every database, the test
database included, has the rules in force. Idempotent: codes already present are left
alone (changed files become new versions only through `manage.py load_rules --revise`)."""

from django.db import migrations


def load(apps, schema_editor):
    from rules.loader import load_bundled

    RuleSet = apps.get_model("rules", "RuleSet")
    AuditEvent = apps.get_model("audit", "AuditEvent")

    def record(row, item, outcome):
        AuditEvent.objects.create(
            actor_label="migration:rules.0002_load_bundled",
            action="rules.rule_set.load",
            object_type="rules.ruleset",
            object_id=str(row.pk),
            object_repr=f"{row.name}（{row.code} 第{row.version}版）"[:200],
            summary=f"载入内置规则集 {row.code}（{item.path.name}）",
            changes={"file": item.path.name, "outcome": outcome.value, "version": row.version},
        )

    load_bundled(RuleSet, record=record)


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0001_initial"),
        ("audit", "0002_append_only_trigger"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
