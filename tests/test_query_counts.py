"""Every public page makes a fixed number of queries: the same with 5 articles as with 50.

Each number is pinned with what the queries are, so that a change in the count is a decision, not an accident.
"""

import datetime

import pytest
from django.utils import timezone

from articles.models import Correction

from .factories import make_article, make_byline, make_embed, make_photo, make_section, uploaded_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragments")]

# The site's chrome on every HTML page (the navigation's sections, the "Cập nhật" stamp) and the "Latest news"
# column of listings are fragments cached per site generation (newsroom/cache.py): the first visit of each page
# below fills them, so the pinned counts are what every later render costs.
CHROME = 0
LATEST = 0

PAGES = {
    # the newest and each section's newest ids in one UNION; those articles with their sections; their
    # thumbnails (the sections shared by the blocks and the header come from the chrome fragment)
    "home": ("/", 3 + CHROME),
    # the section; its capped count, the ids of the page and their cards are kept under the section's list key
    # (cold: the count; the page of articles with their sections; their thumbnails)
    "section": ("/dia-phuong/", 1 + CHROME + LATEST),
    # the byline; then as a section
    "author": ("/author/le-tung/", 1 + CHROME + LATEST),
    # the tag; then as a section
    "tag": ("/tag/quang-ninh/", 1 + CHROME + LATEST),
    # months with counts in one GROUP BY (the nearest days with news before and after are kept under the keys of
    # the days between)
    "year": ("/{day:%Y}/", 1 + CHROME),
    # days with counts in one GROUP BY
    "month": ("/{day:%Y/%m}/", 1 + CHROME),
    # nothing: the nearest days, the day's count, the page's ids and their cards are kept under the day's key
    # (cold: the nearest days with news before and after; the count; the page of articles with sections; their
    # thumbnails)
    "day": ("/{day:%Y/%m/%d}/", 0 + CHROME + LATEST),
    # nothing: whether it is published (its id, kept under its day's key), the article with its section, bylines,
    # photos, pull-quotes and tags, and what surrounds it (related articles, other news, previous/next) are
    # fragments like the chrome; cold, they cost 15: COLD below and tests/test_article_page.py
    "article": ("{article}", 0 + CHROME),
    # the items with sections; their bylines; their lead photos; their tags; their embeds (linked after the lead)
    "rss": ("/feeds/latest/", 5),
    "atom": ("/feeds/latest/atom/", 5),
    # the section, then the same five
    "section rss": ("/dia-phuong/feed/", 6),
    "section atom": ("/dia-phuong/feed/atom/", 6),
    # the sections with their newest article (one subquery) twice, for the lastmod and for the pages; the
    # articles' count (the site's update stamp comes from the chrome fragment)
    "sitemap index": ("/sitemap.xml", 3),
    # the count for the paginator; the page of articles
    "sitemap articles": ("/sitemap-articles.xml", 2),
    # the count for the paginator; the sections with their newest article
    "sitemap sections": ("/sitemap-sections.xml", 2),
    # the articles of the last 48 hours (counted as they are listed: at most a thousand)
    "news sitemap": ("/news-sitemap.xml", 1),
    # the capped count; the page of corrections with their articles and sections
    "corrections": ("/dinh-chinh/", 2 + CHROME + LATEST),
    # the corrections with their articles
    "corrections rss": ("/dinh-chinh/feed/", 1),
}


def newsroom(count):
    """`count` articles of the last hours in two sections, each with two bylines, two tags, a photo, a video and a
    correction."""
    here, elsewhere = make_section(slug="dia-phuong"), make_section(slug="kinh-te")
    reporter, photographer = make_byline(name="Lê Tùng", slug="le-tung"), make_byline()
    start = timezone.now() - datetime.timedelta(minutes=5)
    articles = []
    for number in range(count):
        article = make_article(
            section=here if number % 2 else elsewhere,
            bylines=[reporter, photographer],
            tags=["Quảng Ninh", f"chủ đề {number % 4}"],
            published_at=start - datetime.timedelta(minutes=number),
        )
        make_photo(article, is_lead=True, image=uploaded_image(width=400, height=300))
        make_embed(article, url=f"https://www.youtube.com/watch?v=M7lc1UVf-V{number % 10}")
        Correction.objects.create(article=article, note=f"Đính chính số {number}.")
        articles.append(article)
    articles[0].related.add(*articles[1:4])
    return articles


# Cold: nothing kept between renders (FRAGMENTS=false, as in the moment after an edit): each page's queries, the
# chrome's included (its update stamp reads the newest publication and correction in one query). Lower is better; a higher number here is a page that got more expensive to build.
COLD = {
    "home": 9,
    # the section; the count; the page of articles with their sections; their thumbnails; the rest is the chrome
    # and the section's "Most read" block, as on the other pages
    "section": 10,
    "author": 8,
    "tag": 8,
    "year": 6,
    "month": 6,
    "day": 9,
    "article": 15,
    "corrections": 6,
}


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("kept", [True, False], ids=["fragments-kept", "built-from-nothing"])
def test_every_public_page_makes_the_same_number_of_queries(
    client, settings, django_assert_num_queries, count, kept
):
    settings.PAGECACHE = {**settings.PAGECACHE, "FRAGMENTS": kept}
    pages = PAGES if kept else {name: (PAGES[name][0], queries) for name, queries in COLD.items()}
    articles = newsroom(count)
    newest = articles[0]  # with related articles chosen, tags shared, neighbours on both sides
    day = timezone.localtime(newest.published_at)
    for name, (pattern, expected) in pages.items():
        url = pattern.format(day=day, article=newest.get_absolute_url())
        # the first visit fills template and content-type caches (and, kept, the fragments)
        assert client.get(url).status_code == 200, name
        with django_assert_num_queries(expected, info=name):
            response = client.get(url)
        assert response.status_code == 200, name
