"""Each part's column of CaseEvent is set exactly on the events of its kind (after 0004
filled them). A migration of its own: on PostgreSQL the rows updated by 0004 must be
committed before the table is altered."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_case_event_records'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='caseevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'materials'), ('supplement__isnull', False)), models.Q(models.Q(('kind', 'materials'), _negated=True), ('supplement__isnull', True)), _connector='OR'), name='case_event_supplement_by_kind'),
        ),
        migrations.AddConstraint(
            model_name='caseevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'extension'), ('extension__isnull', False)), models.Q(models.Q(('kind', 'extension'), _negated=True), ('extension__isnull', True)), _connector='OR'), name='case_event_extension_by_kind'),
        ),
        migrations.AddConstraint(
            model_name='caseevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'handover'), ('handover__isnull', False)), models.Q(models.Q(('kind', 'handover'), _negated=True), ('handover__isnull', True)), _connector='OR'), name='case_event_handover_by_kind'),
        ),
        migrations.AddConstraint(
            model_name='caseevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'escalation'), ('escalation__isnull', False)), models.Q(models.Q(('kind', 'escalation'), _negated=True), ('escalation__isnull', True)), _connector='OR'), name='case_event_escalation_by_kind'),
        ),
        migrations.AddConstraint(
            model_name='caseevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'review'), ('review__isnull', False)), models.Q(models.Q(('kind', 'review'), _negated=True), ('review__isnull', True)), _connector='OR'), name='case_event_review_by_kind'),
        ),
    ]
