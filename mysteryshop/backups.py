"""Backing up PostgreSQL and the private files together, and restoring them into a fresh database.

A backup is one folder, `mysteryshop-<UTC time>`, readable only by its owner:
- `database.dump`: `pg_dump --format=custom` (one consistent snapshot, with the audit
  table's triggers and every constraint);
- `media.tar.gz`: the private files (evidence photos, receipts, generated reports);
- `manifest.json`: when it was made, the migrations applied, and each file's SHA-256.

It is written under a hidden `.partial` name and renamed when complete, so a folder
with the final name is always a whole backup. The database is dumped first, then the
files: a file uploaded in between is in the backup without its row (harmless), and a
file deleted in between (a retention job) is missing for its row; `restore` lists those.
The backups hold every volunteer's personal data: keep them encrypted and as locked down
as the database (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import FileField
from django.utils import timezone

PREFIX = "mysteryshop-"
DATABASE_FILE, MEDIA_FILE, MANIFEST_FILE = "database.dump", "media.tar.gz", "manifest.json"


class BackupError(Exception):
    """Something a person running a backup or a restore must fix; the message says what."""


def _client_env() -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the password goes here, never on a command line."""
    env = dict(os.environ)
    if settings.DATABASES["default"].get("PASSWORD"):
        env["PGPASSWORD"] = settings.DATABASES["default"]["PASSWORD"]
    return env


def _client_args() -> list[str]:
    db = settings.DATABASES["default"]
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return [*args, "--no-password", "--dbname", db["NAME"]]


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError("Backups are of PostgreSQL: set DATABASE_URL (the embedded SQLite demo has nothing to keep).")


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_client_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _applied_migrations() -> dict[str, str]:
    """The last migration applied of each app, as the database records them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return dict(cursor.fetchall())


def make_backup(destination: Path, *, keep: int | None = None) -> Path:
    """Write a backup folder into `destination`; with `keep`, delete all but the newest `keep` backups there."""
    _require_postgresql()
    destination.mkdir(parents=True, exist_ok=True)
    name = f"{PREFIX}{timezone.now():%Y%m%dT%H%M%SZ}"
    final, work = destination / name, destination / f".{name}.partial"
    if final.exists():
        raise BackupError(f"{final} already exists; wait a second and run the backup again.")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)
    try:
        _run(["pg_dump", "--format=custom", "--file", str(work / DATABASE_FILE), *_client_args()])
        media_root = Path(settings.MEDIA_ROOT)
        media_files = 0
        with tarfile.open(work / MEDIA_FILE, "w:gz") as archive:
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                        media_files += 1
        manifest = {
            "format": 1,
            "made_at": timezone.now().isoformat(),
            "database": settings.DATABASES["default"]["NAME"],
            "postgresql": connection.pg_version,
            "migrations": _applied_migrations(),
            "media_files": media_files,
            "files": {
                file: {"sha256": _sha256(work / file), "bytes": (work / file).stat().st_size}
                for file in (DATABASE_FILE, MEDIA_FILE)
            },
        }
        (work / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        for path in work.iterdir():
            path.chmod(0o600)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if keep:
        for old in sorted(backups_in(destination))[:-keep]:
            shutil.rmtree(old)
    return final


def backups_in(destination: Path) -> list[Path]:
    """Complete backups in `destination`, oldest first."""
    return sorted(path for path in destination.glob(f"{PREFIX}*") if (path / MANIFEST_FILE).is_file())


@dataclass
class Restored:
    tables: int
    media_files: int
    missing_files: list[str]
    unknown_migrations: list[str]


def restore_backup(backup: Path) -> Restored:
    """Restore a backup folder into the (empty) database of DATABASE_URL and the (empty) private files
    folder of DJANGO_PRIVATE_MEDIA_ROOT.

    Checks every file against the manifest first; refuses a database that has tables, or a
    files folder that has files, so a restore never overwrites anything.
    """
    _require_postgresql()
    manifest_path = backup / MANIFEST_FILE
    if not manifest_path.is_file():
        raise BackupError(f"{backup} is not a backup folder (it has no {MANIFEST_FILE}).")
    manifest = json.loads(manifest_path.read_text())
    for file, expected in manifest["files"].items():
        if not (backup / file).is_file() or _sha256(backup / file) != expected["sha256"]:
            raise BackupError(f"{backup / file} is missing or damaged (its SHA-256 does not match the manifest).")
    if connection.introspection.table_names():
        raise BackupError(
            f"The database {settings.DATABASES['default']['NAME']!r} is not empty. Restore into a new, empty "
            "database (createdb) and point DATABASE_URL at it."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"The private files folder {media_root} is not empty. Restore into a new, empty folder.")
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            *_client_args(),
            str(backup / DATABASE_FILE),
        ]
    )
    media_root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tarfile.open(backup / MEDIA_FILE, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    connection.close()  # the restored tables are new to this connection's caches
    return Restored(
        tables=len(connection.introspection.table_names()),
        media_files=manifest["media_files"],
        missing_files=missing_files(),
        unknown_migrations=_unknown_migrations(manifest["migrations"]),
    )


def missing_files() -> list[str]:
    """Files named by a row (photo, receipt, report) that the private files folder does not have."""
    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                names = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                missing += [
                    f"{model._meta.label}.{field.name}: {name}" for name in names if not default_storage.exists(name)
                ]
    return missing


def _unknown_migrations(applied: dict[str, str]) -> list[str]:
    """Migrations the backup's database had that this code does not know (the backup is newer than the code)."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return sorted(f"{app}.{name}" for app, name in applied.items() if (app, name) not in known)
