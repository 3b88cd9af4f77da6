"""One event table per appraisal record (issue 13): AppraisalQuarterEvent and
AppraisalEntryEvent, each with a real foreign key, replace AppraisalEvent's generic
subject_type/subject_id pair (0004 carries the rows over, 0005 drops the old table)."""

import common.clock
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appraisal', '0002_one_clock'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AppraisalEntryEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=common.clock.now, verbose_name='时间')),
                ('actor_label', models.CharField(max_length=100, verbose_name='操作人')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='appraisal.appraisalentry')),
            ],
            options={
                'verbose_name': '考核登记变更',
                'verbose_name_plural': '考核登记变更',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='AppraisalQuarterEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=common.clock.now, verbose_name='时间')),
                ('actor_label', models.CharField(max_length=100, verbose_name='操作人')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('quarter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='appraisal.appraisalquarter')),
            ],
            options={
                'verbose_name': '季度考核变更',
                'verbose_name_plural': '季度考核变更',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
    ]
