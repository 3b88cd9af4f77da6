"""One event table per supervision record (issue 13): InspectionEvent, PatrolEvent,
ViolationEvent, UnitReportEvent, PatrolSummaryEvent, IssueNoticeEvent and FacilityEvent,
each with a real foreign key to its record, replace SupervisionEvent's generic
subject_type/subject_id pair (0006 carries the rows over, 0007 drops the old table).
The weekly review's and the complaint analysis' events take the common event shape."""

import common.clock
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0004_one_clock'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='complaintanalysisevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=20, verbose_name='新状态'),
        ),
        migrations.AlterField(
            model_name='weeklyreviewevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=20, verbose_name='新状态'),
        ),
        migrations.CreateModel(
            name='FacilityEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=common.clock.now, verbose_name='时间')),
                ('actor_label', models.CharField(max_length=100, verbose_name='操作人')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='supervision.facility')),
            ],
            options={
                'verbose_name': '设施变更',
                'verbose_name_plural': '设施变更',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='InspectionEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=common.clock.now, verbose_name='时间')),
                ('actor_label', models.CharField(max_length=100, verbose_name='操作人')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('inspection', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='supervision.inspection')),
            ],
            options={
                'verbose_name': '检查变更',
                'verbose_name_plural': '检查变更',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='IssueNoticeEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=common.clock.now, verbose_name='时间')),
                ('actor_label', models.CharField(max_length=100, verbose_name='操作人')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('notice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='supervision.issuenotice')),
            ],
            options={
                'verbose_name': '问题交办函变更',
                'verbose_name_plural': '问题交办函变更',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='PatrolEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=common.clock.now, verbose_name='时间')),
                ('actor_label', models.CharField(max_length=100, verbose_name='操作人')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('patrol', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='supervision.patrol')),
            ],
            options={
                'verbose_name': '巡查变更',
                'verbose_name_plural': '巡查变更',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='PatrolSummaryEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=common.clock.now, verbose_name='时间')),
                ('actor_label', models.CharField(max_length=100, verbose_name='操作人')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('summary', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='supervision.patrolsummary')),
            ],
            options={
                'verbose_name': '巡查月度汇总变更',
                'verbose_name_plural': '巡查月度汇总变更',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='UnitReportEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=common.clock.now, verbose_name='时间')),
                ('actor_label', models.CharField(max_length=100, verbose_name='操作人')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='supervision.unitreport')),
            ],
            options={
                'verbose_name': '违规通报变更',
                'verbose_name_plural': '违规通报变更',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ViolationEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=common.clock.now, verbose_name='时间')),
                ('actor_label', models.CharField(max_length=100, verbose_name='操作人')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('violation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='supervision.violation')),
            ],
            options={
                'verbose_name': '违规记录变更',
                'verbose_name_plural': '违规记录变更',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
    ]
