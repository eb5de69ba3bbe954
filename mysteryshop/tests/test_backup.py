"""Backups: PostgreSQL and the private files round-trip into a fresh database, and the site works there."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from conftest import _database_url
from mysteryshop import backups

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fingerprint() -> dict:
    """What must come back: rows of every table, constraints, indexes, triggers, and who may purge the audit log."""
    from django.apps import apps

    with connection.cursor() as cursor:

        def names(sql):
            cursor.execute(sql)
            return sorted(row[0] for row in cursor.fetchall())

        schema = {
            "constraints": names(
                "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace"
            ),
            "indexes": names("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"),
            "triggers": names("SELECT tgrelid::regclass::text || '.' || tgname FROM pg_trigger WHERE NOT tgisinternal"),
            "public_may_purge_audit": names(
                "SELECT has_function_privilege('public', 'mysteryshop_purge_audit_events(integer)', 'EXECUTE')::text"
            ),
        }
    rows = {model._meta.label: model._default_manager.count() for model in apps.get_models() if model._meta.managed}
    return {"rows": rows, **schema}


def digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# Run in the restored site: the same fingerprint, then what people do there.
CHECK_SITE = """
import json
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from conftest import sign_in_as
from mysteryshop.models import AuditEvent, User
from mysteryshop.tests.test_backup import fingerprint
from visits.models import Assignment, Evidence
from volunteers.models import Receipt

found = {"fingerprint": fingerprint()}
try:
    with transaction.atomic():
        AuditEvent.objects.update(description="rewritten")
    found["audit_log_changed"] = True
except DatabaseError:
    found["audit_log_changed"] = False
booking = Assignment.objects.order_by("pk").first()
try:
    with transaction.atomic():
        Assignment.objects.create(
            visit=booking.visit, volunteer=booking.volunteer, blocked_from=booking.blocked_from,
            blocked_until=booking.blocked_until, assigned_by=booking.assigned_by,
        )
    found["double_booking_refused"] = False
except DatabaseError:
    found["double_booking_refused"] = True
coordinator = sign_in_as(Client(), User.objects.get(username="coordinator"))
owner = Client()
owner.force_login(User.objects.get(username="volunteer"))
evidence, receipt = Evidence.objects.get(), Receipt.objects.get()
found["pages"] = {
    "healthz": Client().get(reverse("healthz")).status_code,
    "review queue": coordinator.get(reverse("visits:review-queue")).status_code,
    "results": coordinator.get(reverse("reports:results")).status_code,
    "finding": coordinator.get(reverse("reports:finding-list")).status_code,
    "my visits": owner.get(reverse("visits:my-visits")).status_code,
}
photo = owner.get(reverse("visits:evidence-file", args=[evidence.pk]))
ticket = owner.get(reverse("volunteers:receipt-download", args=[receipt.pk]))
found["files"] = {
    "photo": [photo.status_code, b"".join(photo).startswith(bytes.fromhex("89504e47"))],
    "receipt": [ticket.status_code, b"".join(ticket).startswith(bytes.fromhex("89504e47"))],
}
print("FOUND " + json.dumps(found))
"""


@pytest.fixture
def fresh_database():
    """A new, empty database on the test server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = psycopg2.connect(_database_url().rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield _database_url().rsplit("/", 1)[0] + f"/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def manage(*args, database_url, media_root, timeout=300):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_PRIVATE_MEDIA_ROOT": str(media_root),
        "DJANGO_DEBUG": "1",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_a_backup_restores_into_a_fresh_database_and_the_site_works_there(settings, tmp_path, fresh_database):
    from mysteryshop.tests.world import build_world
    from reports import rollups

    settings.MEDIA_ROOT = tmp_path / "media"
    build_world()
    rollups.rebuild()
    before, files_before = fingerprint(), digests(settings.MEDIA_ROOT)
    assert len(files_before) >= 4, "photos, receipts and a report's files"

    call_command("backup", str(tmp_path / "backups"))
    (backup,) = backups.backups_in(tmp_path / "backups")
    assert oct(backup.stat().st_mode & 0o777) == "0o700", "only its owner may read a backup"

    restored_media = tmp_path / "restored-media"
    result = manage("restore", str(backup), database_url=fresh_database, media_root=restored_media)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Missing file" not in result.stderr
    assert digests(restored_media) == files_before

    verify = manage("rebuild_rollups", "--verify", database_url=fresh_database, media_root=restored_media)
    assert verify.returncode == 0, verify.stderr[-3000:]
    assert "match a recomputation" in verify.stdout

    site = manage("shell", "-c", CHECK_SITE, database_url=fresh_database, media_root=restored_media)
    assert site.returncode == 0, site.stderr[-3000:]
    found = json.loads(site.stdout.split("FOUND ", 1)[1])
    assert found["fingerprint"] == before, "every row, constraint, index and trigger is back"
    assert found["fingerprint"]["public_may_purge_audit"] == ["false"]
    assert found["audit_log_changed"] is False, "the audit log is append-only again"
    assert found["double_booking_refused"] is True
    assert set(found["pages"].values()) == {200}, found["pages"]
    assert found["files"] == {"photo": [200, True], "receipt": [200, True]}

    again = manage("restore", str(backup), database_url=fresh_database, media_root=tmp_path / "elsewhere")
    assert again.returncode != 0 and "is not empty" in again.stderr, "a restore never overwrites a database"


def test_a_damaged_backup_is_refused_before_anything_is_touched(settings, tmp_path, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = backups.make_backup(tmp_path / "backups")
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    with (damaged / backups.MEDIA_FILE).open("r+b") as archive:
        archive.seek(10)
        archive.write(b"\x00\x01")
    result = manage("restore", str(damaged), database_url=fresh_database, media_root=tmp_path / "restored")
    assert result.returncode != 0 and "damaged" in result.stderr
    with psycopg2.connect(fresh_database) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone() == (0,)


def test_only_the_newest_backups_are_kept(settings, tmp_path, time_machine):
    settings.MEDIA_ROOT = tmp_path / "media"
    made = []
    for day in range(1, 5):
        time_machine.move_to(f"2027-01-0{day} 01:30Z")
        made.append(backups.make_backup(tmp_path / "backups", keep=2))
    assert backups.backups_in(tmp_path / "backups") == made[-2:]
