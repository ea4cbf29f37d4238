"""PostgreSQL stopping under a running site (gunicorn, production settings, a throwaway cluster): cached pages
are still served, the rest answer a 503 in the site's look with Retry-After, and the site recovers by itself."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import stack  # noqa: E402 - the scripts' own module, as make bench and make chaos use it

pytestmark = pytest.mark.postgres

BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1] if Path("/usr/lib/postgresql").exists() else None


def pg_ctl(folder, *arguments):
    command = [str(BIN / "pg_ctl"), "-D", f"{folder}/data", *arguments]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, cwd="/", capture_output=True)


def log_in(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/admin/login/", timeout=10) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "editor", "password": "editor-demo-2026"}
    )
    request = urllib.request.Request(
        base + "/admin/login/", data=data.encode(), headers={"Referer": base + "/"}
    )
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own test server
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo newsroom on its own cluster, served by gunicorn with the production settings."""
    run = stack.Stack("db-faults")
    try:
        throwaway = str(ROOT / "scripts" / "pg-throwaway")
        values = dict(
            part.split("=", 1)
            for part in subprocess.run([throwaway], check=True, capture_output=True, text=True)
            .stdout.replace("export ", "")
            .split()
        )
        run.cleanups.append(
            lambda: subprocess.run([throwaway, "stop", values["PG_THROWAWAY_DIR"]], check=False)
        )
        server = values["DATABASE_URL"].rsplit("/", 1)[0]
        run.fresh_database(server, "newsroom")
        port = stack.free_port()
        env = stack.django_env(
            values["DATABASE_URL"],
            "",
            SITE_URL=f"http://127.0.0.1:{port}",
            STATIC_ROOT=str(tmp_path_factory.mktemp("static")),
            MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
            SERVE_MEDIA="true",
            LOG_LEVEL="CRITICAL",
            DATABASE_CONNECT_TIMEOUT="2",
        )
        env.pop("BENCHMARK", None)
        for command in (
            ["migrate", "--noinput"],
            ["collectstatic", "--noinput"],
            ["load_demo", "--articles", "4"],
        ):
            stack.run([stack.PYTHON, "manage.py", *command], env=env, stdout=subprocess.DEVNULL)
        run.gunicorn(env, port, 1)
        # The same site with a read replica that does not answer (a port nobody listens on).
        replica_port = stack.free_port()
        replica = f"postgres://postgres@127.0.0.1:{stack.free_port()}/newsroom"
        run.gunicorn({**env, "DATABASE_REPLICA_URL": replica}, replica_port, 1)
        yield {
            "with_dead_replica": f"http://127.0.0.1:{replica_port}",
            "base": f"http://127.0.0.1:{port}",
            "folder": values["PG_THROWAWAY_DIR"],
            "pg_port": server.rsplit(":", 1)[1],
        }
    finally:
        run.close()


def test_with_postgresql_stopped_cached_pages_answer_the_rest_503_then_it_recovers(site):
    base = site["base"]
    article = "/2017/09/29/xac-dinh-nhiem-vu-trong-tam-cu-the/"
    assert get(base + article)[0] == 200 and get(base + "/")[0] == 200  # now in the page cache
    pg_ctl(site["folder"], "-m", "fast", "stop")
    try:
        status, _headers, body = get(base + article)
        assert status == 200 and "Xác định nhiệm vụ trọng tâm, cụ thể" in body
        assert get(base + "/")[0] == 200
        status, headers, body = get(base + "/dia-phuong/")
        assert status == 503 and headers["Retry-After"] == "10" and "no-store" in headers["Cache-Control"]
        assert '<html lang="vi">' in body and "Báo Quảng Ninh" in body and 'href="/static/' in body
        assert "Traceback" not in body
        status, headers, body = get(base + "/en/dia-phuong/")
        assert status == 503 and '<html lang="en">' in body
        status, _headers, body = log_in(base)  # the login form needs no database; signing in does
        assert status == 503 and 'id="header"' in body and "admin/css/base" in body and "Retry" not in body
        status, _headers, _body = get(base + "/_health/")
        assert status == 503  # what tells Varnish to serve what it holds
    finally:
        folder = site["folder"]
        options = f"-c listen_addresses=127.0.0.1 -p {site['pg_port']} -k {folder} -c fsync=off"
        pg_ctl(folder, "-w", "start", "-l", f"{folder}/server.log", "-o", options)
    deadline = time.monotonic() + 10
    while get(base + "/dia-phuong/")[0] != 200:  # no restart: kept connections are checked and replaced
        assert time.monotonic() < deadline, "the site did not recover within 10 s of PostgreSQL coming back"
        time.sleep(0.2)
    assert get(base + "/admin/login/")[0] == 200


def test_a_replica_that_does_not_answer_is_left_aside_for_the_primary(site):
    base = site["with_dead_replica"]
    for path in ("/dia-phuong/", "/2017/09/29/xac-dinh-nhiem-vu-trong-tam-cu-the/", "/search/?q=nhiem+vu"):
        status, _headers, _body = get(base + path)
        assert status == 200, path
