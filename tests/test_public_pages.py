"""The reader's pages on the demo newsroom: what each shows, in which order, in both languages; what they hide."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.utils import dateformat, timezone, translation

from articles.models import Article
from articles.templatetags import news
from frontpage.models import Slot

from .pages import assert_in_order, main_column, tags

REFERENCE_URL = "/2017/09/29/xac-dinh-nhiem-vu-trong-tam-cu-the/"
pytestmark = pytest.mark.django_db


def newest_first(**filters):
    return list(Article.objects.published().filter(**filters).order_by("-published_at", "-pk"))


# Every address on the demo newsroom ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "content"),
    [
        ("/", 200, '<h1 class="page-label">Tin mới nhất</h1>'),
        ("/dia-phuong/", 200, "Xác định nhiệm vụ trọng tâm, cụ thể"),
        ("/trao-doi-kinh-nghiem/", 200, "Gỡ “nút thắt” để hợp tác xã phát triển bền vững"),
        ("/2017/", 200, 'href="/2017/09/"'),
        ("/2017/09/", 200, 'href="/2017/09/29/"'),
        ("/2017/09/29/", 200, "Xác định nhiệm vụ trọng tâm, cụ thể"),
        ("/2017/09/29/?section=trao-doi-kinh-nghiem", 200, "Không có tin nào được đăng ngày 29/09/2017."),
        ("/2017/09/30/", 200, "Không có tin nào được đăng ngày 30/09/2017."),
        ("/2016/04/06/", 200, "Gỡ “nút thắt” để hợp tác xã phát triển bền vững"),
        (
            REFERENCE_URL,
            200,
            '<h1 id="article-title" class="article-title">Xác định nhiệm vụ trọng tâm, cụ thể</h1>',
        ),
        ("/author/le-tung/", 200, '<h1 class="profile-name">Lê Tùng</h1>'),
        ("/author/thu-chung/", 200, "Gỡ “nút thắt” để hợp tác xã phát triển bền vững"),
        ("/tag/hop-tac-xa/", 200, "Gỡ “nút thắt” để hợp tác xã phát triển bền vững"),
        ("/by-date/?date=2017-09-29", 302, ""),
        ("/by-date/?date=2017-02-30", 400, "Hãy nhập một ngày có thật"),
        ("/feeds/latest/", 200, '<rss version="2.0"'),
        ("/dia-phuong/feed/", 200, "Xác định nhiệm vụ trọng tâm, cụ thể"),
        ("/trao-doi-kinh-nghiem/feed/atom/", 200, "Gỡ “nút thắt” để hợp tác xã phát triển bền vững"),
        ("/sitemap.xml", 200, "/sitemap-articles.xml</loc>"),
        ("/sitemap-articles.xml", 200, f"{REFERENCE_URL}</loc>"),
        ("/sitemap-sections.xml", 200, "/trao-doi-kinh-nghiem/</loc>"),
        ("/news-sitemap.xml", 200, 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'),
        ("/robots.txt", 200, "Sitemap: "),
        ("/2017/02/30/", 404, "Không tìm thấy trang"),
        ("/2017/09/29/khong-co-bai-nay/", 404, "Không tìm thấy trang"),
    ],
)
def test_every_kind_of_page_answers_for_the_demo_newsroom(client, demo_site, url, status, content):
    response = client.get(url)
    assert response.status_code == status
    assert content in response.content.decode()


# Home ---------------------------------------------------------------------------------------------------------


def test_home_opens_on_the_newest_story_with_a_photo_then_the_newest_then_a_block_per_section(
    client, demo_site
):
    # The page as it arranges itself (the demo's arrangement by editors: tests/test_front_page.py).
    Slot.objects.all().delete()
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    lead_story = next(article for article in newest_first() if article.lead_photo)
    assert re.search(
        rf'<article class="lead-story">\s*<a class="lead-story-photo" href="{lead_story.get_absolute_url()}"',
        html,
    )
    assert (
        f'<h2 class="lead-story-title"><a href="{lead_story.get_absolute_url()}">{lead_story.title}</a></h2>'
        in html
    )
    assert '<h2 id="newest-title" class="block-title">Mới nhất</h2>' in html
    blocks = re.findall(r'<h2 id="block-([a-z-]+)" class="block-title">', html)
    sections_with_news = [
        s
        for s in [
            "thoi-su",
            "dia-phuong",
            "kinh-te",
            "xa-hoi",
            "van-hoa",
            "du-lich",
            "the-thao",
            "trao-doi-kinh-nghiem",
        ]
        if newest_first(section__slug=s)
    ]
    assert blocks == sections_with_news  # in navigation order, none empty
    assert_in_order(
        html, ['class="lead-story"', 'id="newest-title"', 'id="block-thoi-su"', "Xem tin theo ngày:"]
    )


def test_home_section_block_shows_title_time_lead_and_thumbnail(client, demo_site):
    html = client.get("/").content.decode()
    block = html[html.index('id="block-dia-phuong"') :]
    block = block[: block.index("</section>")]
    lead_story = next(article for article in newest_first() if article.lead_photo)
    items = [article for article in newest_first(section__slug="dia-phuong") if article != lead_story][:4]
    featured = next(article for article in items if article.lead_photo)  # the block opens on a photo story
    feature = block[block.index('<article class="card card-feature">') :]
    feature = feature[: feature.index("</article>")]
    assert f'<a href="{featured.get_absolute_url()}">{featured.title}</a>' in feature
    assert f">{timezone.localtime(featured.published_at):%H:%M | %d/%m/%Y}</time>" in feature
    assert featured.lead[:40] in feature
    assert 'class="card-thumb"' in feature
    for article in items:
        assert f'<a href="{article.get_absolute_url()}">{article.title}</a>' in block
    assert block.count("<article ") == len(items)
    assert 'href="/dia-phuong/">Xem thêm Địa phương →</a>' in block


# Sections, authors, tags ----------------------------------------------------------------------------------------


def test_section_page_lists_its_articles_newest_first(client, demo_site):
    response = client.get("/dia-phuong/")
    assert response.status_code == 200
    html = main_column(response.content.decode())
    articles = newest_first(section__slug="dia-phuong")
    assert len(articles) >= 2
    assert_in_order(
        html, [f'<a href="{article.get_absolute_url()}">{article.title}</a>' for article in articles]
    )
    assert "Tin từ các huyện, thị xã, thành phố trong tỉnh." in html  # the section's description
    assert ">07:07 | 29/09/2017</time>" in html
    assert "Năm 2017, Tỉnh ủy Quảng Ninh đặt ra chủ đề" in html  # the lead
    assert 'class="card-thumb"' in html
    assert "Gỡ “nút thắt”" not in html  # another section's article


def test_section_page_marks_its_navigation_link(client, demo_site):
    html = client.get("/dia-phuong/").content.decode()
    assert '<a href="/dia-phuong/" aria-current="page">Địa phương</a>' in html
    html = client.get(REFERENCE_URL).content.decode()
    assert '<a href="/dia-phuong/" aria-current="true">Địa phương</a>' in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "2", "1.5", "1e3"])
@pytest.mark.parametrize("url", ["/dia-phuong/", "/author/le-tung/", "/tag/quang-ninh/"])
def test_a_page_number_out_of_range_or_not_a_number_answers_404(client, demo_site, url, page):
    assert client.get(url, {"page": page}).status_code == 404


@pytest.mark.parametrize("url", ["/khong-co/", "/author/khong-co/", "/tag/khong-co/", "/khong-co/feed/"])
def test_unknown_slugs_answer_404(client, demo_site, url):
    assert client.get(url).status_code == 404


def test_author_page_says_who_it_is_then_lists_their_articles(client, demo_site):
    response = client.get("/author/le-tung/")
    assert response.status_code == 200
    html = main_column(response.content.decode())
    assert '<h1 class="profile-name">Lê Tùng</h1>' in html
    assert '<p class="profile-role">Phóng viên</p>' in html
    assert "Theo dõi mảng xây dựng Đảng và cải cách hành chính." in html
    articles = newest_first(byline_links__byline__slug="le-tung")
    assert f"{len(articles)} bài" in html
    assert_in_order(
        html, [f'<a href="{article.get_absolute_url()}">{article.title}</a>' for article in articles]
    )
    assert "Xác định nhiệm vụ trọng tâm, cụ thể" in html


def test_tag_page_says_what_it_is_then_lists_its_articles(client, demo_site):
    response = client.get("/tag/cai-cach-hanh-chinh/")
    assert response.status_code == 200
    html = main_column(response.content.decode())
    assert '<h1 class="topic-name">Cải cách hành chính</h1>' in html
    articles = newest_first(tagged_items__tag__slug="cai-cach-hanh-chinh")
    assert f"{len(articles)} bài về chủ đề này" in html
    assert_in_order(
        html, [f'<a href="{article.get_absolute_url()}">{article.title}</a>' for article in articles]
    )


def test_listing_pages_have_a_latest_news_column(client, demo_site):
    newest = newest_first()[0]
    for url in ("/dia-phuong/", "/author/le-tung/", "/tag/quang-ninh/", "/2017/09/29/"):
        html = client.get(url).content.decode()
        column = html[html.index('<aside class="latest-column"') :]
        assert '<h2 id="latest-title" class="block-title">Tin mới nhất</h2>' in column
        assert newest.title in column


# The article page's additions -----------------------------------------------------------------------------------


def test_article_page_links_its_tags_bylines_and_section(client, demo_site):
    html = client.get(REFERENCE_URL).content.decode()
    assert '<h2 class="article-tags-title">Chủ đề:</h2>' in html
    for name, slug in [("Quảng Ninh", "quang-ninh"), ("Cải cách hành chính", "cai-cach-hanh-chinh")]:
        assert f'<a rel="tag" href="/tag/{slug}/">{name}</a>' in html
    assert '<a class="byline" rel="author" href="/author/le-tung/">Lê Tùng</a>' in html
    assert '<a class="section-label" href="/dia-phuong/">Địa phương</a>' in html


# Language -------------------------------------------------------------------------------------------------------


def test_every_page_has_an_english_version(client, demo_site):
    for url in [
        "/",
        "/dia-phuong/",
        "/2017/",
        "/2017/09/",
        "/2017/09/29/",
        REFERENCE_URL,
        "/author/le-tung/",
        "/tag/quang-ninh/",
    ]:
        response = client.get(f"/en{url}")
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="en">' in html
        assert "Back to top" in html and "Quay trở lại đầu trang" not in html
        assert f'<a href="{url}" lang="vi" hreflang="vi"' in html  # the switch back to Vietnamese


def test_the_english_article_page_translates_the_interface_and_formats_dates(client, demo_site):
    html = client.get(f"/en{REFERENCE_URL}").content.decode()
    assert ">07:07 | Sep 29, 2017</time>" in html
    assert '<h2 id="other-news-title" class="block-title">Other news</h2>' in html
    assert '<h2 class="article-tags-title">Topics:</h2>' in html
    assert "View news by date:" in html
    assert 'href="/en/author/le-tung/"' in html and 'href="/en/dia-phuong/"' in html
    assert "Xác định nhiệm vụ trọng tâm, cụ thể" in html  # the article itself stays Vietnamese


def test_the_language_switch_keeps_the_page_and_its_query(client, demo_site):
    html = client.get("/2017/09/29/?section=dia-phuong").content.decode()
    assert (
        '<a href="/en/2017/09/29/?section=dia-phuong" lang="en" hreflang="en" title="English">EN</a>' in html
    )
    assert '<span lang="vi" aria-current="true" title="Tiếng Việt">VI</span>' in html


# Errors ---------------------------------------------------------------------------------------------------------


def test_not_found_is_a_friendly_page_in_the_sites_style(client, demo_site):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="archive-title">Không tìm thấy trang</h1>' in html
    assert '<nav class="sections-nav"' in html and "Xem tin theo ngày:" in html
    assert '<ul class="error-sections"><li><a href="/thoi-su/">Thời sự</a></li>' in html
    assert '<meta name="robots" content="noindex">' in html


def test_with_the_database_down_pages_answer_503_without_the_database(client, settings, monkeypatch):
    """Every query fails, as when the database is down: a 503 page that needs none, asking to come back soon."""

    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(CursorWrapper, "execute", database_down)
    client.raise_request_exception = False
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_NAME": "Báo Thử Nghiệm"}
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Trang này tạm thời chưa mở được" in html
    assert '<a class="brand" href="/">Báo Thử Nghiệm</a>' in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    english = client.get("/en/ma-tran/")
    assert english.status_code == 503 and "This page is briefly unavailable" in english.content.decode()


def test_the_server_error_page_renders_without_the_database(client, settings, monkeypatch):
    """Any other failure: the 500 page, which needs no database either (it may be what failed)."""

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("articles.views.navigation", broken)
    client.raise_request_exception = False
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_NAME": "Báo Thử Nghiệm"}
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Xin lỗi, đã có lỗi xảy ra" in html and "Sorry, something went wrong" in html
    assert '<a class="brand" href="/">Báo Thử Nghiệm</a>' in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html


# Accessibility --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/dia-phuong/",
        "/2017/",
        "/2017/09/",
        "/2017/09/29/",
        REFERENCE_URL,
        "/author/le-tung/",
        "/tag/quang-ninh/",
        "/by-date/?date=abc",
        "/khong-co/",
    ],
)
def test_pages_have_landmarks_a_skip_link_one_h1_and_alt_texts(client, demo_site, url):
    html = client.get(url).content.decode()
    assert re.search(r'<html lang="(vi|en)">', html)
    assert html.index('<a class="skip-link" href="#content">') < html.index("<header")
    for landmark in (
        '<header class="site-header"',
        '<nav class="sections-nav" aria-label=',
        '<main id="content"',
        '<footer class="site-footer"',  # the article's own <footer> (byline, tags) is no landmark
    ):
        assert html.count(landmark) == 1, landmark
    if not url.startswith("/by-date/"):  # that page holds the form in its main content instead
        assert '<aside class="wrap by-date-strip" aria-label="Xem tin theo ngày">' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    start_tags = tags(html)
    for number, (tag, attrs) in enumerate(start_tags):
        if tag == "img":
            assert "alt" in attrs, attrs.get("src")
            if attrs["alt"] == "":  # decorative only as the picture of a link a titled link repeats
                previous_tag, previous_attrs = start_tags[number - 1]
                assert previous_tag == "a" and previous_attrs.get("aria-hidden") == "true", attrs.get("src")
        if tag == "a" and attrs.get("aria-hidden") == "true":
            assert (
                attrs.get("tabindex") == "-1"
            )  # hidden from screen readers, so kept out of the tab order too


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_stylesheets_colours_pass_wcag_aa_contrast():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", css))
    colours["white"] = "#ffffff"
    pairs = [  # (text, background) as the stylesheet combines them
        ("ink", "paper"),
        ("ink-soft", "paper"),
        ("muted", "paper"),
        ("muted", "tint"),
        ("accent", "paper"),
        ("accent", "tint"),
        ("white", "accent"),  # the navigation bar and the buttons
        ("white", "accent-dark"),
        ("focus", "paper"),  # the focus ring
    ]
    for text, background in pairs:
        ratio = contrast(colours[text], colours[background])
        assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}"


# How times print ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_times_and_dates_print_as_djangos_formatter_prints_them(language):
    """The newsroom's formats are compiled once (articles/templatetags/news.py): every hour of two years, across
    midnights, month ends and a leap day, prints what django.utils.dateformat prints, in the reader's language."""
    start = datetime.datetime(2023, 12, 31, 16, 59, tzinfo=datetime.UTC)
    moments = [
        timezone.localtime(start + datetime.timedelta(hours=hours, minutes=hours % 60))
        for hours in range(0, 24 * 731, 5)
    ]
    printers = {
        news.news_time: news.TIME_FORMATS,
        news.news_date: news.DATE_FORMATS,
        news.news_day: news.DAY_FORMATS,
        news.news_month: news.MONTH_FORMATS,
    }
    with translation.override(language):
        for printer, formats in printers.items():
            for moment in moments:
                assert printer(moment) == dateformat.format(moment, formats[language])
                if printer is not news.news_time:
                    assert printer(moment.date()) == dateformat.format(moment.date(), formats[language])
        assert (
            news.news_time(moments[0]) == {"vi": "23:59 | 31/12/2023", "en": "23:59 | Dec 31, 2023"}[language]
        )
        assert (
            news.news_day(datetime.date(2024, 2, 29))
            == {
                "vi": "Thứ Năm, 29/02/2024",
                "en": "Thursday, February 29, 2024",
            }[language]
        )
    assert news.news_time(None) == ""


def test_a_format_with_characters_the_newsroom_does_not_use_is_printed_by_django():
    moment = timezone.localtime(datetime.datetime(2017, 9, 29, 0, 7, tzinfo=datetime.UTC))
    formats = {"en": r"D \d\e N, P", "vi": r"D \d\e N, P"}
    with translation.override("en"):
        assert (
            news._format(moment, formats)
            == dateformat.format(moment, formats["en"])
            == "Fri de Sept., 7:07 a.m."
        )
