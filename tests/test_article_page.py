import datetime
import re

import pytest
from django.utils import timezone

import pagecache.conf
from articles.models import Status

from .factories import make_article, make_byline, make_embed, make_photo, make_pull_quote

REFERENCE_URL = "/2017/09/29/xac-dinh-nhiem-vu-trong-tam-cu-the/"


def assert_in_order(html, needles):
    """Each needle appears after the one before it; fails naming the first that is missing or out of order."""
    start = 0
    for needle in needles:
        index = html.find(needle, start)
        assert index != -1, f"missing, or not after the previous element: {needle!r}"
        start = index + len(needle)


@pytest.mark.django_db
def test_reference_article_shows_all_fifteen_elements_in_order(client, reference_article):
    response = client.get(REFERENCE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    elements = [
        '<a class="section-label" href="/dia-phuong/">Địa phương</a>',  # 1 section label, linked
        'class="site-updated">Cập nhật <time',  # 2 site update stamp
        '<h1 id="article-title" class="article-title">Xác định nhiệm vụ trọng tâm, cụ thể</h1>',  # 3 title
        ">07:07 | 29/09/2017</time>",  # 4 publication time
        '<p class="lead">Năm 2017, Tỉnh ủy Quảng Ninh đặt ra chủ đề công tác năm khá cô đọng',  # 5 lead
        "<h2>Tập trung nâng cao chất lượng công vụ</h2>",  # 6 first sub-heading
        "<blockquote><p>“Từ đầu năm, Thường trực HĐND tỉnh đã tổ chức 10 cuộc giám sát",  # 7 pull-quote
        '<span class="quote-title">Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh</span> '
        '<span class="quote-name">NGUYỄN VĂN ĐỌC</span>',  # 8 attribution
        "<p>Là địa phương, mà theo lời Chủ tịch Phòng Thương mại",  # 9 body paragraphs
        '<span class="caption">Ủy viên Bộ Chính trị, Phó Thủ tướng Trương Hòa Bình thăm Trung tâm Hành chính '
        "công tỉnh Quảng Ninh</span>",  # 10 caption
        '<span class="credit">Ảnh: Xuân Việt</span>',  # 11 credit
        "<h2>Thi đua và đổi mới</h2>",  # 6 second sub-heading, after the photo
        'rel="author" href="/author/le-tung/">Lê Tùng</a>',  # 12 byline
        "Xem tin theo ngày:",  # 13 view by date
        '<h2 id="other-news-title" class="block-title">Tin khác</h2>',  # 14 other news
        '<a class="section-tag" href="/trao-doi-kinh-nghiem/">Trao đổi kinh nghiệm</a>',  # 14 its section
        ">08:09 | 06/04/2016</time>",  # 14 … and its time
        "Phát triển mô hình Hợp tác xã (HTX) phù hợp với nhu cầu thực tế",  # 14 … and its lead
        '<a href="#top">Quay trở lại đầu trang</a>',  # 15 back to top
    ]
    assert_in_order(html, elements)
    assert '<body id="top">' in html


@pytest.mark.django_db
def test_article_page_is_semantic_html(client, reference_article):
    html = client.get(REFERENCE_URL).content.decode()
    assert re.search(r'<html lang="vi">', html)
    assert '<article class="article"' in html
    assert html.count('<figure class="photo">') == 1
    assert "<figcaption>" in html
    assert '<figure class="pull-quote">' in html
    image = re.search(r'<figure class="photo">\s*<img ([^>]+)>', html).group(1)
    for attribute in ("srcset=", 'alt="Phó Thủ tướng', 'width="1200"', 'height="800"', "sizes="):
        assert attribute in image
    assert image.count(" 320w") == 1 and image.count(" 1200w") == 1


@pytest.mark.django_db
def test_renditions_exist_for_each_width_below_the_original(reference_article):
    photo = reference_article.photos.get()
    assert photo.renditions == [320, 640, 960]
    from articles.renditions import rendition_name

    for width in photo.renditions:
        assert photo.image.storage.exists(rendition_name(photo.image.name, width))
        assert f"{photo.image.storage.url(rendition_name(photo.image.name, width))} {width}w" in photo.srcset


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.UNPUBLISHED])
def test_unpublished_articles_answer_404(client, status):
    article = make_article(status=status, published_at=timezone.now() - datetime.timedelta(days=1))
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_future_article_answers_404_until_its_time(client):
    article = make_article(published_at=timezone.now() + datetime.timedelta(hours=2))
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404
    import time_machine

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/2017/09/30/xac-dinh-nhiem-vu-trong-tam-cu-the/",  # right slug, wrong day
        "/2017/02/30/xac-dinh-nhiem-vu-trong-tam-cu-the/",  # no such day
        "/2017/13/29/xac-dinh-nhiem-vu-trong-tam-cu-the/",  # no such month
        "/2017/09/29/khong-co-bai-nay/",  # unknown slug
    ],
)
def test_bad_article_urls_answer_404(client, reference_article, url):
    assert client.get(url).status_code == 404


def _article_with(count):
    """A published article with `count` bylines, photos, pull-quotes and tags."""
    article = make_article(
        bylines=[make_byline() for _ in range(count)], tags=[f"chủ đề {n}" for n in range(count)]
    )
    for number in range(count):
        make_photo(article, placement=number % 3, is_lead=number == 0)
        make_pull_quote(article, placement=number % 3)
        make_embed(
            article, url=f"https://x.com/Interior/status/{463440424141459456 + number}", placement=number % 3
        )
    return article


@pytest.mark.django_db
def test_article_page_query_count_does_not_grow_with_its_parts(client, django_assert_num_queries, fragments):
    small, large = _article_with(1), _article_with(10)
    client.get(make_article().get_absolute_url())  # fills the caches of templates and content types
    for article in (small, large):  # the same with one and with ten of everything: no N+1
        pagecache.conf.clear()  # the shared store and this process's copy of the fragments
        # a cold render: is it published (the id); article+section, bylines, photos, pull-quotes, embeds, tags; the ids of
        # related, other news and previous/next in one UNION, those articles with their sections, their
        # thumbnails; the next scheduled publication (how long fragments may be kept); the navigation; the update
        # stamp (newest publication and newest correction, one query); the "most read" block's two periods
        # (readership)
        with django_assert_num_queries(15):
            assert client.get(article.get_absolute_url()).status_code == 200
        # every later render: none; whether it is published (kept under its day's key), the article with its
        # parts, what surrounds it and the chrome are cached fragments, renewed by any edit
        with django_assert_num_queries(0):
            response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert html.count('<figure class="photo">') == 10
    assert html.count('<figure class="pull-quote">') == 10
    assert html.count('<figure class="embed embed-x embed-post">') == 10
    assert html.count('rel="author"') == 10
