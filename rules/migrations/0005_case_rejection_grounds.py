"""The legal grounds of 不予受理 and the words that mean "materials missing" (issue 14.8)
join the `case_time_limit` rule set: two new params fields and two interpretations, read
from the bundled file. A database migrated before them holds version(s) of the rule set
without these fields; they are added to every stored version that lacks them. No number
of the rule set changes: the fields state clauses in force since the rule set's first day
(000 §五(二)1–2, 002 篇5 §二4–5), so the versions keep their dates and the cases keep
their `rules_ref`. A fresh database loads the file with them already (0002); then this
migration finds nothing to add."""

from django.db import migrations

FIELDS = ("rejection_grounds", "missing_material_phrases")
BUNDLED_CODE = "handan-2021-case-time-limit"
# The bundled file's `source` before the grounds: a version that still says this gets the
# clauses of the grounds added to it (an administrator's own wording is left alone).
OLD_SOURCE = (
    "000 邯郸市住房公积金管理中心窗口服务管理办法(试行)（2021年7月21日）§五(二)2、3、5；"
    "002 篇5 高新区政务服务中心窗口办件工作规程 §三4（上报件）"
)


def add(apps, schema_editor):
    from rules.loader import BUNDLED_DIR, parse_bundled

    RuleSet = apps.get_model("rules", "RuleSet")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    bundled = parse_bundled(BUNDLED_DIR / f"{BUNDLED_CODE}.toml")
    added = {name: bundled.params[name] for name in FIELDS}
    clauses = {i["clause"] for i in bundled.interpretations}
    new_interpretations = [
        i for i in bundled.interpretations if "rejection_grounds" in i["interpretation"]
        or "missing_material_phrases" in i["interpretation"]
    ]
    for row in RuleSet.objects.filter(kind="case_time_limit"):
        if all(name in row.params for name in FIELDS):
            continue
        row.params = {**row.params, **{k: v for k, v in added.items() if k not in row.params}}
        have = {i["clause"] for i in row.interpretations}
        row.interpretations = [
            *row.interpretations,
            *(i for i in new_interpretations if i["clause"] not in have and i["clause"] in clauses),
        ]
        if row.source == OLD_SOURCE:
            row.source = bundled.source
        row.save(update_fields=["params", "interpretations", "source"])
        AuditEvent.objects.create(
            actor_label="migration:rules.0005_case_rejection_grounds",
            action="rules.rule_set.amend",
            object_type="rules.ruleset",
            object_id=str(row.pk),
            object_repr=f"{row.name}（{row.code} 第{row.version}版）"[:200],
            summary="补充不予受理的法定情形和“材料不全”用语（000 §五(二)1–2；002 篇5 §二4–5），其他参数不变",
            changes={"added": list(FIELDS)},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0004_one_clock"),
        ("audit", "0002_append_only_trigger"),
    ]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
