"""Around an article: related articles, previous/next of its section, other news, the correction note; and the
listing pages' pagination and empty states, on articles built for each case."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Status
from articles.views import surroundings

from .factories import make_article, make_photo, make_section, uploaded_image
from .pages import assert_in_order, main_column

pytestmark = pytest.mark.django_db


def test_home_with_nothing_published_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Chưa có tin nào được đăng." in response.content.decode()


def test_section_pages_paginate_by_twenty(client):
    section = make_section(slug="kinh-te")
    start = timezone.now() - datetime.timedelta(days=1)
    for number in range(25):
        make_article(
            section=section,
            title=f"Tin số {number:02d}",
            published_at=start - datetime.timedelta(hours=number),
        )
    first = main_column(client.get("/kinh-te/").content.decode())
    second = main_column(client.get("/kinh-te/?page=2").content.decode())
    assert first.count('<article class="card') == 20 and second.count('<article class="card') == 5
    assert "Tin số 00" in first and "Tin số 19" in first and "Tin số 20" not in first
    assert "Tin số 20" in second and "Tin số 24" in second
    assert '<a class="page-step" rel="next" href="?page=2">' in first
    assert '<a class="page-step" rel="prev" href="/kinh-te/">' in second  # page 1 has one address
    assert (
        '<span class="page-number" aria-current="page"><span class="visually-hidden">Trang </span>2</span>'
        in second
    )


@pytest.fixture
def story():
    """An article with neighbours of every kind: chosen, sharing tags, of its section, of other sections."""
    local = timezone.get_default_timezone()
    home, elsewhere = (
        make_section(name="Địa phương", slug="dia-phuong"),
        make_section(name="Kinh tế", slug="kinh-te"),
    )
    at = datetime.datetime(2024, 5, 10, 9, 0, tzinfo=local)

    def article(title, section=home, minutes=0, **fields):
        return make_article(
            section=section, title=title, published_at=at + datetime.timedelta(minutes=minutes), **fields
        )

    main = article("Bài chính", tags=["Hạ Long", "Du lịch biển"])
    neighbours = {
        "chosen": article("Bài được chọn", section=elsewhere, minutes=-500),
        # more in common than any, but from two months before: topics are matched within a week either side
        "long_ago": article(
            "Chung hai chủ đề, hai tháng trước",
            section=elsewhere,
            minutes=-60 * 24 * 60,
            tags=["Hạ Long", "Du lịch biển"],
        ),
        "both_tags": article(
            "Chung hai chủ đề", section=elsewhere, minutes=-400, tags=["Hạ Long", "Du lịch biển"]
        ),
        "one_tag": article("Chung một chủ đề", section=elsewhere, minutes=-30, tags=["Hạ Long"]),
        "older_here": article("Bài cũ hơn cùng chuyên mục", minutes=-60),
        "newer_here": article("Bài mới hơn cùng chuyên mục", minutes=60),
        "newest_here": article("Bài mới nhất cùng chuyên mục", minutes=120),
        "older_elsewhere": article("Tin cũ chuyên mục khác", section=elsewhere, minutes=-10),
        "newer_elsewhere": article("Tin mới chuyên mục khác", section=elsewhere, minutes=10),
        "hidden_chosen": article("Bài được chọn chưa đăng", status=Status.DRAFT, minutes=-5),
    }
    main.related.add(neighbours["chosen"], neighbours["hidden_chosen"])
    return main, neighbours


def related_titles(html):
    aside = html[html.index('<aside class="related"') :]
    aside = aside[: aside.index("</aside>")]
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a></h3>', aside)


def test_related_articles_are_the_chosen_ones_then_shared_tags_then_the_section(client, story):
    main, _neighbours = story
    html = client.get(main.get_absolute_url()).content.decode()
    assert '<h2 id="related-title" class="block-title">Tin liên quan</h2>' in html
    assert related_titles(html) == [
        "Bài được chọn",  # chosen by an editor
        "Chung hai chủ đề",  # two tags in common beats one
        "Chung một chủ đề",
        "Bài cũ hơn cùng chuyên mục",  # then the nearest of the section, the one just before it first
    ]


def test_related_articles_fall_back_on_the_section(client):
    section = make_section()
    main = make_article(section=section, title="Bài không có chủ đề")
    other = make_article(section=section, title="Bài cùng chuyên mục")
    html = client.get(main.get_absolute_url()).content.decode()
    assert related_titles(html) == [other.title]


def test_an_article_alone_in_its_section_has_no_related_block(client):
    main = make_article(title="Bài duy nhất")
    html = client.get(main.get_absolute_url()).content.decode()
    assert '<aside class="related"' not in html
    assert '<nav class="section-neighbours"' not in html


def test_previous_and_next_article_of_the_same_section(client, story):
    main, neighbours = story
    html = client.get(main.get_absolute_url()).content.decode()
    nav = html[html.index('<nav class="section-neighbours" aria-label="Cùng chuyên mục Địa phương">') :]
    nav = nav[: nav.index("</nav>")]
    previous, following = neighbours["older_here"], neighbours["newer_here"]
    assert f'rel="prev" href="{previous.get_absolute_url()}"' in nav and previous.title in nav
    assert f'rel="next" href="{following.get_absolute_url()}"' in nav and following.title in nav
    assert "Tin cũ chuyên mục khác" not in nav  # another section


def test_other_news_comes_from_other_sections_just_before_and_skips_related_ones(client, story):
    main, _neighbours = story
    html = client.get(main.get_absolute_url()).content.decode()
    other = html[html.index('id="other-news-title"') :]
    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', other)
    # Older first, nearest first; newer ones fill up; related ones ("Chung một chủ đề", …) are not repeated.
    assert titles == [
        "Tin cũ chuyên mục khác",
        "Chung hai chủ đề, hai tháng trước",
        "Tin mới chuyên mục khác",
    ]


def test_the_correction_note_shows_when_there_is_one(client):
    article = make_article(correction_note="Bản trước ghi nhầm tên xã.", corrected_at=timezone.now())
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<aside class="correction-note" id="correction" aria-label="Đính chính">' in html
    assert "Bản trước ghi nhầm tên xã." in html
    assert '<span class="corrected">· Cập nhật' in html
    plain = make_article()
    assert "correction-note" not in client.get(plain.get_absolute_url()).content.decode()


def test_a_home_block_opens_on_its_newest_story_with_a_photo_and_never_repeats_the_lead(client):
    first, second = (
        make_section(name="Thời sự", position=1),
        make_section(name="Kinh tế", slug="kinh-te", position=2),
    )
    now = timezone.now()

    def story(section, title, minutes, photo=False):
        article = make_article(
            section=section, title=title, published_at=now - datetime.timedelta(minutes=minutes)
        )
        if photo:
            make_photo(article, is_lead=True, image=uploaded_image(width=400, height=300))
        return article

    story(first, "Tin không ảnh mới nhất", 1)
    story(first, "Tin chính có ảnh", 2, photo=True)
    story(second, "Kinh tế không ảnh", 10)
    story(second, "Kinh tế có ảnh", 20, photo=True)
    html = client.get("/").content.decode()
    assert '<h2 class="lead-story-title"><a href="' in html and "Tin chính có ảnh</a></h2>" in html
    blocks = html[html.index('<div class="section-blocks">') :]
    assert "Tin chính có ảnh" not in blocks
    economy = blocks[blocks.index('id="block-kinh-te"') :]
    assert_in_order(
        economy,
        [
            '<article class="card card-feature">',
            "Kinh tế có ảnh",
            '<article class="card card-compact">',
            "Kinh tế không ảnh",
        ],
    )


def test_what_surrounds_an_article_loads_only_the_articles_it_prints_and_the_ends_of_its_lists():
    """Of some twenty candidates (four before and after in its section, nine before and after elsewhere), the page
    loads the four related, the five other news and the last of each list (its date bounds the page's keys)."""
    home, elsewhere = make_section(slug="dia-phuong"), make_section(slug="kinh-te")
    at = timezone.now() - datetime.timedelta(days=3)
    for minutes in range(-12, 13):
        if minutes:
            make_article(section=home, published_at=at + datetime.timedelta(minutes=minutes))
            make_article(section=elsewhere, published_at=at + datetime.timedelta(minutes=minutes, seconds=30))
    article = make_article(section=home, published_at=at)
    with CaptureQueriesContext(connection) as queries:
        around = surroundings(article)
    assert len(around["related_articles"]) == 4 and len(around["other_news"]) == 5
    assert around["previous_article"].published_at == at - datetime.timedelta(minutes=1)
    assert around["next_article"].published_at == at + datetime.timedelta(minutes=1)
    loads = [
        re.search(r'"articles_article"\."id" IN \((\d+(?:, ?\d+)*)\)', query["sql"])
        for query in queries.captured_queries
    ]
    [loaded_ids] = [found.group(1).split(",") for found in loads if found]
    # related: 1 and 2 minutes before and after; other news: the five elsewhere just before; ends: the fourth
    # before and after in its section and the ninth before and after elsewhere (the previous and next are related)
    assert len(loaded_ids) == 4 + 5 + 4
