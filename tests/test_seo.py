"""What search engines and sharing services read on the pages: canonical and language alternates, OpenGraph,
Twitter cards and the article's JSON-LD."""

import datetime

import pytest
from django.utils import timezone, translation

from .factories import make_article, make_byline, make_photo, make_section, uploaded_image
from .pages import json_ld, meta, tags

SITE = "https://baoquangninh.example"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": SITE, "SITE_NAME": "Báo Quảng Ninh"}


@pytest.fixture
def article():
    local = timezone.get_default_timezone()
    section = make_section(name="Địa phương", slug="dia-phuong")
    story = make_article(
        section=section,
        bylines=[
            make_byline(name="Lê Tùng", slug="le-tung"),
            make_byline(name="Xuân Việt", slug="xuan-viet"),
        ],
        tags=["Quảng Ninh", "Cải cách hành chính"],
        title="Xác định nhiệm vụ trọng tâm, cụ thể",
        lead="Năm 2017, Tỉnh ủy Quảng Ninh đặt ra chủ đề công tác năm.",
        published_at=datetime.datetime(2017, 9, 29, 7, 7, tzinfo=local),
        corrected_at=datetime.datetime(2017, 9, 30, 8, 15, tzinfo=local),
        correction_note="Bản trước ghi nhầm chức danh.",
    )
    make_photo(
        story,
        is_lead=True,
        alt_text="Phó Thủ tướng thăm Trung tâm",
        image=uploaded_image(width=1200, height=800),
    )
    return story


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def links(html, rel):
    return [
        (attrs.get("hreflang"), attrs["href"])
        for _tag, attrs in tags(html, "link")
        if attrs.get("rel") == rel
    ]


def test_canonical_and_language_alternates(client, article):
    url = article.get_absolute_url()
    html = page(client, url)
    assert links(html, "canonical") == [(None, f"{SITE}{url}")]
    assert [(lang, href) for lang, href in links(html, "alternate") if lang] == [
        ("vi", f"{SITE}{url}"),
        ("en", f"{SITE}/en{url}"),
        ("x-default", f"{SITE}{url}"),
    ]
    english = page(client, f"/en{url}")
    assert links(english, "canonical") == [(None, f"{SITE}/en{url}")]  # each language is its own page


def test_canonical_drops_tracking_parameters_but_keeps_the_page_and_the_filter(client, article):
    html = page(client, "/dia-phuong/?utm_source=zalo&page=1")
    assert links(html, "canonical") == [(None, f"{SITE}/dia-phuong/")]
    html = page(client, "/2017/09/29/?section=dia-phuong&fbclid=abc")
    assert links(html, "canonical") == [(None, f"{SITE}/2017/09/29/?section=dia-phuong")]


def test_article_opengraph_and_twitter_card(client, article):
    html = page(client, article.get_absolute_url())
    photo = article.lead_photo
    expected = {
        "og:type": ["article"],
        "og:site_name": ["Báo Quảng Ninh"],
        "og:locale": ["vi_VN"],
        "og:title": ["Xác định nhiệm vụ trọng tâm, cụ thể"],
        "og:description": ["Năm 2017, Tỉnh ủy Quảng Ninh đặt ra chủ đề công tác năm."],
        "og:url": [f"{SITE}{article.get_absolute_url()}"],
        "og:image": [f"{SITE}{photo.image.url}"],
        "og:image:width": ["1200"],
        "og:image:height": ["800"],
        "og:image:alt": ["Phó Thủ tướng thăm Trung tâm"],
        "article:published_time": ["2017-09-29T07:07:00+07:00"],
        "article:modified_time": ["2017-09-30T08:15:00+07:00"],
        "article:section": ["Địa phương"],
        "article:tag": ["Quảng Ninh", "Cải cách hành chính"],
        "article:author": [f"{SITE}/author/le-tung/", f"{SITE}/author/xuan-viet/"],
        "twitter:card": ["summary_large_image"],
        "twitter:title": ["Xác định nhiệm vụ trọng tâm, cụ thể"],
        "twitter:image": [f"{SITE}{photo.image.url}"],
        "twitter:image:alt": ["Phó Thủ tướng thăm Trung tâm"],
    }
    for key, values in expected.items():
        assert meta(html, key) == values, key


def test_article_without_photo_has_a_plain_card_and_no_image_tags(client):
    story = make_article(title="Tin không ảnh")
    html = page(client, story.get_absolute_url())
    assert meta(html, "twitter:card") == ["summary"]
    assert meta(html, "og:image") == []
    assert "image" not in json_ld(html)[0]


def test_other_pages_are_websites_with_the_papers_card(client, article):
    html = page(client, "/dia-phuong/")
    assert meta(html, "og:type") == ["website"]
    assert meta(html, "og:title") == ["Địa phương · Báo Quảng Ninh"]
    assert meta(html, "og:url") == [f"{SITE}/dia-phuong/"]
    assert meta(html, "og:image") == [f"{SITE}/static/img/share.png"]
    assert json_ld(html) == []  # structured data belongs to articles


def test_json_ld_describes_the_news_article(client, article):
    url = f"{SITE}{article.get_absolute_url()}"
    [data] = json_ld(page(client, article.get_absolute_url()))
    photo = article.lead_photo
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Xác định nhiệm vụ trọng tâm, cụ thể"
    assert data["description"] == "Năm 2017, Tỉnh ủy Quảng Ninh đặt ra chủ đề công tác năm."
    assert data["datePublished"] == "2017-09-29T07:07:00+07:00"
    assert data["dateModified"] == "2017-09-30T08:15:00+07:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Lê Tùng", "url": f"{SITE}/author/le-tung/"},
        {"@type": "Person", "name": "Xuân Việt", "url": f"{SITE}/author/xuan-viet/"},
    ]
    assert data["image"] == [
        {
            "@type": "ImageObject",
            "url": f"{SITE}{photo.image.url}",
            "width": 1200,
            "height": 800,
            "caption": photo.caption,
        }
    ]
    assert data["articleSection"] == "Địa phương"
    assert data["keywords"] == ["Quảng Ninh", "Cải cách hành chính"]
    assert data["inLanguage"] == "vi"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["url"] == url
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Báo Quảng Ninh",
        "url": f"{SITE}/",
        "logo": {"@type": "ImageObject", "url": f"{SITE}/static/img/logo.png", "width": 600, "height": 60},
    }
    assert data["correction"] == {
        "@type": "CorrectionComment",
        "text": "Bản trước ghi nhầm chức danh.",
        "datePublished": "2017-09-30T08:15:00+07:00",
    }


def test_json_ld_without_correction_leaves_it_out(client):
    story = make_article(title="Tin chưa đính chính")
    [data] = json_ld(page(client, story.get_absolute_url()))
    assert "correction" not in data
    assert data["dateModified"] == data["datePublished"]


def test_json_ld_cannot_be_broken_out_of(client):
    hostile = 'Tiêu đề </script><script>alert("x")</script> <!-- & “ngoặc”'
    story = make_article(title=hostile, lead="</SCRIPT><img src=x onerror=alert(1)>")
    html = page(client, story.get_absolute_url())
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    script = html[start : html.index("</script>", start)]
    assert "<" not in script and ">" not in script  # nothing in it can close the element or open a comment
    data = json_ld(html)[0]
    assert data["headline"] == hostile  # and it still reads back exactly
    assert data["description"] == "</SCRIPT><img src=x onerror=alert(1)>"
    assert "<script>alert" not in html


def test_json_ld_headline_is_cut_at_110_characters(client):
    title = "Tỉnh ủy Quảng Ninh " * 10
    story = make_article(title=title)
    [data] = json_ld(page(client, story.get_absolute_url()))
    assert len(data["headline"]) == 110 and data["headline"].endswith("…")


def test_english_article_page_is_an_english_locale_of_the_same_article(client, article):
    with translation.override("vi"):
        path = article.get_absolute_url()
    html = page(client, f"/en{path}")
    assert meta(html, "og:locale") == ["en_US"]
    assert meta(html, "og:url") == [f"{SITE}/en{path}"]
    [data] = json_ld(html)
    assert data["inLanguage"] == "vi"  # the article itself is written in Vietnamese
    assert data["mainEntityOfPage"]["@id"] == f"{SITE}/en{path}"
