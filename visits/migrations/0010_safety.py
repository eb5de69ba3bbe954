"""Safety: check-in and check-out, alerts, recognition reports, standard review comments, and, on
PostgreSQL, a trigger that refuses two volunteers under 18 on one visit (an under-18 is only ever
paired with an adult). SQLite (the embedded demo) has no such trigger; there the booking service's
check does the same job.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

UNDER_18_TRIGGER = """
CREATE OR REPLACE FUNCTION visits_assignment_under_18_needs_adult() RETURNS trigger AS $$
DECLARE
    visit_day date;
    new_is_minor boolean;
BEGIN
    IF NEW.declined_at IS NOT NULL THEN
        RETURN NEW;
    END IF;
    -- Lock the visit, so two bookings on it at the same moment are checked one after the other.
    SELECT (starts_at AT TIME ZONE 'Europe/London')::date INTO visit_day
        FROM visits_visit WHERE id = NEW.visit_id FOR UPDATE;
    SELECT date_of_birth + interval '18 years' > visit_day INTO new_is_minor
        FROM volunteers_volunteer WHERE id = NEW.volunteer_id;
    IF new_is_minor AND EXISTS (
        SELECT 1 FROM visits_assignment other
        JOIN volunteers_volunteer person ON person.id = other.volunteer_id
        WHERE other.visit_id = NEW.visit_id
          AND other.declined_at IS NULL
          AND other.id IS DISTINCT FROM NEW.id
          AND person.date_of_birth + interval '18 years' > visit_day
    ) THEN
        RAISE EXCEPTION 'A volunteer under 18 can only be paired with an adult: both volunteers on this visit would be under 18.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'assignment_under_18_paired_with_adult';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER assignment_under_18_paired_with_adult
    BEFORE INSERT OR UPDATE OF visit_id, volunteer_id, declined_at ON visits_assignment
    FOR EACH ROW EXECUTE FUNCTION visits_assignment_under_18_needs_adult();
"""
DROP_UNDER_18_TRIGGER = """
DROP TRIGGER IF EXISTS assignment_under_18_paired_with_adult ON visits_assignment;
DROP FUNCTION IF EXISTS visits_assignment_under_18_needs_adult();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDER_18_TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_UNDER_18_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0009_submission_excluded"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="checked_in_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="assignment",
            name="checked_out_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="assignment",
            name="recognised_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="assignment",
            name="recognised_note",
            field=models.TextField(blank=True),
        ),
        migrations.CreateModel(
            name="StandardComment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=100, unique=True, verbose_name="Short name")),
                ("text", models.TextField(max_length=5000, verbose_name="Comment")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["title"],
            },
        ),
        migrations.CreateModel(
            name="SafetyAlert",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("raised_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_to", models.TextField(blank=True, help_text="The coordinators emailed, one address a line.")),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("resolution_note", models.TextField(blank=True)),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "visit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="safety_alert", to="visits.visit"
                    ),
                ),
            ],
            options={
                "ordering": ["-raised_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("resolved_at__isnull", True),
                            models.Q(("resolution_note", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="safety_alert_resolved_with_note",
                    )
                ],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
