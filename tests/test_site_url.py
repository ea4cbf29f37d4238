"""The address links name: SITE_URL in production; in development the host and port the server was reached at.

`make run PORT=8101` used to print and send links to port 8000: the preview link, e-mail links, feed, sitemap and
canonical links, and the demo login line.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import previews
from articles.models import PreviewLink
from newsroom.site_url import site_url

from .factories import make_article, make_article_in, make_section

pytestmark = pytest.mark.django_db

HERE = "127.0.0.1:8101"


@pytest.fixture(autouse=True)
def development(settings):
    """SITE_URL left unset, as `make run` has it."""
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": ""}


@pytest.fixture
def article():
    return make_article(section=make_section(slug="dia-phuong"), title="Tin trong ngày")


def addresses(html):
    return set(re.findall(r"https?://[^\s\"'<]+", html))


@pytest.mark.parametrize("host", ["127.0.0.1:8101", "localhost:8101", "localhost"])
def test_a_public_page_names_the_host_and_port_it_was_reached_at(client, article, host):
    html = client.get(article.get_absolute_url(), HTTP_HOST=host).content.decode()
    assert f'<link rel="canonical" href="http://{host}{article.get_absolute_url()}">' in html
    assert {
        address.split("/")[2]
        for address in addresses(html)
        if "127.0.0.1" in address or "localhost" in address
    } == {host}


@pytest.mark.parametrize(
    "url", ["/feeds/latest/", "/feeds/latest/atom/", "/dia-phuong/feed/", "/sitemap-articles.xml"]
)
def test_feeds_and_sitemaps_name_the_address_they_were_reached_at(client, article, url):
    content = client.get(url, HTTP_HOST=HERE).content.decode()
    assert f"http://{HERE}{article.get_absolute_url()}" in content
    assert "127.0.0.1:8000" not in content


def test_a_shared_preview_link_names_the_address_it_was_made_at(editor, editor_client):
    draft = make_article_in("draft", author=editor)
    response = editor_client.post(
        reverse("admin:articles_article_preview_links", args=[draft.pk]), HTTP_HOST=HERE, follow=True
    )
    link = PreviewLink.objects.get(article=draft)
    path = reverse("articles:shared_preview", kwargs={"token": previews.token(link)})
    assert f"http://{HERE}{path}" in response.content.decode()


def test_workflow_e_mails_link_to_the_address_the_step_was_taken_at(
    reporter, editor, mailoutbox, django_capture_on_commit_callbacks
):
    article = make_article_in("draft", author=reporter)
    client = Client()
    client.force_login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_article_transition", args=[article.pk, "submit"]),
            {"editor": str(editor.pk)},
            HTTP_HOST=HERE,
        )
    assert response.status_code == 302
    [sent] = mailoutbox
    assert f"http://{HERE}/admin/articles/article/{article.pk}/change/" in sent.body


def test_a_host_outside_allowed_hosts_gets_400_and_is_never_named(client, article):
    response = client.get(article.get_absolute_url(), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "evil.example" not in response.content.decode()


def test_outside_a_request_it_is_the_development_servers_default_address():
    assert site_url() == "http://127.0.0.1:8000"


def test_a_configured_site_url_wins_whatever_the_host(client, article, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": "https://baoquangninh.example/"}
    html = client.get(article.get_absolute_url(), HTTP_HOST=HERE).content.decode()
    assert f'<link rel="canonical" href="https://baoquangninh.example{article.get_absolute_url()}">' in html
    assert HERE not in html
    assert site_url() == "https://baoquangninh.example"


def test_the_demo_prints_the_address_make_run_serves(db):
    output = StringIO()
    call_command("load_demo", articles=0, url="http://127.0.0.1:8101", stdout=output)
    assert "Demo logins (http://127.0.0.1:8101/admin/):" in output.getvalue()


def test_make_run_tells_the_demo_its_port():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "load_demo --url http://$(HOST):$(PORT)" in makefile
    assert "runserver $(HOST):$(PORT)" in makefile
