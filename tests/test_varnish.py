"""End to end through a real Varnish (Debian's varnish + varnish-modules) in front of the live app, from the repo's
VCL: what the newsroom publishes is on the edge as soon as the edge has refetched the page (the first reader after
the purge starts that and gets the copy it had; nobody waits), what it takes down is gone at once, and what it
drafts leaves the edge's cache alone."""

import datetime
import os
import re
import shlex
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import time_machine
import yaml
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.models import Status
from pagecache import varnishd
from readership import counting

from .factories import make_article, make_byline, make_section, make_user

pytestmark = [pytest.mark.varnish, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def edge(live_server, settings):
    assert varnishd.ensure_installed(), "Varnish is missing: run scripts/ensure-varnish"
    backend = live_server.url.removeprefix("http://")
    from .redis_servers import free_port

    varnish = varnishd.start(backend, f"127.0.0.1:{free_port()}")
    settings.PAGECACHE = {
        **settings.PAGECACHE,
        "ENABLED": True,
        "FRAGMENTS": True,
        "EDGE_PURGE_URLS": [varnish.url],
        "EDGE_REPURGE_SECONDS": 0,
    }
    yield varnish
    varnish.stop()


def fetch(varnish, path, **headers):
    request = urllib.request.Request(varnish.url.rstrip("/") + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own Varnish
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def read_until(varnish, path, wanted, within=3.0):
    """The edge's answers for `path`, read every 20 ms until one has `wanted` (or `within` seconds passed)."""
    answers = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        answers.append(fetch(varnish, path))
        if wanted in answers[-1][2]:
            break
        time.sleep(0.02)
    return answers


@pytest.fixture
def newsroom(roles):
    section = make_section(name="Thời sự", slug="thoi-su")
    writer = make_byline(name="Lê Tùng", slug="le-tung")
    now = timezone.now()
    for number in range(12):
        make_article(
            section=section,
            bylines=[writer],
            title=f"Tin số {number}",
            published_at=now - datetime.timedelta(hours=number + 1),
        )
    return section


def test_a_publication_is_on_the_edge_at_once_and_a_draft_save_leaves_it_warm(edge, newsroom):
    editor = make_user("bientap", role="Editors", name="Biên tập")
    status, headers, _body = fetch(edge, "/")
    assert status == 200
    status, headers, body = fetch(edge, "/")
    assert headers["X-Cache"] == "HIT"
    assert (
        "<esi:include" not in body and 'class="site-updated"' in body
    )  # the update stamp, filled at the edge
    article = make_article(section=newsroom, title="Tin nóng trên biên", status=Status.APPROVED)
    fetches = edge.counters("MAIN.s_fetch")["MAIN.s_fetch"]
    workflow.perform(article, "publish", editor)  # committed for real: the (soft) purge follows at once
    answers = read_until(edge, "/", "Tin nóng trên biên")
    # The first reader after the purge gets the edge's copy at once and sets the one refetch going; the next
    # readers get the new page, without waiting for a render either.
    assert "Tin nóng trên biên" in answers[-1][2] and len(answers) <= 10
    assert "Tin nóng trên biên" not in answers[0][2] and answers[0][1]["X-Cache"] == "HIT"
    assert edge.counters("MAIN.s_fetch")["MAIN.s_fetch"] <= fetches + 3  # the page and its two edge fragments
    hits = edge.counters("MAIN.cache_hit")["MAIN.cache_hit"]
    draft = make_article(section=newsroom, title="Bản nháp", status=Status.DRAFT)
    draft.title = "Bản nháp sửa"
    draft.save()
    for _reader in range(5):
        status, headers, body = fetch(edge, "/")
        assert headers["X-Cache"] == "HIT"
    assert edge.counters("MAIN.cache_hit")["MAIN.cache_hit"] >= hits + 5


def test_past_the_refetch_window_even_the_first_reader_gets_the_change(edge, newsroom, settings):
    """The old copy is served only while a refetch may be running, for EDGE_REFETCH_GRACE (2 s) after the change:
    a reader who comes later gets the new page, even when nobody has read it since."""
    editor = make_user("bientap4", role="Editors", name="Biên tập bốn")
    for _reader in range(2):
        status, headers, _body = fetch(edge, "/thoi-su/")
    assert headers["X-Cache"] == "HIT"
    article = make_article(section=newsroom, title="Tin sau một giây", status=Status.APPROVED)
    workflow.perform(article, "publish", editor)
    time.sleep(settings.PAGECACHE["EDGE_REFETCH_GRACE"] + 0.3)
    status, headers, body = fetch(edge, "/thoi-su/")
    assert status == 200 and "Tin sau một giây" in body


def test_a_takedown_is_gone_from_the_edge_at_once(edge, newsroom):
    editor = make_user("bientap3", role="Editors", name="Biên tập ba")
    article = make_article(section=newsroom, title="Tin phải gỡ", status=Status.PUBLISHED)
    url = article.get_absolute_url()
    for _reader in range(2):
        status, headers, body = fetch(edge, url)
    assert status == 200 and headers["X-Cache"] == "HIT" and "Tin phải gỡ" in body
    fetch(edge, "/thoi-su/")
    workflow.perform(article, "unpublish", editor, comment="Sai sự thật")
    status, headers, body = fetch(edge, url)  # the very next reader: no stale copy, even while refetching
    assert status == 404 and "Tin phải gỡ" not in body
    status, headers, body = fetch(edge, "/thoi-su/")
    assert status == 200 and "Tin phải gỡ" not in body


def test_a_page_due_to_change_within_the_second_stays_in_the_edge(edge, newsroom):
    """A scheduled article coming out in under a second makes its section's page say s-maxage=0. Varnish must keep
    that page (expired, served while one refetch runs), not let every reader through to the app for two minutes
    (its built-in hit-for-miss): under load, that was a queue of readers behind every search and list page."""
    moment = timezone.now()
    make_article(section=newsroom, title="Tin hẹn giờ", published_at=moment + datetime.timedelta(seconds=0.5))
    with time_machine.travel(moment, tick=False):  # the app's clock only: Varnish keeps its own
        status, headers, _body = fetch(edge, "/thoi-su/")
        assert status == 200 and "s-maxage=0" in headers["Cache-Control"]
        passes = edge.counters("MAIN.cache_hitmiss", "MAIN.cache_hit")
        for _reader in range(3):
            status, headers, _body = fetch(edge, "/thoi-su/")
            assert status == 200 and headers["X-Cache"] == "HIT"
    assert edge.counters("MAIN.cache_hitmiss")["MAIN.cache_hitmiss"] == passes["MAIN.cache_hitmiss"]


def test_a_made_up_session_gets_the_edges_copy_and_staff_pass_through(edge, newsroom):
    fetch(edge, "/thoi-su/")
    status, headers, _body = fetch(edge, "/thoi-su/", Cookie="sessionid=made-up-by-someone; _ga=GA1.2")
    assert status == 200 and headers["X-Cache"] == "HIT"
    editor = make_user("bientap2", role="Editors", name="Biên tập hai")
    client = Client()
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    status, headers, _body = fetch(edge, "/thoi-su/", Cookie=f"sessionid={session}")
    assert status == 200 and headers["X-Cache"] == "MISS" and "private" in headers["Cache-Control"]


def test_the_edge_purges_only_from_allowed_addresses_and_passes_the_admin(edge, newsroom):
    status, _headers, _body = fetch(edge, "/admin/login/")
    assert status == 200
    assert fetch(edge, "/admin/login/")[1]["X-Cache"] == "MISS"
    request = urllib.request.Request(edge.url, method="PURGE", headers={"xkey-purge": "all"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - from 127.0.0.1: allowed
        assert response.status == 200
    assert 'acl purgers {\n    "10.0.0.9";\n}' in varnishd.render_vcl("app:8000", purgers=["10.0.0.9"])


def test_the_compose_files_varnish_renders_the_repos_vcl_into_one_varnishd_accepts(tmp_path):
    """docker-compose.yml fills in deploy/varnish.vcl with sed; what it makes must compile, with this network as the
    only purger and the web service as the backend."""

    root = django_settings.BASE_DIR
    varnish_service = yaml.safe_load((root / "docker-compose.yml").read_text())["services"]["varnish"]
    mounted = next(v for v in varnish_service["volumes"] if v.startswith("./deploy/varnish.vcl:"))
    template_path = mounted.split(":")[1]
    script = varnish_service["command"][-1].replace("$$", "$")  # compose's escape for a literal $
    render, _, start = script.partition(" && exec ")
    rendered = tmp_path / "newsroom.vcl"
    render = render.replace(template_path, shlex.quote(str(root / "deploy" / "varnish.vcl")))
    render = render.replace("/tmp/newsroom.vcl", shlex.quote(str(rendered)))
    environment = {"SITE_NAME": "Báo Quảng Ninh", "PATH": "/usr/bin:/bin"}
    subprocess.run(["sh", "-c", render], check=True, env=environment)
    vcl = rendered.read_text()
    assert not re.search(r"@@[A-Z_]+@@", vcl)
    assert '.host = "web";' in vcl and '.port = "8000";' in vcl
    assert '"172.28.0.0"/16;' in vcl
    assert "<title>Báo Quảng Ninh · " in vcl
    assert start.startswith("varnishd -F -f /tmp/newsroom.vcl -a :6081")
    assert varnishd.ensure_installed(), "Varnish is missing: run scripts/ensure-varnish"
    # varnishd -C compiles the VCL (resolving "web" needs the compose network: an address stands in for it here).
    with tempfile.TemporaryDirectory(prefix="newsroom-compose-vcl-") as workdir:
        os.chmod(workdir, 0o755)  # varnishd reads the VCL as its own user
        standing_in = Path(workdir) / "newsroom.vcl"
        standing_in.write_text(vcl.replace('.host = "web";', '.host = "127.0.0.1";'))
        compiled = subprocess.run(
            [varnishd.VARNISHD, "-C", "-n", str(Path(workdir) / "work"), "-f", str(standing_in)],
            capture_output=True,
            text=True,
        )
    assert compiled.returncode == 0, compiled.stderr


def test_the_read_counter_passes_the_edge_every_time(edge, newsroom):
    """The "most read" beacon is never kept at the edge: each reader's POST reaches the app and sets no cookie."""
    article = newsroom.articles.first()
    path = f"/_hit/{article.pk}/"
    for browser in ("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", "Mozilla/5.0 (iPhone) Safari/604.1"):
        request = urllib.request.Request(
            edge.url.rstrip("/") + path, data=b"", method="POST", headers={"User-Agent": browser}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own Varnish
            assert response.status == 204 and response.headers["X-Cache"] == "MISS"
            assert "Set-Cookie" not in response.headers
    assert counting.hour_counts(counting.hour_now()) == {article.pk: 2}
