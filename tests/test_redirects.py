"""Every old address keeps working: an article's former addresses, redirects added by hand, chains, both languages."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Status
from redirects.models import Redirect, Source, normalise, request_keys

from .factories import make_article, make_article_in, make_section

pytestmark = pytest.mark.django_db

DAY_ONE = datetime.datetime(2017, 9, 29, 7, 7, tzinfo=timezone.get_default_timezone())


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def follow_once(client, url):
    response = client.get(url)
    assert response.status_code == 301, f"{url}: {response.status_code}"
    return response["Location"]


def english(path):
    return f"/en{path}"


# An article's former addresses.


def test_editing_a_published_articles_slug_leaves_a_redirect_in_both_languages(
    client, editor_client, editor, admin_form
):
    article = make_article(title="Tên cũ của bài", published_at=DAY_ONE)
    old = article.get_absolute_url()
    assert old == "/2017/09/29/ten-cu-cua-bai/"
    data = admin_form(editor_client.get(change_url(article)))
    response = editor_client.post(change_url(article), {**data, "slug": "ten-moi-cua-bai"})
    assert response.status_code == 302
    article.refresh_from_db()
    new = article.get_absolute_url()
    assert new == "/2017/09/29/ten-moi-cua-bai/"

    assert follow_once(client, old) == new
    assert follow_once(client, english(old)) == english(new)
    assert client.get(new).status_code == 200
    redirect = Redirect.objects.get(old_path=old)
    assert (redirect.article, redirect.source, redirect.changed_by) == (article, Source.SLUG_CHANGED, editor)


def test_republishing_on_another_day_leaves_a_redirect(client, editor, second_editor):
    with time_machine.travel(DAY_ONE, tick=False):
        article = make_article_in("approved", title="Bài được đăng lại")
        article = workflow.perform(article, "publish", editor, notify=False)
    first = article.get_absolute_url()
    assert first == "/2017/09/29/bai-duoc-dang-lai/"
    later = DAY_ONE + datetime.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        article = workflow.perform(article, "unpublish", editor, comment="Sai số liệu.", notify=False)
        article = workflow.perform(article, "redraft", editor, notify=False)
        article = workflow.perform(article, "submit", editor, notify=False)
        article = workflow.perform(article, "publish", second_editor, notify=False)
    second = article.get_absolute_url()
    assert second == "/2017/10/02/bai-duoc-dang-lai/"

    assert follow_once(client, first) == second
    assert follow_once(client, english(first)) == english(second)
    redirect = Redirect.objects.get(old_path=first)
    assert (redirect.source, redirect.changed_by) == (Source.REPUBLISHED, second_editor)


def test_every_former_address_leads_to_the_current_one(client, editor_client, admin_form):
    article = make_article(title="Một", published_at=DAY_ONE)
    addresses = [article.get_absolute_url()]
    for slug in ("hai", "ba"):
        data = admin_form(editor_client.get(change_url(article)))
        assert editor_client.post(change_url(article), {**data, "slug": slug}).status_code == 302
        article.refresh_from_db()
        addresses.append(article.get_absolute_url())
    current = addresses.pop()
    for old in addresses:
        assert follow_once(client, old) == current  # one hop, never a chain


def test_moving_back_to_a_former_address_makes_it_a_page_again(client, editor_client, admin_form):
    article = make_article(title="Đi rồi về", published_at=DAY_ONE)
    first = article.get_absolute_url()
    for slug in ("di-roi", "di-roi-ve"):
        data = admin_form(editor_client.get(change_url(article)))
        assert editor_client.post(change_url(article), {**data, "slug": slug}).status_code == 302
    article.refresh_from_db()
    assert article.get_absolute_url() == first
    assert not Redirect.objects.filter(old_path=first).exists()
    assert client.get(first).status_code == 200
    assert follow_once(client, "/2017/09/29/di-roi/") == first


def test_a_scheduled_articles_address_was_never_public_and_leaves_nothing(editor):
    article = make_article_in("scheduled", title="Chưa lên trang")
    article.slug = "doi-ten-truoc-gio-dang"
    article.save()
    assert not Redirect.objects.exists()


def test_the_old_address_of_an_unpublished_article_answers_404(client, editor_client, editor, admin_form):
    article = make_article(title="Sẽ bị gỡ", published_at=DAY_ONE)
    old = article.get_absolute_url()
    data = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**data, "slug": "da-doi-ten"})
    workflow.perform(article, "unpublish", editor, comment="Gỡ theo yêu cầu.", notify=False)
    assert client.get(old).status_code == 404  # no redirect to an article readers may not see


# Redirects added by hand, and what an import needs.


def test_a_redirect_to_an_articles_address_follows_the_article(client, editor_client, admin_form):
    article = make_article(title="Bài đích", published_at=DAY_ONE)
    redirect = Redirect.objects.point("/tin-cu/bai-dich.html", target_path=article.get_absolute_url())
    assert (redirect.article, redirect.target_path) == (article, "")
    data = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**data, "slug": "bai-dich-moi"})
    assert follow_once(client, "/tin-cu/bai-dich.html") == "/2017/09/29/bai-dich-moi/"


def test_a_chain_is_collapsed_whichever_link_comes_first(client):
    section = make_section(slug="dia-phuong")
    Redirect.objects.point("/a/", target_path="/b/")
    Redirect.objects.point("/b/", target_path=section.get_absolute_url())
    assert Redirect.objects.get(old_path="/a/").target_path == "/dia-phuong/"
    Redirect.objects.point("/z/", target_path="/a/")  # a target that is an old address: followed
    assert Redirect.objects.get(old_path="/z/").target_path == "/dia-phuong/"
    for old in ("/a/", "/b/", "/z/"):
        assert follow_once(client, old) == "/dia-phuong/"
        assert follow_once(client, english(old)) == "/en/dia-phuong/"


@pytest.mark.parametrize(
    ("existing", "old", "target"),
    [
        ([], "/vong/", "/vong/"),
        ([("/a/", "/b/")], "/b/", "/a/"),
        ([("/a/", "/b/"), ("/c/", "/a/")], "/b/", "/c/"),
    ],
)
def test_a_loop_is_refused(existing, old, target):
    for path, leads_to in existing:
        Redirect.objects.point(path, target_path=leads_to)
    before = list(Redirect.objects.values_list("old_path", "target_path"))
    with pytest.raises(ValidationError) as error:
        Redirect.objects.point(old, target_path=target)
    assert "lead back to its own address" in str(error.value) or "quay về" in str(error.value)
    assert list(Redirect.objects.values_list("old_path", "target_path")) == before


def test_a_redirect_from_a_live_page_or_to_another_site_is_refused():
    article = make_article(published_at=DAY_ONE)
    make_section(slug="kinh-te")
    for old in (article.get_absolute_url(), "/kinh-te/", "/", "/static/css/site.css"):
        with pytest.raises(ValidationError) as error:
            Redirect.objects.point(old, target_path="/kinh-te/")
        assert "old_path" in error.value.message_dict
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValidationError) as error:
            Redirect.objects.point("/cu/", target_path=target)
        assert "target_path" in error.value.message_dict, target
    assert not Redirect.objects.exists()


def test_an_imported_query_string_address_redirects_even_from_a_page_that_exists(client):
    article = make_article(published_at=DAY_ONE)
    Redirect.objects.point("https://baoquangninh.com.vn/?p=123", article, source=Source.IMPORT)
    assert Redirect.objects.get().old_path == "/?p=123"
    assert follow_once(client, "/?p=123") == article.get_absolute_url()
    assert follow_once(client, "/?p=123&utm_source=zalo") == article.get_absolute_url()
    assert follow_once(client, "/en/?p=123") == f"/en{article.get_absolute_url()}"
    assert client.get("/?p=999").status_code == 200  # no such redirect: the front page, as before
    assert client.get("/?page=2").status_code in (200, 404)  # the site's own parameter: never looked up


def test_a_path_redirect_carries_the_readers_query_string_on(client):
    make_section(slug="dia-phuong")
    Redirect.objects.point("/chuyen-muc/dia-phuong.html", target_path="/dia-phuong/")
    assert follow_once(client, "/chuyen-muc/dia-phuong.html?page=2") == "/dia-phuong/?page=2"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("/2017/09/29/x/", "/2017/09/29/x/"),
        ("2017/09/29/x/", "/2017/09/29/x/"),
        ("https://old.example/en/2017/09/29/x/", "/2017/09/29/x/"),
        ("/Tin-t%E1%BB%A9c/?b=2&a=1", "/Tin-tức/?a=1&b=2"),
        ("//old.example/x", "/x"),
    ],
)
def test_addresses_are_keyed_without_host_language_or_parameter_order(typed, key):
    assert normalise(typed) == key


def test_a_request_looks_for_its_address_with_and_without_its_query():
    assert request_keys("/en/cu/", "utm_source=fb&p=5") == ["/cu/?p=5&utm_source=fb", "/cu/?p=5", "/cu/"]


# Fast and cacheable.


def test_a_page_that_is_found_never_asks_for_redirects(client):
    article = make_article()
    Redirect.objects.point("/cu/", article)
    for url in (article.get_absolute_url(), "/", "/?page=1", english(article.get_absolute_url())):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [query for query in queries if "redirects_redirect" in query["sql"]], url


def test_a_missing_address_costs_one_indexed_lookup(client, django_assert_num_queries):
    make_article()
    client.get("/khong-co-trang-nay/")  # fills the chrome's fragments
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/khong-co-trang-nay/").status_code == 404
    lookups = [query for query in queries if "redirects_redirect" in query["sql"]]
    assert len(lookups) == 1 and '"old_path" IN' in lookups[0]["sql"]


@pytest.mark.usefixtures("page_cache")
def test_the_redirect_is_public_and_cacheable_like_the_pages(client, settings):
    article = make_article()
    Redirect.objects.point("/cu/", article)
    response = client.get("/cu/")
    assert response.status_code == 301
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", f"s-maxage={settings.PAGECACHE['SECONDS']}"} <= cache_control
    # kept at the edge until a redirect changes, or its article moves or goes offline
    assert set(response["xkey"].split()) == {"redir", f"a{article.pk}", "site"}
    assert not response.cookies


def test_an_articles_former_address_answers_before_any_404_page_is_rendered(
    client, editor_client, admin_form
):
    article = make_article(title="Nhanh", published_at=DAY_ONE)
    old = article.get_absolute_url()
    data = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**data, "slug": "nhanh-hon"})
    client.get(old)  # fills the chrome's fragments
    with CaptureQueriesContext(connection) as queries:
        response = client.get(old)
    assert response.status_code == 301
    assert [template.name for template in response.templates] == []  # no 404 page rendered and thrown away
    # is an article published there (none); the redirect with its article
    assert len(queries) == 2


def test_the_old_path_is_unique_and_indexed():
    field = Redirect._meta.get_field("old_path")
    assert field.unique  # the unique constraint is the index the lookup uses


# The admin.


def test_an_editor_adds_a_redirect_by_hand(client, editor_client, editor):
    make_section(slug="du-lich")
    response = editor_client.post(
        reverse("admin:redirects_redirect_add"),
        {"old_path": "https://baoquangninh.com.vn/du-lich.html", "target_path": "/du-lich/"},
    )
    assert response.status_code == 302
    redirect = Redirect.objects.get()
    assert (redirect.old_path, redirect.source, redirect.changed_by) == (
        "/du-lich.html",
        Source.MANUAL,
        editor,
    )
    assert follow_once(client, "/du-lich.html") == "/du-lich/"


def test_the_admin_form_names_a_loop(editor_client):
    Redirect.objects.point("/a/", target_path="/b/")
    response = editor_client.post(
        reverse("admin:redirects_redirect_add"), {"old_path": "/b/", "target_path": "/a/"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Redirect.objects.count() == 1


def test_a_reporter_cannot_add_a_redirect(reporter_client):
    response = reporter_client.post(
        reverse("admin:redirects_redirect_add"), {"old_path": "/cu/", "target_path": "/"}
    )
    assert response.status_code == 403
    assert not Redirect.objects.exists()


def test_a_redirect_to_an_article_readers_cannot_see_leads_nowhere(client):
    article = make_article_in("draft")
    assert article.status == Status.DRAFT
    redirect = Redirect.objects.point("/nhap/", article)
    assert redirect.destination() is None
    assert client.get("/nhap/").status_code == 404
