"""The project as a whole: set-up commands, settings from the environment, checks, deployment files."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def run_python(code, **env):
    """Run Python in a fresh process with the given environment on top of this one's."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = run_python(
        "import django; django.setup()", DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="example.com"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        DEBUG="false",
        SECRET_KEY="x7#kP2!vQ9@mL4$wR8^tY1&uI5*oE3(aZ6)sD0",
        ALLOWED_HOSTS="news.example.com",
        SITE_URL="https://news.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['news.example.com']"


@pytest.mark.parametrize("site_url", ["", "news.example.com", "ftp://news.example.com", "https://"])
def test_production_refuses_to_start_without_a_real_site_url(site_url):
    result = run_python(
        "import django; django.setup()",
        DEBUG="false",
        SECRET_KEY="x7#kP2!vQ9@mL4$wR8^tY1&uI5*oE3(aZ6)sD0",
        ALLOWED_HOSTS="news.example.com",
        SITE_URL=site_url,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SITE_URL" in result.stderr


def test_development_needs_no_variables():
    environment = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_settings_come_from_the_environment():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], s.MEDIA_ROOT)",
        DATABASE_URL="postgres://news:pw@db.internal:5432/newsroom",
        CACHE_URL="redis://cache.internal:6379/1",
        MEDIA_ROOT="/srv/media",
    )
    assert result.returncode == 0, result.stderr
    engine, name, cache, location, media = result.stdout.split()
    assert engine == "django.db.backends.postgresql" and name == "newsroom"
    assert cache == "pagecache.redis_cache.RedisCache" and location == "redis://cache.internal:6379/1"
    assert media == "/srv/media"


def test_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True


def test_system_check_is_clean():
    output = StringIO()
    call_command("check", stdout=output, stderr=output)
    assert "System check identified no issues (1 silenced)." in output.getvalue()
    assert settings.SILENCED_SYSTEM_CHECKS == ["ckeditor.W001"]


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    output = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    def counts():
        return {model._meta.label: model.objects.count() for model in apps.get_models()}

    call_command("load_demo", articles=8, stdout=StringIO())
    first = counts()
    # the two reference articles, eight generated ones and five at the workflow's steps
    assert first["articles.Article"] == 15
    call_command("load_demo", articles=8, stdout=StringIO())
    assert counts() == first


@pytest.mark.django_db
def test_load_demo_prints_the_logins_and_makes_the_roles():
    from django.contrib.auth import get_user_model

    output = StringIO()
    call_command("load_demo", articles=0, stdout=output)
    for line in ("reporter  reporter-demo-2026", "editor    editor-demo-2026", "admin     admin-demo-2026"):
        assert line in output.getvalue()
    users = {user.username: user for user in get_user_model().objects.all()}
    assert users["reporter"].groups.get().name == "Reporters"
    assert users["editor"].groups.get().name == "Editors"
    assert users["admin"].is_superuser
    assert users["reporter"].check_password("reporter-demo-2026")
    readme = (ROOT / "README.md").read_text()
    for password in ("reporter-demo-2026", "editor-demo-2026", "admin-demo-2026"):
        assert password in readme


def test_compose_file_agrees_with_the_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "db", "redis"} <= set(services)
    web = services["web"]
    environment = web["environment"]
    assert (
        environment["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in environment["DATABASE_URL"]
    )
    assert environment["CACHE_URL"].startswith("redis://redis:6379")
    assert environment["DEBUG"] == "false"
    assert environment["SECRET_KEY"]  # required from the operator's environment
    assert "8000:8000" in [str(port) for port in web["ports"]]
    assert (
        "migrate" in " ".join(web["command"])
        if isinstance(web["command"], list)
        else "migrate" in web["command"]
    )
    assert any(volume.startswith("media:") for volume in web["volumes"])
    assert any(volume.startswith("pgdata:") for volume in services["db"]["volumes"])
    assert {"media", "pgdata"} <= set(compose["volumes"])
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    # Readers come through Varnish, which the app purges by key.
    assert environment["EDGE_PURGE_URLS"] == "http://varnish:6081/"
    assert "6081:6081" in [str(port) for port in services["varnish"]["ports"]]
    assert any(volume.startswith("./deploy/varnish.vcl:") for volume in services["varnish"]["volumes"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile and "USER " in dockerfile and "collectstatic" in dockerfile


def test_readme_gives_the_two_commands_and_ci_calls_the_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "DATABASE_URL=postgres://" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_media_can_live_on_s3_compatible_storage():
    result = run_python(
        "import django; django.setup(); from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__module__ + '.' + type(s).__name__, s.url('photos/2026/11/abc.jpg'))",
        MEDIA_BUCKET="newsroom-media",
        MEDIA_ENDPOINT_URL="https://s3.example.net",
        MEDIA_ACCESS_KEY_ID="key",
        MEDIA_SECRET_ACCESS_KEY="secret",
        MEDIA_CUSTOM_DOMAIN="media.example.vn",
    )
    assert result.returncode == 0, result.stderr
    backend, url = result.stdout.split()
    assert backend == "storages.backends.s3.S3Storage"
    assert url == "https://media.example.vn/photos/2026/11/abc.jpg"
