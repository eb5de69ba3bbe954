"""On PostgreSQL, the database itself refuses a volunteer booked on two overlapping visits.

SQLite (the embedded demo) has no exclusion constraints; there the booking
service's lock-and-check does the same job.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE visits_assignment ADD CONSTRAINT assignment_no_overlapping_bookings
    EXCLUDE USING gist (volunteer_id WITH =, tstzrange(blocked_from, blocked_until) WITH &&)
    WHERE (declined_at IS NULL);
"""
DROP = "ALTER TABLE visits_assignment DROP CONSTRAINT IF EXISTS assignment_no_overlapping_bookings;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
