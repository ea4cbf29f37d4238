"""The readers' page cache: fast for anonymous readers, never stale after an editorial change."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles.models import Status
from newsroom.cache import GENERATION_KEY, generation

from .factories import make_article, make_byline, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def get(client, url, **headers):
    return client.get(url, **headers)


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    article = make_article(title="Bài được lưu đệm")
    first = get(client, article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):  # the whole page comes from the cache
        second = get(client, article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_cdn_and_browser_headers(client):
    response = get(client, make_article().get_absolute_url())
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=60", "stale-while-revalidate=30"} <= cache_control
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")


def test_conditional_requests_answer_304(client):
    url = make_article().get_absolute_url()
    response = get(client, url)
    assert get(client, url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert get(client, url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    assert get(client, url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_people_with_a_session_always_get_a_fresh_page(client, admin_user):
    article = make_article(title="Bản cũ")
    get(client, article.get_absolute_url())
    client.force_login(admin_user)
    type(article).objects.filter(pk=article.pk).update(title="Bản mới")  # no signal: the cache cannot know
    response = get(client, article.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert "Bản mới" in response.content.decode()


def test_languages_are_cached_separately(client):
    make_article()
    vietnamese, english = get(client, "/"), get(client, "/en/")
    assert 'lang="vi"' in vietnamese.content.decode()
    assert 'lang="en"' in get(client, "/en/").content.decode()
    assert get(client, "/")["X-Page-Cache"] == "hit" and get(client, "/en/")["X-Page-Cache"] == "hit"
    assert vietnamese.content != english.content


def test_admin_and_error_pages_are_not_cached(client):
    assert "X-Page-Cache" not in get(client, "/admin/login/")
    assert "X-Page-Cache" not in get(client, "/khong-co-chuyen-muc-nay/")


def test_publishing_is_visible_on_every_page_at_the_next_request(client):
    section = make_section(name="Kinh tế", slug="kinh-te")
    draft = make_article(section=section, title="Tin nóng chưa đăng", status=Status.DRAFT)
    pages = ["/", section.get_absolute_url(), "/en/"]
    for url in pages:
        assert "Tin nóng chưa đăng" not in get(client, url).content.decode()
    draft.status, draft.published_at = Status.PUBLISHED, timezone.now() - datetime.timedelta(minutes=1)
    draft.save()
    for url in [*pages, draft.get_absolute_url()]:
        assert "Tin nóng chưa đăng" in get(client, url).content.decode(), url


def test_correcting_an_article_is_visible_at_the_next_request(client):
    article = make_article(title="Tiêu đề sai chính tả")
    assert "Tiêu đề sai chính tả" in get(client, "/").content.decode()
    article.title, article.corrected_at = "Tiêu đề đã sửa", timezone.now()
    article.save()
    assert "Tiêu đề đã sửa" in get(client, article.get_absolute_url()).content.decode()
    assert "Tiêu đề đã sửa" in get(client, "/").content.decode()


def test_unpublishing_is_visible_at_the_next_request(client):
    article = make_article(title="Bài sẽ bị gỡ")
    url = article.get_absolute_url()
    assert get(client, url).status_code == 200
    article.status = Status.UNPUBLISHED
    article.save()
    assert get(client, url).status_code == 404
    assert "Bài sẽ bị gỡ" not in get(client, "/").content.decode()


def test_reordering_sections_changes_the_navigation_at_the_next_request(client):
    first = make_section(name="Thời sự", slug="thoi-su", position=1)
    second = make_section(name="Thể thao", slug="the-thao", position=2)
    html = get(client, "/").content.decode()
    assert html.index(">Thời sự<") < html.index(">Thể thao<")
    first.position, second.position = 3, 1
    first.save()
    second.save()
    html = get(client, "/").content.decode()
    assert html.index(">Thể thao<") < html.index(">Thời sự<")


def test_editing_a_byline_is_visible_at_the_next_request(client):
    byline = make_byline(name="Lê Tùg")
    article = make_article(bylines=[byline])
    assert "Lê Tùg<" in get(client, article.get_absolute_url()).content.decode()
    byline.name = "Lê Tùng"
    byline.save()
    assert "Lê Tùng<" in get(client, article.get_absolute_url()).content.decode()


def test_a_scheduled_article_appears_at_its_time_on_cached_pages(client):
    now = timezone.now()
    make_article(title="Tin hôm qua", published_at=now - datetime.timedelta(days=1))
    make_article(title="Tin hẹn giờ", published_at=now + datetime.timedelta(minutes=30))
    assert "Tin hẹn giờ" not in get(client, "/").content.decode()
    assert get(client, "/")["X-Page-Cache"] == "hit"
    generation_before = generation()
    with time_machine.travel(now + datetime.timedelta(minutes=31)):
        response = get(client, "/")
        assert response["X-Page-Cache"] == "miss"  # the entry expired at the publication time, no edit needed
        assert "Tin hẹn giờ" in response.content.decode()
    assert generation() == generation_before


def test_without_anything_scheduled_pages_keep_the_configured_time(client, settings):
    make_article()
    get(client, "/")
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=300)):
        assert get(client, "/")["X-Page-Cache"] == "hit"
    with time_machine.travel(
        timezone.now() + datetime.timedelta(seconds=settings.NEWSROOM["PAGE_CACHE"]["SECONDS"] + 5)
    ):
        assert get(client, "/")["X-Page-Cache"] == "miss"


def test_tracking_parameters_share_the_cached_page_and_are_not_echoed(client):
    article = make_article(title="Tin được chia sẻ")
    assert get(client, article.get_absolute_url())["X-Page-Cache"] == "miss"
    shared = get(client, article.get_absolute_url() + "?utm_source=facebook&fbclid=IwAR0abc")
    assert shared["X-Page-Cache"] == "hit"
    assert "fbclid" not in shared.content.decode() and "utm_source" not in shared.content.decode()
    assert get(client, "/?page=1")["X-Page-Cache"] == "miss"  # a parameter the page reads is its own entry


def test_a_page_kept_in_this_process_gives_way_to_an_edit_made_in_another(client):
    article = make_article(title="Bản cũ")
    get(client, article.get_absolute_url())
    assert (
        get(client, article.get_absolute_url())["X-Page-Cache"] == "hit"
    )  # now in Redis and in this process
    type(article).objects.filter(pk=article.pk).update(title="Bản mới")  # another process's edit…
    cache.incr(GENERATION_KEY)  # …and its bump of the shared generation
    response = get(client, article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "Bản mới" in response.content.decode()
