"""The read-only content API (/api/v1/, api/views.py): what it answers, how it pages, and what it refuses."""

import base64
import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from articles import cachekeys, workflow
from articles.models import Status

from .factories import (
    make_article,
    make_byline,
    make_embed,
    make_photo,
    make_pull_quote,
    make_section,
    make_user,
    uploaded_image,
)

pytestmark = pytest.mark.django_db


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def paper():
    today = timezone.localdate()
    news, sport = make_section(name="Thời sự", slug="thoi-su"), make_section(name="Thể thao", slug="the-thao")
    writer, photographer = make_byline(name="Lê Tùng", slug="le-tung"), make_byline(name="Xuân Việt")
    day = today - datetime.timedelta(days=10)
    # Local dates: 23:30 and 00:30 in Asia/Ho_Chi_Minh fall on two days, whatever UTC says.
    late = make_article(
        section=news, bylines=[writer], tags=["Hạ Long"], title="Tin khuya", published_at=local(day, 23, 30)
    )
    early = make_article(
        section=sport,
        bylines=[photographer],
        tags=["Bóng đá"],
        title="Tin sáng sớm",
        published_at=local(day + datetime.timedelta(days=1), 0, 30),
    )
    full = make_article(
        section=news,
        bylines=[writer, photographer],
        tags=["Hạ Long", "Du lịch"],
        title="Vịnh Hạ Long đón khách",
        body='<p>Đoạn một.</p><p onclick="x()">Đoạn hai.<script>alert(1)</script></p>',
        published_at=local(today - datetime.timedelta(days=2), 9),
    )
    return {
        "news": news,
        "sport": sport,
        "writer": writer,
        "photographer": photographer,
        "day": day,
        "late": late,
        "early": early,
        "full": full,
    }


@pytest.fixture
def illustrated(paper):
    """The newest article with its photos (renditions are slow to make: only where they are looked at)."""
    full = paper["full"]
    make_photo(full, is_lead=True, image=uploaded_image(width=1600, height=900), caption="Vịnh", placement=1)
    make_photo(full, image=uploaded_image(width=400, height=300), caption="Bến tàu", placement=2)
    make_pull_quote(full, text="Vịnh đẹp nhất.", attribution_name="Nguyễn Văn A", placement=1)
    make_embed(full, caption="Video", placement=2)
    return paper


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.content)
    return response


def titles(response):
    return [item["title"] for item in response.json()["results"]]


def keys_of(response):
    assert response["Surrogate-Key"] == response["xkey"]
    return set(response["xkey"].split())


def test_the_list_is_newest_first_with_what_a_card_needs(client, illustrated):
    paper = illustrated
    response = get(client, "/api/v1/articles")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert titles(response) == ["Vịnh Hạ Long đón khách", "Tin sáng sớm", "Tin khuya"]
    first = response.json()["results"][0]
    assert first["url"] == f"http://testserver{paper['full'].get_absolute_url()}"
    assert [byline["name"] for byline in first["bylines"]] == ["Lê Tùng", "Xuân Việt"]
    assert [tag["slug"] for tag in first["tags"]] == ["ha-long", "du-lich"]
    assert first["section"]["slug"] == "thoi-su"
    assert first["lead_photo"]["caption"] == "Vịnh" and first["lead_photo"]["renditions"]
    assert response.json()["next"] is None and response.json()["next_cursor"] is None


def test_the_detail_has_the_sanitized_body_photos_with_renditions_quotes_embeds_and_corrections(
    client, illustrated, editor
):
    full = illustrated["full"]
    workflow.perform(full, "correct", editor, note="Sửa tên vịnh.")
    data = get(client, f"/api/v1/articles/{full.pk}").json()
    assert data["body"].startswith("<p>Đoạn một.</p>")
    assert "script" not in data["body"] and "onclick" not in data["body"]
    lead, other = data["photos"]
    assert (lead["is_lead"], lead["width"], lead["height"], lead["placement"]) == (True, 1600, 900, 1)
    assert lead["url"].startswith("http://testserver/media/")
    widths = [rendition["width"] for rendition in lead["renditions"]]
    assert widths and all(width < 1600 for width in widths)
    for rendition in lead["renditions"]:
        assert rendition["url"].startswith("http://testserver/media/") and rendition["url"].endswith(".jpg")
    assert other["caption"] == "Bến tàu"
    assert data["pull_quotes"] == [
        {
            "text": "Vịnh đẹp nhất.",
            "attribution_name": "Nguyễn Văn A",
            "attribution_title": "",
            "placement": 1,
        }
    ]
    assert data["embeds"][0]["provider"] == "youtube" and data["embeds"][0]["placement"] == 2
    assert data["correction_note"] == "Sửa tên vịnh."
    assert [correction["note"] for correction in data["corrections"]] == ["Sửa tên vịnh."]
    assert data["url"] == f"http://testserver{full.get_absolute_url()}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("section=thoi-su", ["Vịnh Hạ Long đón khách", "Tin khuya"]),
        ("tag=ha-long", ["Vịnh Hạ Long đón khách", "Tin khuya"]),
        ("tag=bong-da", ["Tin sáng sớm"]),
        ("author=le-tung", ["Vịnh Hạ Long đón khách", "Tin khuya"]),
        ("section=thoi-su&tag=du-lich", ["Vịnh Hạ Long đón khách"]),
        ("from={day}&to={day}", ["Tin khuya"]),  # 23:30 local, 16:30 UTC: the local day
        ("from={next_day}&to={next_day}", ["Tin sáng sớm"]),  # 00:30 local, the day before in UTC
        ("from={next_day}", ["Vịnh Hạ Long đón khách", "Tin sáng sớm"]),
        ("to={day}", ["Tin khuya"]),
        ("q=vinh+ha+long", ["Vịnh Hạ Long đón khách"]),
        ("q=tin", ["Tin sáng sớm", "Tin khuya"]),  # matches, newest first
        ("q=tin&section=the-thao", ["Tin sáng sớm"]),
        ("q=!!!", []),  # asks for nothing
    ],
)
def test_filters(client, paper, query, expected):
    day = paper["day"]
    query = query.format(day=day.isoformat(), next_day=(day + datetime.timedelta(days=1)).isoformat())
    assert titles(get(client, f"/api/v1/articles?{query}")) == expected


@pytest.mark.parametrize("query", ["section=khong-co", "tag=khong-co", "author=khong-co"])
def test_an_unknown_section_tag_or_author_is_a_404(client, paper, query):
    assert "detail" in get(client, f"/api/v1/articles?{query}", 404).json()


def walk(client, url, field="title"):
    """Every page from `url` on, following `next`: each item's `field` in order, and how many pages."""
    seen, pages = [], 0
    while url:
        data = get(client, url).json()
        seen += [item[field] for item in data["results"]]
        pages += 1
        url = data["next"]
    return seen, pages


def test_cursors_walk_every_article_once_even_when_articles_share_a_time(client):
    section = make_section(slug="dia-phuong")
    moment = timezone.now() - datetime.timedelta(days=1)
    for number in range(23):
        # Three at a time share a publication time: the id decides among them.
        make_article(
            section=section,
            title=f"Tin {number:02d}",
            published_at=moment + datetime.timedelta(minutes=number // 3),
        )
    seen, pages = walk(client, "/api/v1/articles?limit=5&section=dia-phuong")
    assert pages == 5
    assert seen == [f"Tin {number:02d}" for number in reversed(range(23))]


def test_an_article_published_during_the_walk_shifts_nothing(client):
    for number in range(10):
        make_article(
            title=f"Tin {number}", published_at=timezone.now() - datetime.timedelta(hours=10 - number)
        )
    first = get(client, "/api/v1/articles?limit=4").json()
    make_article(title="Tin mới đăng")
    rest, _pages = walk(client, first["next"])
    assert [item["title"] for item in first["results"]] + rest == [f"Tin {n}" for n in reversed(range(10))]
    assert "cursor=" in first["next"] and "limit=4" in first["next"]
    assert titles(get(client, "/api/v1/articles?limit=1")) == ["Tin mới đăng"]


def test_bylines_and_tags_page_by_slug_and_sections_come_in_menu_order(client, paper):
    for number in range(5):
        make_article(tags=[f"Chủ đề {number}"], bylines=[make_byline(name=f"Tác giả {number}")])
    tags, pages = walk(client, "/api/v1/tags?limit=3", "slug")
    assert pages == 3 and tags == sorted(tags) and len(set(tags)) == 8
    bylines = get(client, "/api/v1/bylines?limit=100").json()["results"]
    assert [byline["slug"] for byline in bylines] == sorted(byline["slug"] for byline in bylines)
    assert {"le-tung", "tac-gia-0"} <= {byline["slug"] for byline in bylines}
    sections = get(client, "/api/v1/sections").json()["results"]
    assert {section["slug"] for section in sections} >= {"thoi-su", "the-thao"}


def test_an_unchanged_list_answers_304_to_its_etag(client, paper):
    first = get(client, "/api/v1/articles?section=thoi-su")
    assert first["ETag"]
    again = client.get("/api/v1/articles?section=thoi-su", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    detail = get(client, f"/api/v1/articles/{paper['full'].pk}")
    assert client.get(detail.wsgi_request.path, HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304
    other = client.get("/api/v1/articles?section=the-thao", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200


def cursor(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles?limit=0",
        "/api/v1/articles?limit=-1",
        "/api/v1/articles?limit=101",
        "/api/v1/articles?limit=100000000000000000000000000000",
        "/api/v1/articles?limit=abc",
        "/api/v1/articles?limit=",
        "/api/v1/articles?from=2026-13-01",
        "/api/v1/articles?to=2026-02-30",
        "/api/v1/articles?from=hôm-qua",
        "/api/v1/articles?from=2026-11-02&to=2026-11-01",
        "/api/v1/articles?page=2",
        "/api/v1/articles?sort=oldest",
        "/api/v1/articles?cursor=abc",
        "/api/v1/articles?cursor=%00%FF",
        "/api/v1/articles?cursor=" + "A" * 500,
        "/api/v1/articles?cursor=" + cursor({"a": 1}),
        "/api/v1/articles?cursor=" + cursor(["2026-11-01T00:00:00", 3]),  # no zone
        "/api/v1/articles?cursor=" + cursor(["2026-11-01T00:00:00+00:00", "3"]),
        "/api/v1/articles?cursor=" + cursor(["yesterday", 3]),
        "/api/v1/articles?cursor=" + cursor([1, 2, 3]),
        "/api/v1/articles?cursor=" + cursor(["2026-11-01T00:00:00+00:00", 10**30]),
        "/api/v1/articles?cursor=" + cursor(["2026-11-01T00:00:00+00:00", -3]),
        "/api/v1/articles?cursor=" + cursor(["0001-01-01T00:00:00+14:00", 3]),
        "/api/v1/tags?cursor=" + cursor([1]),
        "/api/v1/tags?limit=1000",
        "/api/v1/bylines?section=thoi-su",
        "/api/v1/sections?limit=5",
        "/api/v1/articles/1?fields=title",
    ],
)
def test_bad_input_is_a_400_with_a_json_detail(client, url):
    data = get(client, url, 400).json()
    assert isinstance(data["detail"], str) and data["detail"]


def test_an_unknown_article_is_a_json_404(client, paper):
    assert get(client, "/api/v1/articles/999999", 404).json() == {
        "detail": "No published article with this id."
    }
    assert get(client, f"/api/v1/articles/{10**30}", 404).json()["detail"]
    assert get(client, "/api/v1/articles/abc", 404).status_code == 404
    for query in ("section=%00", "tag=a%00b", "author=%F0%9F%98%80"):
        assert get(client, f"/api/v1/articles?{query}", 404).json()["detail"]
    # Dates at the ends of the calendar are dates; a span too long to name by days depends on `all`.
    everything = get(client, "/api/v1/articles?from=0001-01-01&to=9999-12-31")
    assert titles(everything) == titles(get(client, "/api/v1/articles")) and "all" in keys_of(everything)
    assert get(client, "/api/v1/articles?q=%00%01" + "a" * 5000).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url", ["/api/v1/articles", "/api/v1/articles/{pk}", "/api/v1/sections", "/api/v1/tags"]
)
def test_the_api_is_read_only_for_everyone(client, paper, roles, method, url):
    url = url.format(pk=paper["full"].pk)
    chief = make_user("api-chief", role="Chief editors", byline=False)
    superuser = make_user("api-admin", superuser=True)
    for user in (None, chief, superuser):
        if user:
            client.force_login(user)
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, url, user)
    assert get(client, url).status_code == 200  # and staff read what readers read


def test_lists_and_details_name_their_content_keys(client, paper):
    news, writer, full = paper["news"], paper["writer"], paper["full"]
    hạ_long = full.tags.get(slug="ha-long")
    assert {cachekeys.ALL, f"a{full.pk}", f"s{news.pk}", f"b{writer.pk}", f"t{hạ_long.pk}"} <= keys_of(
        get(client, "/api/v1/articles")
    )
    assert cachekeys.section_list(news.pk) in keys_of(get(client, "/api/v1/articles?section=thoi-su"))
    assert cachekeys.tag_list(hạ_long.pk) in keys_of(get(client, "/api/v1/articles?tag=ha-long"))
    assert cachekeys.byline_list(writer.pk) in keys_of(get(client, "/api/v1/articles?author=le-tung"))
    day = paper["day"]
    assert cachekeys.day(day) in keys_of(get(client, f"/api/v1/articles?from={day}&to={day}"))
    assert cachekeys.ALL in keys_of(get(client, f"/api/v1/articles?from={day}"))  # open-ended
    assert {cachekeys.ALL, cachekeys.ANY} <= keys_of(get(client, "/api/v1/articles?q=vinh"))
    detail = keys_of(get(client, f"/api/v1/articles/{full.pk}"))
    assert {f"a{full.pk}", f"s{news.pk}", f"b{writer.pk}", f"t{hạ_long.pk}"} <= detail
    assert cachekeys.ALL not in detail  # another article's publication leaves it alone
    assert cachekeys.NAV in keys_of(get(client, "/api/v1/sections"))
    assert {cachekeys.ALL, cachekeys.ANY} <= keys_of(get(client, "/api/v1/tags"))


@pytest.mark.usefixtures("page_cache")
def test_publishing_an_article_refreshes_the_cached_lists_it_joins(client, committed, editor):
    with committed():
        section, other = make_section(slug="thoi-su"), make_section(slug="the-thao")
        make_article(section=section, title="Tin cũ")
        make_article(section=other, title="Tin thể thao")
    urls = ["/api/v1/articles", "/api/v1/articles?section=thoi-su", "/api/v1/articles?section=the-thao"]
    for url in urls:
        get(client, url)
    assert {get(client, url)["X-Page-Cache"] for url in urls} == {"hit"}
    draft = make_article(section=section, title="Tin vừa đăng", status=Status.APPROVED)
    with committed():
        workflow.perform(draft, "publish", editor)
    assert titles(get(client, urls[0]))[0] == "Tin vừa đăng"
    assert titles(get(client, urls[1]))[0] == "Tin vừa đăng"
    assert get(client, urls[2])["X-Page-Cache"] == "hit"  # another section's list is untouched


@pytest.mark.usefixtures("page_cache")
def test_a_cached_list_shows_a_scheduled_article_when_it_comes_out(client, committed):
    with committed():
        make_article(title="Tin cũ")
        make_article(title="Tin hẹn giờ", published_at=timezone.now() + datetime.timedelta(hours=1))
    assert titles(get(client, "/api/v1/articles")) == ["Tin cũ"]
    assert get(client, "/api/v1/articles")["X-Page-Cache"] == "hit"
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, minutes=1)):
        assert titles(get(client, "/api/v1/articles")) == ["Tin hẹn giờ", "Tin cũ"]


@pytest.mark.usefixtures("fragments")
@pytest.mark.parametrize("count", [1, 20])
def test_query_counts_do_not_grow_with_the_results(client, django_assert_num_queries, count):
    section = make_section(slug="thoi-su")
    byline = make_byline(slug="le-tung")
    for number in range(count):
        article = make_article(section=section, bylines=[byline], tags=["Hạ Long", f"Chủ đề {number}"])
        make_photo(article, is_lead=True)
    get(
        client, "/api/v1/sections"
    )  # fills the schedule's fragment (pagecache.fragments), as any first page does
    # the articles with their sections; their lead photos; their bylines; their tags
    with django_assert_num_queries(4):
        assert len(get(client, "/api/v1/articles").json()["results"]) == count
    # the section, then the same four
    with django_assert_num_queries(5):
        get(client, "/api/v1/articles?section=thoi-su&from=2020-01-01")
    # the search's newest matches (ids), then the same four
    with django_assert_num_queries(5):
        assert len(get(client, "/api/v1/articles?q=bai+viet").json()["results"]) == count
    # the bylines signing a published article; the tags carried by one
    with django_assert_num_queries(1):
        get(client, "/api/v1/bylines")
    with django_assert_num_queries(1):
        get(client, "/api/v1/tags")
    with django_assert_num_queries(1):
        get(client, "/api/v1/sections")
    # the article with its section; bylines; photos; pull-quotes; embeds; tags; its corrections
    with django_assert_num_queries(7):
        get(client, f"/api/v1/articles/{article.pk}")


def test_the_openapi_schema_and_the_docs_page_are_served_from_this_site(client):
    schema = get(client, "/api/v1/openapi.json").json()
    assert {
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/sections",
        "/api/v1/bylines",
    } <= set(schema["paths"])
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/articles"]["get"]["parameters"]}
    assert parameters == {"section", "tag", "author", "from", "to", "q", "limit", "cursor"}
    assert client.get("/api/v1/")["Location"] == "/api/v1/docs"
    page = get(client, "/api/v1/docs")
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/api/v1/openapi.json" in html
    assert "://" not in html.replace("http://www.w3.org", "")  # nothing from another site
    directives = {part.strip() for part in page["Content-Security-Policy"].split(";")}
    assert "script-src 'self'" in directives  # no inline script, no other site (in whatever order they come)
    # Its stylesheet's icons are data: images; no other page gets that (tests/browser/test_csp.py runs it).
    assert "img-src 'self' data:" in page["Content-Security-Policy"]
    assert "data:" not in get(client, "/api/v1/articles")["Content-Security-Policy"]
