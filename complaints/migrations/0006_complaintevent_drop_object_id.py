# `object_id` is replaced by the foreign keys (0004, 0005); a row names exactly the
# record of its kind.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0005_complaintevent_records_data"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="complaintevent",
            name="object_id",
        ),
        migrations.AddConstraint(
            model_name="complaintevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("kind", "complaint"),
                        ("report__isnull", True),
                        ("appeal__isnull", True),
                        ("sanction__isnull", True),
                        ("fine__isnull", True),
                    ),
                    models.Q(
                        ("kind", "report"),
                        ("report__isnull", False),
                        ("appeal__isnull", True),
                        ("sanction__isnull", True),
                        ("fine__isnull", True),
                    ),
                    models.Q(
                        ("kind", "appeal"),
                        ("report__isnull", True),
                        ("appeal__isnull", False),
                        ("sanction__isnull", True),
                        ("fine__isnull", True),
                    ),
                    models.Q(
                        ("kind", "sanction"),
                        ("report__isnull", True),
                        ("appeal__isnull", True),
                        ("sanction__isnull", False),
                        ("fine__isnull", True),
                    ),
                    models.Q(
                        ("kind", "fine"),
                        ("report__isnull", True),
                        ("appeal__isnull", True),
                        ("sanction__isnull", True),
                        ("fine__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="complaint_event_record_of_its_kind",
            ),
        ),
    ]
