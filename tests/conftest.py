import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from articles.models import Article


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    """Every test writes its uploads to a fresh folder and starts with an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Off by default so each test sees the rendering path; tests/test_page_cache.py turns it on.
    settings.NEWSROOM = {
        **settings.NEWSROOM,
        "PAGE_CACHE": {**settings.NEWSROOM["PAGE_CACHE"], "ENABLED": False},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in Vietnamese: a request to /en/… leaves English active in this thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo(db):
    """The demo newsroom with the two reference articles and a dozen generated ones."""
    call_command("load_demo", articles=12, stdout=open("/dev/null", "w"))
    return Article.objects.get(slug="xac-dinh-nhiem-vu-trong-tam-cu-the")


@pytest.fixture
def reference_article(demo):
    return demo


@pytest.fixture
def page_cache(settings):
    """The readers' page cache switched on, as in production."""
    settings.NEWSROOM = {
        **settings.NEWSROOM,
        "PAGE_CACHE": {**settings.NEWSROOM["PAGE_CACHE"], "ENABLED": True},
    }


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (`@pytest.mark.postgres`) are left out of the SQLite run, not skipped: CI runs the
    suite on both databases, and these run in the PostgreSQL pass."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo newsroom loaded once for a whole module of tests, and rolled back after its last test.

    Loading it costs seconds (its photos are real images with renditions); each test still runs inside its own
    savepoint, so what one test changes is gone before the next.
    """
    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", articles=12, stdout=open("/dev/null", "w"))
        yield Article.objects.get(slug="xac-dinh-nhiem-vu-trong-tam-cu-the")
        transaction.set_rollback(True)
