"""Author, topic, section and search pages: one listing template, one card, each page's own head kept."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from .factories import make_article, make_byline, make_photo, make_section
from .pages import main_column

pytestmark = pytest.mark.django_db

STYLESHEET = Path(settings.BASE_DIR, "static", "css", "site.css").read_text()


@pytest.fixture
def listed():
    section = make_section(slug="hai-ha", name="Hải Hà", description="Tin của huyện Hải Hà.")
    writer = make_byline(name="Thu Chung", slug="thu-chung", role="Phóng viên")
    article = make_article(
        section=section, bylines=[writer], tags=["Quảng Ninh"], title="Cảng Hải Hà mở rộng"
    )
    make_photo(article, is_lead=True)
    return article


PAGES = {
    "author": "/author/thu-chung/",
    "tag": "/tag/quang-ninh/",
    "section": "/hai-ha/",
    "search": "/search/?q=hai+ha",
}


@pytest.mark.parametrize("page", PAGES)
def test_each_listing_page_renders_the_one_listing_template(client, listed, page):
    response = client.get(PAGES[page])
    assert response.status_code == 200
    used = [template.name for template in response.templates]
    assert "articles/listing.html" in used
    assert "articles/includes/pagination.html" in used
    html = main_column(response.content.decode())
    # The same card as every other listing: a row with its thumbnail, head and lead.
    assert '<article class="card card-row">' in html
    assert 'class="card-thumb"' in html and 'class="card-lead"' in html


@pytest.mark.parametrize("page", PAGES)
def test_every_class_a_listing_prints_is_styled(client, listed, page):
    """A class in the markup that the stylesheet never names is a card nobody laid out (the old search card)."""
    html = main_column(client.get(PAGES[page]).content.decode())
    start = html.index('<div class="listing">') + len('<div class="listing">')
    listing = html[start : html.index("</div>\n", html.rindex("</article>", start))]
    classes = {name for value in re.findall(r'class="([^"]+)"', listing) for name in value.split()}
    assert classes, "no listing rendered"
    unstyled = sorted(name for name in classes if not re.search(rf"\.{re.escape(name)}\b", STYLESHEET))
    assert unstyled == []


def test_each_page_keeps_its_own_head(client, listed):
    author = main_column(client.get(PAGES["author"]).content.decode())
    assert '<h1 class="profile-name">Thu Chung</h1>' in author and "Phóng viên" in author
    tag = main_column(client.get(PAGES["tag"]).content.decode())
    assert '<h1 class="topic-name">Quảng Ninh</h1>' in tag and "1 bài về chủ đề này" in tag
    section = client.get(PAGES["section"]).content.decode()
    assert "Tin của huyện Hải Hà." in main_column(section)
    assert 'href="/hai-ha/feed/"' in main_column(section)
    assert 'type="application/rss+xml" title="Hải Hà · ' in section
    search = main_column(client.get(PAGES["search"]).content.decode())
    assert 'role="search"' in search and 'name="from"' in search
    assert "1 bài viết cho “hai ha”" in search
    assert "<mark>Hải Hà</mark>" in search  # highlighting
    assert "Thu Chung" in search  # results name their authors


def test_cards_name_the_section_except_on_the_section_page(client, listed):
    for page in ("author", "tag", "search"):
        assert '<a class="section-tag" href="/hai-ha/">' in main_column(
            client.get(PAGES[page]).content.decode()
        )
    assert '<a class="section-tag"' not in main_column(client.get(PAGES["section"]).content.decode())


def test_search_highlighting_is_not_served_to_other_pages_from_the_card_cache(client, listed):
    client.get(PAGES["search"])
    assert "<mark>" not in main_column(client.get(PAGES["tag"]).content.decode())
    assert "<mark>" in main_column(client.get("/search/?q=cang").content.decode())


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("/author/khong-viet/", "Chưa có bài viết nào được đăng."),
        ("/khong-tin/", "Chuyên mục này chưa có bài viết nào."),
        ("/search/?q=tau+ngam", "Không tìm thấy bài viết nào cho “tau ngam”."),
        ("/search/", "Gõ một vài từ"),
    ],
)
def test_empty_listings_say_so(client, page, message):
    make_byline(name="Không Viết", slug="khong-viet")
    make_section(slug="khong-tin")
    html = main_column(client.get(page).content.decode())
    assert message in html
    assert '<div class="listing">' not in html


@pytest.mark.usefixtures("fragments")
def test_a_listing_loads_only_the_articles_whose_card_is_not_kept(client, django_assert_num_queries):
    """While fragments are kept, a page of a listing reads its count and ids from the fragments kept under the
    listing's key, prints each kept card as it is, and loads only the articles whose card gave way."""
    import pagecache.conf

    section = make_section(name="Thời sự", slug="thoi-su")
    articles = [make_article(section=section, title=f"Tin số {number}") for number in range(3)]
    cold = client.get("/thoi-su/").content.decode()
    with django_assert_num_queries(1):  # the section
        assert client.get("/thoi-su/").content.decode() == cold
    edited = articles[1]
    type(edited).objects.filter(pk=edited.pk).update(title="Tin đã sửa")
    pagecache.conf.store().bump(
        [f"a{edited.pk}"]
    )  # the edit's invalidation: the card, not the section's list
    # the section; that one article with its section; its thumbnail (and the "Latest news" column, which lists it)
    with django_assert_num_queries(4):
        html = client.get("/thoi-su/").content.decode()
    titles = re.findall(r'class="card-title"><a href="[^"]+">([^<]+)<', main_column(html))
    assert titles == ["Tin số 2", "Tin đã sửa", "Tin số 0"]
