"""Deployment settings and response headers: what production sends, and the Content-Security-Policy per page."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.loader import get_template

from newsroom.security import client_ip
from tests.factories import make_article, make_photo, make_user

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "pX3!rT8@vL2#qW9$mZ5^kB7&nD4*hF6(jS1)gC0-yU2+eR5=tA8",
    "ALLOWED_HOSTS": "news.example.com",
    "SITE_URL": "https://news.example.com",
}
SETTINGS_PRINTED = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_AGE",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "TRUSTED_PROXY_COUNT",
]

PUBLIC_POLICY = {
    "default-src": {"'none'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "manifest-src": {"'self'"},
    "form-action": {"'self'"},
    "base-uri": {"'none'"},
    "object-src": {"'none'"},
    "frame-ancestors": {"'none'"},
}
EDITOR_POLICY = {
    **PUBLIC_POLICY,
    "script-src": {"'self'", "'unsafe-inline'"},
    "style-src": {"'self'", "'unsafe-inline'"},
}


def environment_without_overrides(**variables):
    """This process's environment minus anything that would change the settings under test, plus `variables`."""
    names = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SITE_URL",
        *SETTINGS_PRINTED,
        "AXES_COOLOFF_MINUTES",
        "COOKIES_SECURE",
        "MAX_UPLOAD_BYTES",
        "MAX_IMAGE_PIXELS",
        "MAX_DECODED_PIXELS",
        # Set in the test process by the browser tests' conftest; a deployment never has it (async.E001).
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    environment = {key: value for key, value in os.environ.items() if key not in names}
    return {**environment, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **variables}


def run(arguments, **variables):
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=environment_without_overrides(**variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in(**variables):
    code = "import django; django.setup(); from django.conf import settings as s; " + "; ".join(
        f"print(repr(s.{name}))" for name in SETTINGS_PRINTED
    )
    result = run(["-c", code], **variables)
    assert result.returncode == 0, result.stderr
    return dict(zip(SETTINGS_PRINTED, result.stdout.splitlines(), strict=True))


def policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def test_check_deploy_reports_nothing_in_production():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    # Only ckeditor.W001 is silenced (CKEditor 4's end of life; see settings); nothing else is reported.
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    assert result.stderr == ""


def test_check_deploy_really_checks_the_settings():
    """A guard on the test above: switching a protection off makes the same command complain."""
    result = run(
        ["manage.py", "check", "--deploy"],
        **PRODUCTION,
        SECURE_HSTS_PRELOAD="false",
        SECURE_SSL_REDIRECT="false",
    )
    assert (
        "security.W021" in result.stderr + result.stdout and "security.W008" in result.stderr + result.stdout
    )


def test_production_defaults_are_the_safe_ones():
    values = settings_in(**PRODUCTION)
    assert values == {
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_PROXY_SSL_HEADER": "None",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
        "SECURE_HSTS_PRELOAD": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "LANGUAGE_COOKIE_SECURE": "True",
        "SESSION_COOKIE_HTTPONLY": "True",
        "CSRF_COOKIE_HTTPONLY": "True",
        "SESSION_COOKIE_SAMESITE": "'Lax'",
        "CSRF_COOKIE_SAMESITE": "'Lax'",
        "SECURE_CONTENT_TYPE_NOSNIFF": "True",
        "SECURE_REFERRER_POLICY": "'strict-origin-when-cross-origin'",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "'same-origin'",
        "X_FRAME_OPTIONS": "'DENY'",
        "SESSION_COOKIE_AGE": "28800",
        "AXES_FAILURE_LIMIT": "5",
        "AXES_COOLOFF_TIME": "datetime.timedelta(seconds=900)",
        "TRUSTED_PROXY_COUNT": "None",  # proxies on this machine or a private network (newsroom.security)
    }


def test_development_needs_no_https():
    values = settings_in()
    assert values["SECURE_SSL_REDIRECT"] == "False" and values["SECURE_HSTS_SECONDS"] == "0"
    assert values["SESSION_COOKIE_SECURE"] == "False" and values["CSRF_COOKIE_SECURE"] == "False"


def test_behind_a_tls_terminating_proxy():
    values = settings_in(
        **PRODUCTION,
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_PRELOAD="false",
        TRUSTED_PROXY_COUNT="1",
        SESSION_COOKIE_AGE="3600",
        AXES_FAILURE_LIMIT="3",
        AXES_COOLOFF_MINUTES="30",
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert values["SECURE_SSL_REDIRECT"] == "False" and values["SECURE_HSTS_PRELOAD"] == "False"
    assert values["SECURE_HSTS_SECONDS"] == "31536000" and values["SESSION_COOKIE_SECURE"] == "True"
    assert values["TRUSTED_PROXY_COUNT"] == "1" and values["SESSION_COOKIE_AGE"] == "3600"
    assert (
        values["AXES_FAILURE_LIMIT"] == "3"
        and values["AXES_COOLOFF_TIME"] == "datetime.timedelta(seconds=1800)"
    )


def test_upload_limits_come_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.NEWSROOM['MAX_UPLOAD_BYTES'], s.NEWSROOM['MAX_IMAGE_PIXELS'], s.NEWSROOM['MAX_DECODED_PIXELS'])"
    assert run(["-c", code]).stdout.split() == [str(20 * 1024 * 1024), "50000000", "12000000"]
    assert run(
        ["-c", code], MAX_UPLOAD_BYTES="5000000", MAX_IMAGE_PIXELS="24000000", MAX_DECODED_PIXELS="8000000"
    ).stdout.split() == ["5000000", "24000000", "8000000"]


@pytest.fixture
def production_https(settings):
    """The HTTPS settings production runs with, applied to this process's test client."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = True
    return settings


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, production_https):
    response = client.get("/some/page/?x=1")
    assert response.status_code == 301 and response["Location"] == "https://testserver/some/page/?x=1"


@pytest.mark.django_db
def test_https_responses_carry_the_security_headers(client, production_https):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert policy(response) == PUBLIC_POLICY


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_scheme_counts_and_nothing_loops(client, production_https):
    production_https.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/", HTTP_X_FORWARDED_PROTO="http").status_code == 301


@pytest.mark.django_db
def test_cookies_are_secure_httponly_and_same_site(client, production_https):
    make_user("reporter", password="a-long-test-password-2026", is_staff=True)
    login = client.get("/admin/login/", secure=True)
    csrf = login.cookies["csrftoken"]
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "reporter", "password": "a-long-test-password-2026", "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )
    assert response.status_code == 302
    for cookie in (csrf, response.cookies["sessionid"]):
        assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


def test_client_ip_trusts_only_our_own_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # no proxy configured: the header is the client's to forge
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"  # what our proxy appended, not what the client claimed
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.1"  # fewer hops than configured: not through our proxies


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.5", "", "203.0.113.5"),  # directly on the internet
        ("203.0.113.5", "10.1.1.1, 192.0.2.1", "203.0.113.5"),  # …where the header is the client's to forge
        ("127.0.0.1", "", "127.0.0.1"),  # the development server
        ("127.0.0.1", "9.9.9.9, 198.51.100.20", "198.51.100.20"),  # nginx on this machine
        ("172.18.0.3", "198.51.100.20", "198.51.100.20"),  # Varnish in a container network
        ("10.0.0.1", "198.51.100.20, 10.0.0.7", "198.51.100.20"),  # a load balancer, then nginx
        ("10.0.0.1", "192.168.1.20", "192.168.1.20"),  # a reporter in the office
        ("", "198.51.100.3", "198.51.100.3"),  # a Unix socket: a proxy on this machine
        ("::1", "[2001:db8::7]:4431", "2001:db8::7"),
        ("::ffff:127.0.0.1", "198.51.100.20:5678", "198.51.100.20"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("", "", None),
    ],
)
def test_by_default_client_ip_walks_back_through_our_own_networks(rf, settings, remote, forwarded, client):
    settings.TRUSTED_PROXY_COUNT = None
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/en/", "/no-such-section/", "/feeds/latest/", "/admin/login/", "/en/admin/login/", "/admin/"],
)
def test_public_pages_and_the_admin_without_editor_get_the_strict_policy(client, url):
    make_article()
    assert policy(client.get(url)) == PUBLIC_POLICY


@pytest.mark.django_db
def test_the_strict_policy_covers_article_pages_and_admin_lists(client):
    article = make_article()
    make_photo(article, is_lead=True)
    assert policy(client.get(article.get_absolute_url())) == PUBLIC_POLICY
    assert policy(client.get(article.section.get_absolute_url())) == PUBLIC_POLICY
    client.force_login(make_user(superuser=True))
    for url in ("/admin/articles/article/", "/admin/auth/user/", "/admin/articles/byline/add/"):
        assert policy(client.get(url)) == PUBLIC_POLICY, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/add/",
        "/admin/articles/article/{pk}/change/",
        "/en/admin/articles/article/{pk}/change/",
    ],
)
def test_only_admin_pages_with_ckeditor_get_the_editor_relaxation(client, url):
    article = make_article()
    client.force_login(make_user(superuser=True))
    response = client.get(url.format(pk=article.pk))
    assert response.status_code == 200 and "ckeditor/ckeditor.js" in response.content.decode()
    assert policy(response) == EDITOR_POLICY


class _InlineCode(HTMLParser):
    """Everything on a page that a strict CSP would block: inline scripts, <style>, style and on* attributes."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self._script = attrs.get("type", "")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag}[{name}]" for name in attrs if name == "style" or name.startswith("on")]
        for name in ("href", "src", "action"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}=javascript:]")

    def handle_data(self, data):
        # JSON-LD and other data blocks are not script: browsers never execute them, so CSP does not apply.
        if (
            self._script is not None
            and data.strip()
            and self._script not in ("application/ld+json", "application/json")
        ):
            self.found.append(f"<script type={self._script!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def inline_code(html):
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


@pytest.mark.django_db
def test_public_pages_have_no_inline_script_or_style(client, demo):
    byline = demo.ordered_bylines[0]
    tag = demo.tags.first()
    day = demo.published_on
    urls = [
        "/",
        "/en/",
        demo.get_absolute_url(),
        demo.section.get_absolute_url(),
        byline.get_absolute_url(),
        tag.get_absolute_url(),
        f"/{day:%Y}/",
        f"/{day:%Y/%m}/",
        f"/{day:%Y/%m/%d}/",
        "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert inline_code(response.content.decode()) == [], url


def test_the_server_error_page_has_no_inline_style():
    html = get_template("500.html").render()
    assert inline_code(html) == [] and "css/site.css" in html
