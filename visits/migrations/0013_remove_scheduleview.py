# Views of the schedule are now audit events (mysteryshop.AuditEvent, action "schedule.viewed").
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0009_submission_excluded"),
    ]

    operations = [
        migrations.DeleteModel(name="ScheduleView"),
    ]
