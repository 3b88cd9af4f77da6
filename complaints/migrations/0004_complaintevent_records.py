# The timeline's rows name the record whose status they record by a real foreign key
# (issue 13): report, appeal, sanction or fine, beside `kind`. The columns come first;
# 0005 carries `object_id` over, 0006 drops it and adds the check constraint. Three
# migrations, because PostgreSQL refuses to alter a table in the transaction that
# wrote rows with deferred foreign keys ("pending trigger events").

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0003_delete_ratelimitbucket"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaintevent",
            name="appeal",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="complaints.appeal",
                verbose_name="申诉",
            ),
        ),
        migrations.AddField(
            model_name="complaintevent",
            name="fine",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="complaints.fine",
                verbose_name="有效投诉处罚",
            ),
        ),
        migrations.AddField(
            model_name="complaintevent",
            name="report",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="complaints.report",
                verbose_name="办理报告",
            ),
        ),
        migrations.AddField(
            model_name="complaintevent",
            name="sanction",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="complaints.sanction",
                verbose_name="处理措施",
            ),
        ),
        migrations.AlterField(
            model_name="complaintevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("complaint", "投诉"),
                    ("report", "办理报告"),
                    ("appeal", "申诉"),
                    ("sanction", "处理措施"),
                    ("fine", "有效投诉处罚"),
                ],
                default="complaint",
                max_length=10,
                verbose_name="对象",
            ),
        ),
        migrations.AlterField(
            model_name="complaintevent",
            name="to_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="新状态"),
        ),
    ]
