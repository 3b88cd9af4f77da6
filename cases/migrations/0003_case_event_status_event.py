"""CaseEvent is built on common.events.StatusEvent (`at` defaults to the clock) and names
the part of the case an event belongs to (supplement, extension, handover, escalation,
review) with a real foreign key; 0004 fills them for the existing rows and 0005 adds the
constraints that tie each column to its kind of event."""

import common.clock
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_one_clock'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='caseevent',
            options={'ordering': ['at', 'id'], 'verbose_name': '办件记录', 'verbose_name_plural': '办件记录'},
        ),
        migrations.AddField(
            model_name='caseevent',
            name='escalation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='cases.escalation', verbose_name='上报'),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='extension',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='cases.extension', verbose_name='延期申请'),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='handover',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='cases.handover', verbose_name='联办交接'),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='review',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='cases.reviewrequest', verbose_name='复核申请'),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='supplement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='cases.supplementrequest', verbose_name='补办件通知单'),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='actor_label',
            field=models.CharField(max_length=100, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='at',
            field=models.DateTimeField(default=common.clock.now, verbose_name='时间'),
        ),
    ]
