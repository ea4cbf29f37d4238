"""Backups of the whole site, database and media, as one archive; and restoring one. Run by scripts/backup and
scripts/restore (`make backup`, `make restore BACKUP=…`); docs/operations.md says when and how.

An archive is a tar file holding `manifest.json`, the database (`database.pgdump`, PostgreSQL's custom format, or
`database.sqlite3`, a page-level copy taken with SQLite's online backup API) and `media/`, the uploaded files.
Both databases are copied while the site keeps running: pg_dump reads one consistent snapshot, and SQLite's backup
API restarts its copy if a write lands in the middle.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings

ARCHIVE_PREFIX = "newsroom-"
ARCHIVE_SUFFIX = ".tar"


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


def _database():
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return "sqlite", database
    if engine == "postgresql":
        return "postgresql", database
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {database['ENGINE']}.")


def _postgres_environment(database):
    """libpq's variables for the configured database, so that no password appears on a command line."""
    variables = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
    }
    return {**os.environ, **{name: value for name, value in variables.items() if value}}


def _postgres_tool(name):
    folder = os.environ.get("PG_BIN")
    return str(Path(folder) / name) if folder else name


def _run(command, environment=None):
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}):\n{result.stderr.strip()}")


def backup(destination: Path, keep: int = 0) -> Path:
    """Write a new archive into `destination` and return its path; then keep only the `keep` newest (0: all)."""
    engine, database = _database()
    destination.mkdir(parents=True, exist_ok=True)
    destination.chmod(0o700)  # the archive holds password hashes and unpublished articles
    created = datetime.datetime.now(datetime.UTC)
    name = f"{ARCHIVE_PREFIX}{created:%Y%m%d-%H%M%S}Z-{engine}{ARCHIVE_SUFFIX}"
    archive = destination / name
    partial = archive.with_name(name + ".partial")
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="newsroom-backup-") as scratch:
        if engine == "postgresql":
            dump = Path(scratch) / "database.pgdump"
            _run(
                [
                    _postgres_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={dump}",
                ],
                _postgres_environment(database),
            )
        else:
            dump = Path(scratch) / "database.sqlite3"
            if not Path(database["NAME"]).is_file():
                raise BackupError(f"There is no SQLite database at {database['NAME']}.")
            source = sqlite3.connect(f"file:{database['NAME']}?mode=ro", uri=True)
            copy = sqlite3.connect(dump)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        manifest = {
            "format": 1,
            "engine": engine,
            "created": created.isoformat(),
            "database": database["NAME"] if engine == "postgresql" else Path(database["NAME"]).name,
            "media_files": sum(1 for path in media.rglob("*") if path.is_file()) if media.is_dir() else 0,
        }
        manifest_path = Path(scratch) / "manifest.json"
        manifest_path.write_text(json.dumps(manifest, indent=2))
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            tar.add(manifest_path, arcname="manifest.json")
            tar.add(dump, arcname=dump.name)
            if media.is_dir():
                tar.add(media, arcname="media")
    # Only a complete archive ever carries the final name: a backup cut short by a full disk is never restored.
    partial.rename(archive)
    if keep:
        for old in sorted(destination.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"))[:-keep]:
            old.unlink()
    return archive


def restore(archive: Path) -> dict:
    """Replace the configured database and media folder with the contents of `archive`; return its manifest."""
    engine, database = _database()
    if not archive.is_file():
        raise BackupError(f"No backup at {archive}.")
    with tempfile.TemporaryDirectory(prefix="newsroom-restore-") as scratch:
        # Everything is unpacked and checked before anything is replaced. The "data" filter refuses absolute
        # paths, "..", links out of the folder and device files in a tampered archive.
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
        unpacked = Path(scratch)
        manifest_path = unpacked / "manifest.json"
        if not manifest_path.is_file():
            raise BackupError(f"{archive} is not a newsroom backup (no manifest.json).")
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("engine") != engine:
            raise BackupError(
                f"{archive} holds a {manifest.get('engine')} database; this site is configured for {engine}. "
                "Restore it into the same kind of database (docs/operations.md)."
            )
        if engine == "postgresql":
            _run(
                [
                    _postgres_tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={database['NAME']}",
                    str(unpacked / "database.pgdump"),
                ],
                _postgres_environment(database),
            )
        else:
            target = Path(database["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(f"file:{unpacked / 'database.sqlite3'}?mode=ro", uri=True)
            destination = sqlite3.connect(target)
            try:
                # Page by page into the live file, under SQLite's own locking: a running site sees the old
                # database or the new one, never a mix.
                source.backup(destination)
            finally:
                destination.close()
                source.close()
        _replace_media(unpacked / "media", Path(settings.MEDIA_ROOT))
    return manifest


def _replace_media(restored: Path, media: Path):
    """Make the media folder hold exactly the restored files. The folder itself stays (it may be a mount point)."""
    media.mkdir(parents=True, exist_ok=True)
    for entry in media.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if restored.is_dir():
        for entry in restored.iterdir():
            shutil.move(entry, media / entry.name)
