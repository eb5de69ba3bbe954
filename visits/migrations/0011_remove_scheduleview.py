# Views of the schedule are now audit events (mysteryshop.AuditEvent, action "schedule.viewed").
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0010_safety"),
    ]

    operations = [
        migrations.DeleteModel(name="ScheduleView"),
    ]
