"""RSS, Atom, the sitemaps, the Google News sitemap and robots.txt: well-formed XML, the right items only."""

import datetime
import importlib
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import feedparser
import pytest
from django.apps import apps
from django.utils import timezone, translation

from articles import sitemaps
from articles.models import Photo, Status

from .factories import make_article, make_byline, make_photo, make_section, uploaded_image

SITE = "https://baoquangninh.example"
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_address(settings):
    """The paper's public origin differs from the test client's host: every address must come from it."""
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": SITE, "SITE_NAME": "Báo Quảng Ninh"}


@pytest.fixture
def paper():
    now = timezone.now().replace(microsecond=0)
    local, economy = (
        make_section(name="Địa phương", slug="dia-phuong", description="Tin từ các huyện.", position=1),
        make_section(name="Kinh tế", slug="kinh-te", position=2),
    )
    make_section(name="Chuyên mục cũ", slug="chuyen-muc-cu", is_active=False)
    reporters = [make_byline(name="Lê Tùng"), make_byline(name="Xuân Việt")]
    fresh = make_article(
        section=local,
        bylines=reporters,
        tags=["Quảng Ninh", "Cải cách hành chính"],
        title="Tin mới trong ngày",
        lead="Sapo của tin mới.",
        published_at=now - datetime.timedelta(hours=3),
        corrected_at=now - datetime.timedelta(hours=1),
        correction_note="Sửa tên xã.",
    )
    photo = make_photo(fresh, is_lead=True, image=uploaded_image(width=400, height=300))
    older = make_article(
        section=economy,
        title="Tin ba ngày trước",
        lead="Sapo cũ.",
        published_at=now - datetime.timedelta(days=3),
    )
    draft = make_article(section=local, title="Bản nháp bí mật", status=Status.DRAFT, published_at=now)
    scheduled = make_article(
        section=local, title="Tin hẹn giờ", published_at=now + datetime.timedelta(hours=2)
    )
    return {"fresh": fresh, "photo": photo, "older": older, "hidden": [draft, scheduled]}


def xml(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(content_type)
    return ET.fromstring(response.content)


# RSS 2.0 --------------------------------------------------------------------------------------------------------


def test_rss_feed_has_the_channel_and_newest_items_first(client, paper):
    rss = xml(client, "/feeds/latest/", "application/rss+xml")
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == "Báo Quảng Ninh"
    assert channel.findtext("link") == f"{SITE}/"
    assert channel.findtext("description") == "Tin mới nhất của tỉnh, cập nhật ngay khi đăng."
    assert channel.findtext("language") == "vi"
    assert channel.find(f"{ATOM}link").get("href") == f"{SITE}/feeds/latest/"
    assert channel.findtext("lastBuildDate")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Tin mới trong ngày", "Tin ba ngày trước"]  # nothing hidden, newest first


def test_rss_item_carries_link_lead_authors_time_photo_and_tags(client, paper):
    fresh, photo = paper["fresh"], paper["photo"]
    item = xml(client, "/feeds/latest/", "application/rss+xml").find("channel/item")
    url = f"{SITE}{fresh.get_absolute_url()}"
    assert item.findtext("link") == url
    assert item.findtext("guid") == url
    assert item.findtext("description") == "Sapo của tin mới."
    assert item.findtext(f"{DC}creator") == "Lê Tùng, Xuân Việt"
    assert parsedate_to_datetime(item.findtext("pubDate")) == fresh.published_at
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"{SITE}{photo.image.url}"
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == photo.image.storage.size(photo.image.name) > 0
    assert [category.text for category in item.findall("category")] == ["Quảng Ninh", "Cải cách hành chính"]


def test_rss_item_without_photo_or_byline_leaves_them_out(client, paper):
    items = xml(client, "/feeds/latest/", "application/rss+xml").findall("channel/item")
    older = items[1]
    assert older.findtext("title") == "Tin ba ngày trước"
    assert older.find("enclosure") is None
    assert older.find(f"{DC}creator") is None


# Atom -----------------------------------------------------------------------------------------------------------


def test_atom_feed_validates_structurally(client, paper):
    fresh, photo = paper["fresh"], paper["photo"]
    feed = xml(client, "/feeds/latest/atom/", "application/atom+xml")
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}"), required
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Báo Quảng Ninh"  # for entries without a byline
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"alternate": f"{SITE}/", "self": f"{SITE}/feeds/latest/atom/"}
    assert feed.findtext(f"{ATOM}subtitle") == "Tin mới nhất của tỉnh, cập nhật ngay khi đăng."

    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Tin mới trong ngày",
        "Tin ba ngày trước",
    ]
    entry = entries[0]
    for required in ("id", "title", "updated", "published", "summary"):
        assert entry.findtext(f"{ATOM}{required}"), required
    assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == fresh.published_at
    assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == fresh.corrected_at
    assert entry.findtext(f"{ATOM}summary") == "Sapo của tin mới."
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Lê Tùng, Xuân Việt"
    links = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
    assert links["alternate"].get("href") == f"{SITE}{fresh.get_absolute_url()}"
    assert links["enclosure"].get("href") == f"{SITE}{photo.image.url}"
    assert links["enclosure"].get("length") == str(photo.file_size)
    assert links["enclosure"].get("type") == "image/jpeg"
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")] == [
        "Quảng Ninh",
        "Cải cách hành chính",
    ]


def test_section_feeds_hold_only_that_section(client, paper):
    channel = xml(client, "/dia-phuong/feed/", "application/rss+xml").find("channel")
    assert channel.findtext("title") == "Địa phương · Báo Quảng Ninh"
    assert channel.findtext("link") == f"{SITE}/dia-phuong/"
    assert channel.findtext("description") == "Tin từ các huyện."
    assert [item.findtext("title") for item in channel.findall("item")] == ["Tin mới trong ngày"]

    feed = xml(client, "/kinh-te/feed/atom/", "application/atom+xml")
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == ["Tin ba ngày trước"]
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == f"{SITE}/kinh-te/feed/atom/"


def test_unknown_section_feed_answers_404(client, paper):
    assert client.get("/khong-co/feed/").status_code == 404
    assert client.get("/khong-co/feed/atom/").status_code == 404


def test_english_feed_says_so_and_links_the_english_pages(client, paper):
    channel = xml(client, "/en/feeds/latest/", "application/rss+xml").find("channel")
    assert channel.findtext("language") == "en"
    assert channel.findtext("description") == "The newest news of the province, as it is published."
    with translation.override("vi"):
        vietnamese_path = paper["fresh"].get_absolute_url()
    assert channel.find("item").findtext("link") == f"{SITE}/en{vietnamese_path}"


def test_feeds_are_announced_on_the_pages(client, paper):
    html = client.get("/dia-phuong/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Báo Quảng Ninh (RSS)" href="/feeds/latest/">'
        in html
    )
    assert (
        'type="application/atom+xml" title="Địa phương · Báo Quảng Ninh (Atom)" href="/dia-phuong/feed/atom/">'
        in html
    )


# Photo sizes for enclosures -------------------------------------------------------------------------------------


def test_photo_size_is_stored_on_upload(paper):
    photo = paper["photo"]
    assert photo.file_size == photo.image.storage.size(photo.image.name)


def test_the_migration_measures_photos_stored_before_it(paper):
    Photo.objects.update(file_size=None)
    migration = importlib.import_module("articles.migrations.0003_photo_file_size")
    migration.measure_stored_photos(apps, schema_editor=None)
    photo = Photo.objects.get()
    assert photo.file_size == photo.image.storage.size(photo.image.name)


# Sitemaps -------------------------------------------------------------------------------------------------------


def test_sitemap_index_lists_the_sitemaps_on_the_public_address(client, paper):
    index = xml(client, "/sitemap.xml", "application/xml")
    assert index.tag == f"{SITEMAP}sitemapindex"
    entries = {entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod") for entry in index}
    assert list(entries) == [
        f"{SITE}/sitemap-home.xml",
        f"{SITE}/sitemap-sections.xml",
        f"{SITE}/sitemap-articles.xml",
    ]
    newest_change = paper["fresh"].corrected_at
    assert datetime.datetime.fromisoformat(entries[f"{SITE}/sitemap-articles.xml"]) == newest_change


def test_sitemap_index_pages_the_articles_when_they_are_many(client, paper, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 1)
    index = xml(client, "/sitemap.xml", "application/xml")
    locations = [entry.findtext(f"{SITEMAP}loc") for entry in index]
    assert locations[-2:] == [f"{SITE}/sitemap-articles.xml", f"{SITE}/sitemap-articles.xml?p=2"]
    first = xml(client, "/sitemap-articles.xml", "application/xml")
    second = xml(client, "/sitemap-articles.xml?p=2", "application/xml")
    assert [url.findtext(f"{SITEMAP}loc") for url in first] == [f"{SITE}{paper['fresh'].get_absolute_url()}"]
    assert [url.findtext(f"{SITEMAP}loc") for url in second] == [f"{SITE}{paper['older'].get_absolute_url()}"]


def test_article_sitemap_lists_published_articles_with_their_last_change(client, paper):
    urlset = xml(client, "/sitemap-articles.xml", "application/xml")
    assert urlset.tag == f"{SITEMAP}urlset"
    entries = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urlset}
    fresh, older = paper["fresh"], paper["older"]
    assert list(entries) == [f"{SITE}{fresh.get_absolute_url()}", f"{SITE}{older.get_absolute_url()}"]
    assert datetime.datetime.fromisoformat(entries[f"{SITE}{fresh.get_absolute_url()}"]) == fresh.corrected_at
    assert datetime.datetime.fromisoformat(entries[f"{SITE}{older.get_absolute_url()}"]) == older.published_at
    assert entries[f"{SITE}{older.get_absolute_url()}"].endswith("+07:00")  # written in the paper's zone


def test_section_and_home_sitemaps(client, paper):
    urlset = xml(client, "/sitemap-sections.xml", "application/xml")
    entries = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urlset}
    assert list(entries) == [f"{SITE}/dia-phuong/", f"{SITE}/kinh-te/"]  # the inactive section is left out
    assert datetime.datetime.fromisoformat(entries[f"{SITE}/dia-phuong/"]) == paper["fresh"].published_at
    assert datetime.datetime.fromisoformat(entries[f"{SITE}/kinh-te/"]) == paper["older"].published_at
    home = xml(client, "/sitemap-home.xml", "application/xml")
    assert [url.findtext(f"{SITEMAP}loc") for url in home] == [f"{SITE}/", f"{SITE}/dinh-chinh/"]


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-articles.xml?p=abc",
        "/sitemap-articles.xml?p=0",
        "/sitemap-articles.xml?p=9",
        "/sitemap-khong-co.xml",
    ],
)
def test_sitemap_bad_pages_answer_404(client, paper, url):
    assert client.get(url).status_code == 404


def test_news_sitemap_holds_the_last_two_days_in_google_news_format(client, paper):
    urlset = xml(client, "/news-sitemap.xml", "application/xml")
    urls = urlset.findall(f"{SITEMAP}url")
    assert len(urls) == 1  # the three-day-old article, the draft and the scheduled one are not in it
    url = urls[0]
    fresh = paper["fresh"]
    assert url.findtext(f"{SITEMAP}loc") == f"{SITE}{fresh.get_absolute_url()}"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Báo Quảng Ninh"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "vi"
    assert news.findtext(f"{NEWS}title") == "Tin mới trong ngày"
    assert datetime.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date")) == fresh.published_at


def test_news_sitemap_edge_of_the_window(client, paper):
    now = timezone.now()
    make_article(title="Vừa trong 48 giờ", published_at=now - datetime.timedelta(hours=47, minutes=59))
    make_article(title="Vừa quá 48 giờ", published_at=now - datetime.timedelta(hours=48, minutes=1))
    titles = [
        title.text for title in xml(client, "/news-sitemap.xml", "application/xml").iter(f"{NEWS}title")
    ]
    assert "Vừa trong 48 giờ" in titles and "Vừa quá 48 giờ" not in titles


def test_robots_txt_points_to_the_sitemaps_and_keeps_crawlers_out_of_staff_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ("/admin/", "/en/admin/", "/preview/", "/en/preview/"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Sitemap: {SITE}/news-sitemap.xml" in lines


# Plain text stays plain text ------------------------------------------------------------------------------------

PLAIN_TEXTS = [
    '"><img src=x onerror=alert(1)>',
    "<script>alert(1)</script> & <b>đậm</b>",
    "Giá 5 < 7 & \"Hạ Long\" > 'Cẩm Phả'",
    "a &amp; b &lt;i&gt; &nbsp; &#x3C;",
]


class _Markup(HTMLParser):
    """The elements and the text a feed reader rendering an HTML summary would show."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text += data


def shown(detail):
    """What a reader shows for a parsed text construct: the text itself, or the text an HTML one renders as."""
    if detail.type == "text/plain":
        return detail.value
    assert detail.type == "text/html"
    markup = _Markup()
    markup.feed(detail.value)
    markup.close()
    assert markup.tags == [], f"markup in {detail.value!r}"
    return markup.text


@pytest.mark.parametrize(
    "url", ["/feeds/latest/", "/feeds/latest/atom/", "/dia-phuong/feed/", "/dia-phuong/feed/atom/"]
)
def test_plain_text_goes_out_as_text_in_every_feed(client, url):
    section = make_section(name="Địa phương", slug="dia-phuong", description=PLAIN_TEXTS[1])
    for number, text in enumerate(PLAIN_TEXTS):
        make_article(
            section=section,
            title=text,
            lead=text,
            slug=f"bai-{number}",
            published_at=timezone.now() - datetime.timedelta(hours=number + 1),
        )
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [shown(entry.summary_detail) for entry in parsed.entries] == PLAIN_TEXTS
    assert [shown(entry.title_detail) for entry in parsed.entries] == PLAIN_TEXTS
    if "/atom/" in url:
        assert [entry.summary_detail.type for entry in parsed.entries] == ["text/plain"] * len(PLAIN_TEXTS)
    if url.startswith("/dia-phuong/"):
        assert shown(parsed.feed.subtitle_detail) == PLAIN_TEXTS[1]


def test_atom_declares_its_summaries_plain_text(client, paper):
    feed = xml(client, "/feeds/latest/atom/", "application/atom+xml")
    summaries = feed.findall(f"{ATOM}entry/{ATOM}summary")
    assert summaries and {summary.get("type") for summary in summaries} == {"text"}
