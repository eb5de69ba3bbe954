import django.utils.timezone
from django.db import migrations, models

# The audit table is append-only: on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE,
# whoever asks. Events past their retention period are removed only by
# mysteryshop_purge_audit_events(keep_days), a function nobody may run until a database
# administrator grants it (EXECUTE is revoked from PUBLIC); the application is never granted it.
APPEND_ONLY = """
CREATE FUNCTION mysteryshop_audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Audit events cannot be changed or removed (% refused).', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON mysteryshop_auditevent
    FOR EACH ROW EXECUTE FUNCTION mysteryshop_audit_event_refuse_change();
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON mysteryshop_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION mysteryshop_audit_event_refuse_change();

CREATE FUNCTION mysteryshop_purge_audit_events(keep_days integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    removed bigint;
BEGIN
    IF keep_days IS NULL OR keep_days < 365 THEN
        RAISE EXCEPTION 'Audit events are kept for at least 365 days.';
    END IF;
    -- Within this transaction only: other sessions wait on the table lock and never see the trigger off.
    ALTER TABLE mysteryshop_auditevent DISABLE TRIGGER audit_event_append_only;
    DELETE FROM mysteryshop_auditevent WHERE at < now() - make_interval(days => keep_days);
    GET DIAGNOSTICS removed = ROW_COUNT;
    ALTER TABLE mysteryshop_auditevent ENABLE TRIGGER audit_event_append_only;
    RETURN removed;
END;
$$;
REVOKE ALL ON FUNCTION mysteryshop_purge_audit_events(integer) FROM PUBLIC;
"""

DROP = """
DROP FUNCTION IF EXISTS mysteryshop_purge_audit_events(integer);
DROP TRIGGER IF EXISTS audit_event_no_truncate ON mysteryshop_auditevent;
DROP TRIGGER IF EXISTS audit_event_append_only ON mysteryshop_auditevent;
DROP FUNCTION IF EXISTS mysteryshop_audit_event_refuse_change();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("mysteryshop", "0003_sessions_and_password_resets"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("user_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("username", models.CharField(blank=True, max_length=150)),
                ("action", models.CharField(max_length=40)),
                ("object_type", models.CharField(blank=True, max_length=100)),
                ("object_id", models.CharField(blank=True, max_length=64)),
                ("description", models.CharField(blank=True, max_length=500)),
                ("ip", models.CharField(blank=True, max_length=64, verbose_name="client address")),
                ("path", models.CharField(blank=True, max_length=300)),
            ],
            options={
                "ordering": ["-at", "-pk"],
                "indexes": [
                    models.Index(fields=["action", "at"], name="audit_event_action_at"),
                    models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
                    models.Index(fields=["ip"], name="audit_event_ip"),
                ],
            },
        ),
        migrations.RunPython(on_postgresql(APPEND_ONLY), on_postgresql(DROP)),
    ]
