"""`make backup` and `make restore`: a populated site restored into an empty database comes back row for row.

The run's own database engine is used: SQLite files in a temporary folder, or two scratch databases on the
PostgreSQL server of DATABASE_URL (created here and dropped afterwards).
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def database_urls(tmp_path):
    """Yield (source URL, empty target URL) on this run's engine, cleaning up after."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}", f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    server = {
        "host": database["HOST"] or "",
        "port": database["PORT"] or 5432,
        "user": database["USER"] or "",
        "password": database["PASSWORD"] or "",
    }
    base = database["NAME"].removeprefix("test_")
    names = [f"{base}_backup_source", f"{base}_backup_restored"]
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{name}"')
        credentials = (
            f"{server['user']}:{server['password']}@" if server["password"] else f"{server['user']}@"
        )
        yield tuple(f"postgres://{credentials}{server['host']}:{server['port']}/{name}" for name in names)
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def databases(tmp_path):
    yield from database_urls(tmp_path)


def run(command, **variables):
    environment = {key: value for key, value in os.environ.items() if key not in {"BACKUP_KEEP", "DEBUG"}}
    result = subprocess.run(
        command, cwd=ROOT, env={**environment, **variables}, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def every_row(url):
    """{table: sorted rows} for every table of the database at `url` (and, on PostgreSQL, every sequence)."""
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        rows = {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
        connection.close()
        return rows
    connection = psycopg2.connect(url)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        rows = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows[table] = sorted(cursor.fetchall(), key=repr)
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        rows["(sequences)"] = sorted(cursor.fetchall(), key=repr)
    connection.close()
    return rows


def media_files(folder):
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def execute(url, statement):
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.execute(statement)
        connection.commit()
    else:
        connection = psycopg2.connect(url)
        with connection, connection.cursor() as cursor:
            cursor.execute(statement)
    connection.close()


def test_backup_then_restore_into_an_empty_database_keeps_every_row_and_file(databases, tmp_path):
    source, target = databases
    site = {
        "DATABASE_URL": source,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **site)
    run(
        [sys.executable, "manage.py", "load_demo", "--articles", "12"], **site
    )  # what the `demo` fixture loads

    archive = Path(run(["make", "--no-print-directory", "-s", "backup"], **site).strip().splitlines()[-1])
    assert archive.parent == tmp_path / "backups" and archive.name.startswith("newsroom-")
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(name.startswith("media/photos/") for name in names)

    restored = {"DATABASE_URL": target, "MEDIA_ROOT": str(tmp_path / "restored-media")}
    run(["make", "--no-print-directory", "-s", "restore", f"BACKUP={archive}"], **restored)

    original = every_row(source)
    # the two reference articles, twelve generated ones and five in the workflow states
    assert len(original["articles_article"]) == 19 and len(original) > 15
    assert every_row(target) == original
    assert media_files(tmp_path / "restored-media") == media_files(tmp_path / "media") != {}

    # Restoring again over a database that has changed since puts it back exactly as well.
    execute(target, "UPDATE articles_article SET title = 'changed after the backup'")
    (tmp_path / "restored-media" / "stray.txt").write_text("not in the backup")
    run(["make", "--no-print-directory", "-s", "restore", f"BACKUP={archive}"], **restored)
    assert every_row(target) == original
    assert media_files(tmp_path / "restored-media") == media_files(tmp_path / "media")


def test_restore_refuses_a_missing_or_foreign_archive(tmp_path):
    missing = subprocess.run(
        ["make", "--no-print-directory", "-s", "restore", f"BACKUP={tmp_path / 'nothing.tar'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert missing.returncode != 0 and "No backup at" in missing.stderr
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        note = tmp_path / "note.txt"
        note.write_text("hello")
        tar.add(note, arcname="note.txt")
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "restore", f"BACKUP={foreign}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "is not a newsroom backup" in result.stderr
    assert subprocess.run(["make", "-s", "restore"], cwd=ROOT, capture_output=True, text=True).returncode == 2


def test_backups_keep_only_the_newest_when_asked(tmp_path):
    database = tmp_path / "site.sqlite3"
    sqlite3.connect(database).close()
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20260101-000000Z", "20260102-000000Z", "20260103-000000Z"):
        (folder / f"newsroom-{stamp}-sqlite.tar").write_bytes(b"")
    site = {
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_DIR": str(folder),
    }
    newest = Path(run(["make", "--no-print-directory", "-s", "backup"], BACKUP_KEEP="2", **site).strip())
    assert sorted(path.name for path in folder.iterdir()) == [
        "newsroom-20260103-000000Z-sqlite.tar",
        newest.name,
    ]
