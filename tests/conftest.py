import datetime
import os
import signal

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone, translation

from articles.models import Article
from articles.roles import ensure_roles

from .factories import make_user
from .redis_servers import RedisServer


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL's row locks: deselected (not skipped) on any other database."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    """Every test writes its uploads to a fresh folder and starts with an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Off by default so each test sees the rendering path (the page_cache and fragments fixtures turn them on).
    # Invalidation happens after a commit, and a test runs inside a transaction that never commits: tests of the
    # caches commit their changes with the `committed` fixture. A fresh store for every test.
    settings.PAGECACHE = {
        **settings.PAGECACHE,
        "ENABLED": False,
        "FRAGMENTS": False,
        "STORE": "local",
        "SYNC_CHECK_SECONDS": 0,
        "EDGE_PURGE_URLS": [],
        "EDGE_PURGE_THREAD": False,
    }
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in Vietnamese: a request to /en/… leaves English active in this thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english():
    """English for the test: messages of management commands are checked in the language they were written in."""
    with translation.override("en"):
        yield


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
    """The readers' page cache and fragments switched on, as in production."""
    settings.PAGECACHE = {**settings.PAGECACHE, "ENABLED": True, "FRAGMENTS": True}


@pytest.fixture
def fragments(settings):
    """Fragments switched on (the page cache stays off): the "uncached" path of production."""
    settings.PAGECACHE = {**settings.PAGECACHE, "FRAGMENTS": True}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): …` runs what the block's transaction would run when it commits (cache invalidation)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


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


@pytest.fixture
def frozen_now():
    """A fixed "now": 09:00 on 28/11/2026 in Asia/Ho_Chi_Minh."""
    moment = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture
def roles(db):
    # The migration made them; a flush by an earlier transactional test may have dropped the groups since.
    return ensure_roles()


@pytest.fixture
def reporter(roles):
    return make_user("phamtang", role="Reporters", name="Phạm Tăng", byline=True)


@pytest.fixture
def other_reporter(roles):
    return make_user("thuchung", role="Reporters", name="Thu Chung", byline=True)


@pytest.fixture
def editor(roles):
    return make_user("hoangnga", role="Editors", name="Hoàng Nga", byline=True)


@pytest.fixture
def second_editor(roles):
    return make_user("letung", role="Editors", name="Lê Tùng")


@pytest.fixture
def chief(roles):
    """A chief editor: an editor who may publish their own work and covers every desk."""
    return make_user("tongbientap", role="Chief editors", name="Trần Quang", byline=True)


@pytest.fixture
def reader(db):
    """An account without staff status: a reader who registered, say."""
    return make_user("bandoc", name="Bạn đọc")


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reporter_client(reporter):
    return _client_for(reporter)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def admin_form():
    """The POST data an unchanged admin change form would submit, read from the response that rendered it."""
    return change_form_data


def change_form_data(response):
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, name, form[name])
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for inline_form in formset.forms:
            for name in inline_form.fields:
                _put(data, inline_form.add_prefix(name), inline_form[name])
    return data


def _put(data, key, bound_field):
    value = bound_field.value()
    if value is None or value is False or hasattr(value, "url"):  # nothing, unticked, or a stored file
        return
    if value is True:
        data[key] = "on"
    elif bound_field.name == "tags":
        data[key] = bound_field.field.widget.format_value(value) or ""
    elif isinstance(value, list | tuple):
        data[key] = [str(getattr(item, "pk", item)) for item in value]
    else:
        data[key] = str(getattr(value, "pk", value))


@pytest.fixture
def redis(tmp_path):
    """A redis-server of the test's own, stopped at the end (woken first if the test froze it)."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process is not None:
        os.kill(server.process.pid, signal.SIGCONT)
        server.stop()
