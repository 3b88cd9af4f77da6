from django.db import migrations, models


def forget_stored_queue_days(apps, schema_editor):
    """The wait is now measured to the first call and the share within the target counts
    the tickets that passed it uncalled (reports/figures.py): stored queue days were
    computed the old way. Forget them; the pages compute those days live from the source
    tables until `manage.py reports_rollup --since <first day>` stores them again."""
    RollupRun = apps.get_model("reports", "RollupRun")
    for name in ("TicketRollup", "TicketMinuteBucket", "WindowRollup"):
        apps.get_model("reports", name).objects.all().delete()
    RollupRun.objects.filter(kind__in=("tickets", "month")).delete()
    # Month rows of ratings were built together with the queue's: rebuilt with them.
    apps.get_model("reports", "RatingRollup").objects.filter(grain="m").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticketrollup",
            name="past_target",
            field=models.PositiveIntegerField(
                default=0,
                help_text="未计入等候、但等候已超过目标（仍在等候、超过目标后离开或过号）的号",
            ),
        ),
        migrations.RunPython(forget_stored_queue_days, migrations.RunPython.noop),
    ]
