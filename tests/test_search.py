"""Search: readers find articles by the words they remember, with or without accents, on both databases."""

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from articles import search
from articles.models import Article, ArticleByline, Status, Tag
from articles.templatetags.news import news_time

from .factories import make_article, make_byline, make_photo, make_pull_quote, make_section

SEARCH_URL = reverse("articles:search")
REFERENCE_TITLE = "Xác định nhiệm vụ trọng tâm, cụ thể"


def found(client, q, **filters):
    """Titles on the first results page for `q`, in order."""
    response = client.get(SEARCH_URL, {"q": q, **filters})
    assert response.status_code == 200
    return [article.title for article in response.context["articles"]]


def matches(q, articles=None):
    """Titles the search module returns, in order, without the page around them."""
    articles = Article.objects.published() if articles is None else articles
    return [article.title for article in search.results(search.parse(q), articles)]


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


# The reference article, as a reader types it on a phone.


@pytest.mark.django_db
def test_reader_finds_the_reference_article(client, demo):
    for q in [
        "nhiem vu trong tam",
        "NHIỆM VỤ",
        "nhiệm vụ",
        "Quang Ninh",
        "XÁC ĐỊNH",
        "xac dinh",
        "Nguyen Van Doc",  # the pull-quote's attribution
        "le tung",  # the byline
        "truong hoa binh",  # the photo caption
        "ky luat hanh chinh",  # a tag
    ]:
        assert REFERENCE_TITLE in found(client, q), q


@pytest.mark.django_db
def test_done_means_the_reference_article_comes_first_and_alone(client, demo):
    response = client.get(SEARCH_URL, {"q": "nhiem vu trong tam quang ninh"})
    assert [article.title for article in response.context["articles"]] == [REFERENCE_TITLE]
    html = response.content.decode()
    assert f'href="{demo.get_absolute_url()}"' in html
    assert "<mark>nhiệm vụ trọng tâm</mark>" in html  # the title's words, side by side, marked as one


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["da nang", "ĐÀ NẴNG", "Đà Nẵng", "dà nẵng"])
def test_d_with_stroke_folds_to_d(q):
    make_article(title="Đà Nẵng đón khách du lịch")
    make_article(title="Hà Nội mưa lớn")
    assert matches(q) == ["Đà Nẵng đón khách du lịch"]


@pytest.mark.django_db
def test_the_demo_newsroom_answers_exactly_the_articles_having_every_word(demo):
    """The database's answer (tsvector or LIKE) is the Python definition: every term, phrases side by side."""
    documents = {
        article.title: search.words(article.title)
        + search.words(article.lead)
        + [word for text in search.other_texts(article) for word in search.words(text)]
        for article in Article.objects.published().prefetch_related(
            "photos", "pull_quotes", "byline_links__byline", "tagged_items__tag"
        )
    }

    def has(document, term):
        return any(tuple(document[i : i + len(term)]) == term for i in range(len(document)))

    queries = [
        "quang ninh",
        '"quang ninh"',
        "ha long",
        "da nang",
        "van hoa",
        '"hanh chinh cong"',
        "2017",
        "xuan viet",
    ]
    for q in queries:
        query = search.parse(q)
        expected = {
            title for title, document in documents.items() if all(has(document, t) for t in query.terms)
        }
        assert expected, q
        assert set(matches(q)) == expected, q


# Where words are looked for.


@pytest.mark.django_db
def test_each_part_of_an_article_is_searched():
    article = make_article(
        title="Tiêu đề chung",
        lead="Mở đầu có chữ bánh chưng.",
        body="<p>Thân bài nói về <em>hạt điều</em>.</p>",
        correction_note="Sửa tên làng Bồ Đề.",
        bylines=[make_byline(name="Trịnh Khoa")],
        tags=["Phố cổ"],
    )
    make_photo(article, caption="Cánh đồng tam giác mạch", credit="Đinh Lăng")
    make_pull_quote(
        article, text="Câu nói về mắm tôm.", attribution_name="Ông Quế", attribution_title="Trưởng thôn Rào"
    )
    make_article(title="Bài khác", lead="Không liên quan.")
    for q in [
        "banh chung",  # lead
        "hat dieu",  # body text
        "bo de",  # correction note
        "trinh khoa",  # byline
        "pho co",  # tag
        "tam giac mach",  # photo caption
        "dinh lang",  # photo credit
        "mam tom",  # pull-quote
        "ong que",  # its attribution
        "thon rao",  # and the title it gives
    ]:
        assert matches(q) == ["Tiêu đề chung"], q


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["strong", "href", "example", "https", "em", "noopener"])
def test_html_markup_is_not_searchable(q):
    make_article(
        title="Tin vắn",
        lead="Mở đầu.",
        body='<p><strong>Nóng</strong>: xem <a href="https://example.org/x">tại đây</a>, <em>nhanh</em>.</p>',
    )
    assert matches(q) == []
    assert matches("nong xem tai day nhanh") == ["Tin vắn"]


# Order.


@pytest.mark.django_db
def test_title_hit_ranks_above_body_hit_even_when_older():
    make_article(title="Vân Đồn đón tàu khách", published_at=hours_ago(72))
    make_article(
        title="Tin trong ngày", body="<p>Tàu khách cập cảng Vân Đồn sáng nay.</p>", published_at=hours_ago(1)
    )
    assert matches("van don") == ["Vân Đồn đón tàu khách", "Tin trong ngày"]


@pytest.mark.django_db
def test_among_equals_newer_first():
    for hours, title in [
        (30, "Cô Tô mùa gió: kỳ 1"),
        (2, "Cô Tô mùa gió: kỳ 3"),
        (10, "Cô Tô mùa gió: kỳ 2"),
    ]:
        make_article(title=title, lead="Ghi chép trên đảo Cô Tô.", published_at=hours_ago(hours))
    assert matches("co to") == ["Cô Tô mùa gió: kỳ 3", "Cô Tô mùa gió: kỳ 2", "Cô Tô mùa gió: kỳ 1"]


@pytest.mark.django_db
def test_a_very_common_word_ranks_only_the_newest_matches(monkeypatch):
    """Ranking every article that has "tỉnh" would read the whole archive; the newest RANK_WINDOW are ranked."""
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    make_article(title="Toàn tỉnh ra quân", published_at=hours_ago(50))  # a title hit, but the oldest
    for hours in (1, 2, 3, 4):
        make_article(title=f"Tin số {hours}", lead="Cả tỉnh chung tay.", published_at=hours_ago(hours))
    assert matches("tinh") == ["Tin số 1", "Tin số 2", "Tin số 3"]
    assert matches("toan tinh") == ["Toàn tỉnh ra quân"]  # one more word reaches it


@pytest.mark.django_db
def test_newest_first_on_request_keeps_the_matches_and_drops_the_ranking(client):
    make_article(title="Vân Đồn đón tàu khách", published_at=hours_ago(72))  # a title hit, the oldest
    make_article(
        title="Tin trong ngày", body="<p>Tàu khách cập cảng Vân Đồn sáng nay.</p>", published_at=hours_ago(1)
    )
    make_article(title="Tin chiều", lead="Chiều nay ở Vân Đồn.", published_at=hours_ago(5))
    make_article(title="Cẩm Phả", published_at=hours_ago(2))
    relevant = found(client, "van don")
    assert (
        relevant[0] == "Vân Đồn đón tàu khách"
    )  # the title hit first (then PostgreSQL weighs the lead higher)
    assert sorted(relevant) == sorted(["Vân Đồn đón tàu khách", "Tin trong ngày", "Tin chiều"])
    assert found(client, "van don", sort="newest") == ["Tin trong ngày", "Tin chiều", "Vân Đồn đón tàu khách"]
    # Accents optional.
    assert found(client, "VAN DÔN", sort="newest") == found(client, "van don", sort="newest")
    # Counted from the matches' ids; a page loads its own articles only.
    newest = search.results(search.parse("van don"), Article.objects.published(), newest=True)
    assert len(newest) == newest.match_count == 3
    assert [article.title for article in newest[1:3]] == ["Tin chiều", "Vân Đồn đón tàu khách"]


@pytest.mark.django_db
def test_the_results_say_their_order_and_link_the_other_keeping_the_search(client):
    section = make_section(name="Văn hóa", slug="van-hoa")
    for number in range(23):
        make_article(title=f"Ba Chẽ số {number}", section=section, published_at=hours_ago(number + 1))
    html = client.get(SEARCH_URL, {"q": "Ba Chẽ", "section": "van-hoa", "page": 2}).content.decode()
    sort = html[html.index('class="search-sort"') :].split("</p>")[0]
    assert '<strong aria-current="true">Phù hợp nhất</strong>' in sort
    assert (
        'href="/search/?q=Ba+Ch%E1%BA%BD&amp;section=van-hoa&amp;sort=newest"' in sort
    )  # from its first page
    assert 'name="sort"' not in html  # the default order needs no field
    newest = client.get(SEARCH_URL, {"q": "Ba Chẽ", "section": "van-hoa", "sort": "newest"})
    html = newest.content.decode()
    assert '<strong aria-current="true">Mới nhất</strong>' in html
    assert 'href="/search/?q=Ba+Ch%E1%BA%BD&amp;section=van-hoa"' in html  # back to the most relevant
    assert '<input type="hidden" name="sort" value="newest"' in html  # a new search keeps the order
    assert 'href="?q=Ba+Ch%E1%BA%BD&amp;section=van-hoa&amp;sort=newest&amp;page=2"' in html
    second = client.get(SEARCH_URL, {"q": "Ba Chẽ", "section": "van-hoa", "sort": "newest", "page": 2})
    assert [article.title for article in second.context["articles"]] == [
        f"Ba Chẽ số {n}" for n in (20, 21, 22)
    ]
    assert client.get(SEARCH_URL, {"q": "Ba Chẽ", "sort": "newest", "page": 3}).status_code == 404
    english = client.get(f"/en{SEARCH_URL}", {"q": "Ba Chẽ", "sort": "newest"}).content.decode()
    assert '<strong aria-current="true">Newest first</strong>' in english and ">Most relevant</a>" in english


@pytest.mark.django_db
def test_the_date_filters_stay_in_the_pages_links(client):
    for number in range(23):
        make_article(title=f"Ba Chẽ số {number}", published_at=hours_ago(number + 1))
    today = timezone.localdate()
    html = client.get(SEARCH_URL, {"q": "Ba Chẽ", "from": f"{today - datetime.timedelta(days=5):%d/%m/%Y}"})
    assert "from=" in html.content.decode().split('class="pagination"')[1].split("</nav>")[0]


@pytest.mark.django_db
def test_quoted_phrase_matches_words_side_by_side_and_all_words_match_anywhere():
    make_article(title="Quảng Ninh đón khách", published_at=hours_ago(5))
    make_article(title="Ninh Bình và Quảng Trị", published_at=hours_ago(1))
    make_article(title="Chỉ có Quảng Trị", published_at=hours_ago(1))
    assert matches('"quang ninh"') == ["Quảng Ninh đón khách"]
    assert matches("“Quảng Ninh”") == ["Quảng Ninh đón khách"]  # a phone keyboard's curly quotes
    # Both words anywhere: the one with them side by side first, although older.
    assert matches("quang ninh") == ["Quảng Ninh đón khách", "Ninh Bình và Quảng Trị"]
    assert matches('"ninh quang"') == []
    assert matches('khach "quang ninh"') == ["Quảng Ninh đón khách"]


def test_query_parsing():
    assert search.parse('  Nhiệm VỤ "Quảng   Ninh" vụ ').terms == (("nhiem",), ("vu",), ("quang", "ninh"))
    assert search.parse('"đà nẵng').terms == (("da", "nang"),)  # an unclosed quote runs to the end
    assert search.parse("!!! -- %_ “”").terms == ()
    assert not search.parse("")


# Filters.


@pytest.mark.django_db
def test_the_forms_lists_of_sections_and_authors_follow_the_newsroom(client, fragments, committed):
    """The lists are kept as fragments (a search page printed two lists of a hundred names each time): a new byline,
    a renamed one and a renamed section show at once, and the chosen one stays selected."""
    section, writer = (
        make_section(name="Văn hóa", slug="van-hoa"),
        make_byline(name="Thu Chung", slug="thu-chung"),
    )
    page = client.get(SEARCH_URL, {"q": "yen tu", "author": "thu-chung"}).content.decode()
    assert '<option value="thu-chung" selected>Thu Chung</option>' in page
    assert '<option value="van-hoa">Văn hóa</option>' in page
    with committed():
        make_byline(name="Mai Anh", slug="mai-anh")
        writer.name = "Thu Chung (Quảng Ninh)"
        writer.save()
        section.name = "Văn hóa - Xã hội"
        section.save()
    page = client.get(SEARCH_URL, {"q": "yen tu", "section": "van-hoa"}).content.decode()
    assert '<option value="mai-anh">Mai Anh</option>' in page
    assert '<option value="thu-chung">Thu Chung (Quảng Ninh)</option>' in page
    assert '<option value="van-hoa" selected>Văn hóa - Xã hội</option>' in page


@pytest.mark.django_db
def test_the_cached_lists_print_what_djangos_select_prints():
    from articles.forms import SearchForm

    make_section(name="Văn hóa", slug="van-hoa")
    make_byline(name="Thu <Chung> & co", slug="thu-chung")
    for data in ({"author": "thu-chung", "section": "van-hoa"}, {}):
        form = SearchForm(data)
        for name in ("section", "author"):
            field = form[name]
            fast = str(field)
            field.field.widget.options = None
            assert fast == str(field) and "<option" in fast


@pytest.mark.django_db
def test_filters_by_section_dates_and_author(client):
    culture, sport = (
        make_section(name="Văn hóa", slug="van-hoa"),
        make_section(name="Thể thao", slug="the-thao"),
    )
    writer = make_byline(name="Thu Chung")
    day = datetime.datetime(2024, 5, 10, 9, 0, tzinfo=timezone.get_default_timezone())
    make_article(title="Lễ hội Yên Tử", section=culture, published_at=day, bylines=[writer])
    make_article(title="Giải chạy Yên Tử", section=sport, published_at=day + datetime.timedelta(days=20))
    make_article(title="Yên Tử mùa xuân", section=culture, published_at=day - datetime.timedelta(days=40))
    assert set(found(client, "yen tu")) == {"Lễ hội Yên Tử", "Giải chạy Yên Tử", "Yên Tử mùa xuân"}
    assert found(client, "yen tu", section="the-thao") == ["Giải chạy Yên Tử"]
    assert found(client, "yen tu", author=writer.slug) == ["Lễ hội Yên Tử"]
    assert found(client, "yen tu", **{"from": "2024-05-01", "to": "2024-05-31"}) == [
        "Giải chạy Yên Tử",
        "Lễ hội Yên Tử",
    ]
    assert found(client, "yen tu", **{"from": "2024-05-30"}) == ["Giải chạy Yên Tử"]
    assert found(client, "yen tu", to="2024-05-10") == ["Lễ hội Yên Tử", "Yên Tử mùa xuân"]
    assert found(client, "yen tu", section="van-hoa", to="2024-04-30") == ["Yên Tử mùa xuân"]
    # Typed day first, as the fields ask for it in both languages.
    assert found(client, "yen tu", **{"from": "01/05/2024", "to": "31/05/2024"}) == [
        "Giải chạy Yên Tử",
        "Lễ hội Yên Tử",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "placeholder"), [("", "ngày/tháng/năm"), ("/en", "dd/mm/yyyy")])
def test_date_filters_read_day_month_year_and_print_back_what_was_typed(client, prefix, placeholder):
    make_article(title="Hạ Long về đêm")
    html = client.get(f"{prefix}{SEARCH_URL}", {"q": "ha long", "from": "01/05/2024"}).content.decode()
    for name in ("from", "to"):
        field = re.search(rf'<input [^>]*name="{name}"[^>]*>', html).group()
        assert 'type="text"' in field and f'placeholder="{placeholder}"' in field
    assert 'value="01/05/2024"' in html


@pytest.mark.django_db
def test_date_filter_uses_the_newsroom_day():
    late = datetime.datetime(2024, 5, 10, 23, 30, tzinfo=timezone.get_default_timezone())  # 16:30 UTC
    make_article(title="Tin khuya Móng Cái", published_at=late)
    articles = Article.objects.published()
    assert matches("mong cai", articles.filter(published_on=datetime.date(2024, 5, 10))) == [
        "Tin khuya Móng Cái"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"section": "khong-co"}, "Không có chuyên mục này."),
        ({"author": "ai-do"}, "Không có tác giả này."),
        ({"from": "2017-02-30"}, "Hãy nhập một ngày có thật"),
        ({"to": "hôm qua"}, "Hãy nhập một ngày có thật"),
        ({"from": "2024-05-02", "to": "2024-05-01"}, "Ngày bắt đầu đứng sau ngày kết thúc."),
        ({"sort": "oldest"}, "Kết quả được xếp theo mức phù hợp hoặc mới nhất trước."),
    ],
)
def test_bad_filters_answer_the_form_with_an_error(client, filters, message):
    make_article(title="Hạ Long về đêm")
    response = client.get(SEARCH_URL, {"q": "ha long", **filters})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert response.context["cards"] == []
    assert 'type="hidden" name="sort"' not in html  # the next search is not stuck with a bad order


# Only what readers may see.


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.UNPUBLISHED])
def test_unpublished_articles_are_never_found(client, status):
    make_article(title="Bí mật Cẩm Phả", status=status, published_at=hours_ago(5))
    make_article(title="Tin Cẩm Phả đã đăng")
    assert found(client, "cam pha") == ["Tin Cẩm Phả đã đăng"]


@pytest.mark.django_db
def test_scheduled_article_is_found_only_from_its_time(client):
    make_article(title="Cẩm Phả công bố quy hoạch", published_at=timezone.now() + datetime.timedelta(hours=2))
    assert found(client, "cam pha quy hoach") == []
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        assert found(client, "cam pha quy hoach") == ["Cẩm Phả công bố quy hoạch"]


@pytest.mark.django_db
def test_withdrawn_article_leaves_the_results_without_a_reindex(client):
    article = make_article(title="Tin Uông Bí")
    assert found(client, "uong bi") == ["Tin Uông Bí"]
    Article.objects.filter(pk=article.pk).update(status=Status.UNPUBLISHED)  # the document is left as it was
    assert found(client, "uong bi") == []


# Odd input.


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "x" * 500,
        "!!!",
        "' OR 1=1 --",
        "'; DROP TABLE articles_article; --",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "a\x00b",
        "\x00",
        "%",
        "_",
        "%%%",
        "\\",
        "'",
        '"',
        "&amp; &lt;",
        "quang:* & !ninh | (x)",  # tsquery syntax is only ever words
        "\u202eevil",
    ],
)
def test_odd_queries_answer_a_normal_page_and_never_echo_raw_input(client, q):
    make_article(title="Bài viết có chữ OR và x")
    response = client.get(SEARCH_URL, {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    for dangerous in ("<script>alert", "<img src=x", "\x00", "\u202e", 'value=""><'):
        assert dangerous not in html
    printed = re.search(r'<input type="search" name="q" value="([^"]*)"', html)
    assert printed is None or len(printed.group(1)) <= search.MAX_QUERY_LENGTH
    if not search.words(q):
        assert "Gõ một vài từ" in html  # the "type a word" page: never every article for "%" or "_"
        assert response.context["cards"] == []


@pytest.mark.django_db
def test_the_query_is_cleaned_and_capped_before_use(client):
    response = client.get(SEARCH_URL, {"q": "Hạ\x00Long\tquá " + "x" * 500})
    searched = response.context["searched"]
    assert searched.startswith("HạLong quá x") and len(searched) == search.MAX_QUERY_LENGTH
    assert 'maxlength="200"' in response.content.decode()


@pytest.mark.django_db
def test_sql_fragment_is_searched_as_words(client):
    make_article(title="Tin giá vàng", lead="Giá vàng 1=1 hôm nay.")
    assert found(client, "' OR 1=1 --") == []  # "or" is not in it
    assert found(client, "1=1 vàng") == ["Tin giá vàng"]


# Highlighting.


@pytest.mark.django_db
def test_highlighting_escapes_html_and_marks_only_the_matched_word(client):
    make_article(title="Thị trường hôm nay", lead="Giá <b>vàng</b> tăng & giảm.")
    html = client.get(SEARCH_URL, {"q": "vang"}).content.decode()
    assert "Giá &lt;b&gt;<mark>vàng</mark>&lt;/b&gt; tăng &amp; giảm." in html
    assert "<b>vàng" not in html


@pytest.mark.django_db
def test_a_result_is_the_listings_card_marked_and_the_listing_keeps_it_unmarked(client, fragments):
    """Search results reuse the cards every listing keeps; the marks are put on the way out, never into the kept
    card (a section page rendered after a search shows no marks), and a long lead is whole in a result."""
    section = make_section(name="Văn hóa", slug="van-hoa")
    lead = "Lễ hội Yên Tử " + " ".join(["mùa xuân"] * 30) + " kết thúc ở Yên Tử."
    make_article(title="Lễ hội Yên Tử khai mạc", lead=lead, section=section)
    result = client.get(SEARCH_URL, {"q": "yen tu"}).content.decode()
    assert '<a href="/' in result and "Lễ hội <mark>Yên Tử</mark> khai mạc</a>" in result
    assert "kết thúc ở <mark>Yên Tử</mark>.</p>" in result  # the whole lead, not the listing's 40 words
    listing = client.get("/van-hoa/").content.decode()
    assert "<mark>" not in listing and "Lễ hội Yên Tử khai mạc</a>" in listing
    assert "kết thúc ở Yên Tử." not in listing  # the listing's card: 40 words
    assert (
        "Lễ hội <mark>Yên Tử</mark> khai mạc</a>" in client.get(SEARCH_URL, {"q": "yen tu"}).content.decode()
    )


def test_highlight_maps_folded_matches_back_to_the_original():
    query = search.parse('da nang "quang ninh"')
    assert search.highlight("Từ Đà Nẵng về Quảng Ninh.", query) == (
        "Từ <mark>Đà Nẵng</mark> về <mark>Quảng Ninh</mark>."
    )
    # Decomposed accents stay with their letter; "ß" folds to two letters.
    assert search.highlight("Nha\u0300 Đa\u0300", search.parse("da")) == "Nha\u0300 <mark>Đa\u0300</mark>"
    assert search.highlight("Straße 5", search.parse("strasse")) == "<mark>Straße</mark> 5"
    # An entity is never split: "amp" and "lt" are not in the text a reader sees.
    assert search.highlight("A & B < C", search.parse("amp lt")) == "A &amp; B &lt; C"
    assert search.highlight("vụ, vụ", search.parse("vu")) == "<mark>vụ</mark>, <mark>vụ</mark>"
    assert search.highlight("", query) == ""


# The index stays current.


@pytest.mark.django_db
def test_index_follows_captions_quotes_tags_and_bylines():
    article = make_article(title="Bài có ảnh")
    photo = make_photo(article, caption="Chợ đêm Bãi Cháy")
    quote = make_pull_quote(article, text="Câu nói về hải sản")
    byline = make_byline(name="Ngọc Mai")
    link = ArticleByline.objects.create(article=article, byline=byline)
    assert matches("bai chay") == matches("hai san") == matches("ngoc mai") == ["Bài có ảnh"]

    photo.caption = "Cầu Bãi Cháy lúc hoàng hôn"
    photo.save()
    assert matches("cho dem") == [] and matches("hoang hon") == ["Bài có ảnh"]
    quote.text = "Câu nói về nước mắm"
    quote.save()
    assert matches("hai san") == [] and matches("nuoc mam") == ["Bài có ảnh"]
    byline.name = "Ngọc Lan"
    byline.save()
    assert matches("ngoc mai") == [] and matches("ngoc lan") == ["Bài có ảnh"]
    link.delete()
    assert matches("ngoc lan") == []
    article.tags.add("Làng chài")
    assert matches("lang chai") == ["Bài có ảnh"]
    tag = Tag.objects.get(name="Làng chài")
    tag.name = "Làng biển"
    tag.save()
    assert matches("lang chai") == [] and matches("lang bien") == ["Bài có ảnh"]
    article.tags.remove(tag)
    assert matches("lang bien") == []
    photo.delete()
    quote.delete()
    assert matches("hoang hon") == matches("nuoc mam") == []


@pytest.mark.django_db
def test_corrected_article_is_found_by_its_new_words_only():
    article = make_article(title="Hạ Long đón 1 triệu khách")
    article.title = "Hạ Long đón 2 triệu khách"
    article.correction_note = "Sửa số khách."
    article.corrected_at = timezone.now()
    article.save()
    assert matches("1 trieu") == []
    assert matches("2 trieu") == ["Hạ Long đón 2 triệu khách"]


@pytest.mark.django_db
def test_saves_that_change_nothing_searchable_do_not_reindex(django_assert_num_queries):
    writer = make_byline(name="Tú Anh")
    article = make_article(title="Tin Tiên Yên", bylines=[writer])
    article.status = Status.UNPUBLISHED
    # the slug's check, savepoint, the state before (for the page cache), the UPDATE, the article's bylines and
    # tags in one query (the lists it leaves), the invalidation's journal row, release: no document rebuilt
    with django_assert_num_queries(7):
        article.save(update_fields=["status"])
    writer.bio = "Viết về biển."
    # the old name (for search), the old public fields (for the page cache), the UPDATE, the invalidation's journal
    # row (the bio is printed on the author's page): the byline's articles are left alone
    with django_assert_num_queries(4):
        writer.save()


@pytest.mark.django_db
def test_deleting_an_article_with_children_works():
    article = make_article(title="Tin sẽ xóa", bylines=[make_byline()], tags=["Xóa"])
    make_photo(article)
    make_pull_quote(article)
    article.delete()
    assert matches("tin se xoa") == []


@pytest.mark.django_db
def test_reindex_command_rebuilds_documents_written_around_the_models():
    article = make_article(title="Tên cũ")
    Article.objects.filter(pk=article.pk).update(title="Tên mới Đầm Hà")  # a bulk update sends no signal
    assert matches("dam ha") == []
    output = StringIO()
    call_command("reindex_search", stdout=output)
    assert "1 article" in output.getvalue()
    assert matches("dam ha") == ["Tên mới Đầm Hà"]


@pytest.mark.django_db
def test_deferred_indexes_each_article_once_at_the_end(monkeypatch):
    calls = []
    reindex_many = search.reindex_many
    monkeypatch.setattr(search, "reindex_many", lambda articles: calls.append(reindex_many(articles)))
    with search.deferred():
        article = make_article(title="Bài hoãn", tags=["Một", "Hai", "Ba"], bylines=[make_byline()])
        make_pull_quote(article, text="Ghềnh đá")
        assert Article.objects.get(pk=article.pk).search_text == ""  # not yet
        assert calls == []
    assert calls == [1]  # one article, indexed once after its six saves
    assert matches("ghenh da") == ["Bài hoãn"]


@pytest.mark.django_db
def test_each_database_stores_its_own_kind_of_document():
    article = Article.objects.get(pk=make_article(title="Đông Triều", lead="Gốm sứ.").pk)
    assert article.search_title == " dong trieu "
    assert article.search_text.startswith(" dong trieu gom su ")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Weighted by where each word stands: A title, B lead, C the body "Tiêu đề phụ / Đoạn một…".
            for lexeme in ("'dong':1A", "'trieu':2A", "'gom':3B", "'su':4B", "'tieu':5C"):
                assert lexeme in article.search_vector
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector'")
            assert "USING gin (search_vector)" in cursor.fetchone()[0]
            cursor.execute("SELECT unaccent('Đà Nẵng')")
            assert cursor.fetchone()[0] == "Da Nang"
        else:
            assert article.search_vector is None


# The results page.


@pytest.mark.django_db
def test_results_page_shows_count_section_time_title_and_marked_lead(client):
    section = make_section(name="Du lịch", slug="du-lich")
    published = datetime.datetime(2024, 7, 1, 8, 15, tzinfo=timezone.get_default_timezone())
    make_article(
        title="Cô Tô vào mùa",
        section=section,
        lead="Đảo Cô Tô đón khách.",
        published_at=published,
        bylines=[make_byline(name="Mạnh Trường")],
    )
    make_article(title="Hè ở Cô Tô", section=section)
    html = client.get(SEARCH_URL, {"q": "co to"}).content.decode()
    assert "2 bài viết cho “co to”" in html
    assert '<a class="section-tag" href="/du-lich/">Du lịch</a>' in html
    assert ">08:15 | 01/07/2024</time> · Mạnh Trường" in html
    assert "<mark>Cô Tô</mark> vào mùa</a>" in html
    assert "Đảo <mark>Cô Tô</mark> đón khách." in html


@pytest.mark.django_db
def test_no_results_page_offers_suggestions(client):
    make_article(title="Tin Bình Liêu")
    html = client.get(SEARCH_URL, {"q": "binh lieu tuyet", "section": ""}).content.decode()
    assert "Không tìm thấy bài viết nào cho “binh lieu tuyet”." in html
    assert "Kiểm tra chính tả của từng từ." in html
    assert "Dùng ít từ hơn" in html
    assert 'href="#by-date-date"' in html and 'id="by-date-date"' in html


@pytest.mark.django_db
def test_results_are_paginated_keeping_the_query(client):
    for number in range(23):
        make_article(title=f"Ba Chẽ số {number}", published_at=hours_ago(number + 1))
    first = client.get(SEARCH_URL, {"q": "Ba Chẽ", "section": ""})
    assert len(first.context["articles"]) == 20
    assert 'href="?q=Ba+Ch%E1%BA%BD&amp;page=2"' in first.content.decode()
    second = client.get(SEARCH_URL, {"q": "Ba Chẽ", "page": 2})
    assert [a.title for a in second.context["articles"]] == ["Ba Chẽ số 20", "Ba Chẽ số 21", "Ba Chẽ số 22"]
    assert client.get(SEARCH_URL, {"q": "Ba Chẽ", "page": "abc"}).status_code == 404
    assert client.get(SEARCH_URL, {"q": "Ba Chẽ", "page": 9}).status_code == 404


def _articles_with(count, parts, section, writer):
    for number in range(count):
        article = make_article(
            title=f"Hải Hà {number}",
            section=section,
            bylines=[writer, *(make_byline() for _ in range(parts - 1))],
            tags=[f"chủ đề {n}" for n in range(parts)],
        )
        make_photo(article, is_lead=True)


@pytest.mark.django_db
def test_results_page_query_count_does_not_grow_with_results(
    client, django_assert_num_queries, fragments, committed
):
    section, writer = make_section(slug="hai-ha"), make_byline(slug="tac-gia")
    _articles_with(1, 1, section, writer)
    client.get(
        SEARCH_URL, {"q": "hai ha"}
    )  # a first visit fills the template, content-type and fragment caches
    # Nothing: the first visit kept the matches of "hai ha" and its page's marked cards, and the header's
    # navigation, the update stamp and the form's lists of sections and authors are kept fragments.
    with django_assert_num_queries(0):
        response = client.get(SEARCH_URL, {"q": "hai ha"})
    assert response.content.decode().count('<h2 class="card-title">') == 1
    with committed():
        _articles_with(24, 3, section, writer)
    # The new articles changed the site: the matches are found and the fragments rendered again, once.
    client.get(SEARCH_URL, {"q": "hai ha"})
    with django_assert_num_queries(0):
        response = client.get(SEARCH_URL, {"q": "hai ha"})
    html = response.content.decode()
    assert html.count('class="card-thumb"') == 20
    # Each kept card names its authors and has the reader's words marked in its title.
    assert html.count('<h2 class="card-title"><a href="') == 20
    assert len(re.findall(r'<h2 class="card-title"><a href="[^"]*"><mark>Hải Hà</mark> \d+</a>', html)) == 20
    assert html.count(f"</time> · {writer.name}") == 20
    # The second page's matches are kept, not its cards: its titles and leads to mark them, and its five articles
    # with their photos and bylines to print their cards. Then nothing.
    with django_assert_num_queries(4):
        client.get(SEARCH_URL, {"q": "hai ha", "page": 2})
    with django_assert_num_queries(0):
        html = client.get(SEARCH_URL, {"q": "hai ha", "page": 2}).content.decode()
    assert len(re.findall(r'<h2 class="card-title"><a href="[^"]*"><mark>Hải Hà</mark> \d+</a>', html)) == 5
    filtered = {"q": "hai ha", "section": "hai-ha", "author": "tac-gia"}
    # The section and the author looked up, the matches found; the same twenty articles' marked cards were kept.
    with django_assert_num_queries(3):
        response = client.get(SEARCH_URL, filtered)
    assert response.content.decode().count('class="card-thumb"') == 20
    with django_assert_num_queries(2):  # and kept: only the section and the author are looked up
        response = client.get(SEARCH_URL, filtered)
    assert response.content.decode().count('class="card-thumb"') == 20
    # Newest first: the matches found; equal in rank, they come in the same order, and the page was kept.
    with django_assert_num_queries(1):
        response = client.get(SEARCH_URL, {"q": "hai ha", "sort": "newest"})
    assert response.content.decode().count('class="card-thumb"') == 20
    with django_assert_num_queries(0):
        response = client.get(SEARCH_URL, {"q": "hai ha", "sort": "newest"})
    assert response.content.decode().count('class="card-thumb"') == 20


@pytest.mark.django_db
def test_kept_matches_follow_every_change_readers_can_see_and_no_other(
    client, django_assert_num_queries, fragments, committed
):
    """A search's matches are kept by what was asked, however it was typed, and found again as soon as a published
    text changes: an article published, a title edited to have the words, one withdrawn, one scheduled coming out.
    A draft changes nothing."""
    section = make_section(name="Văn hóa", slug="van-hoa")
    with committed():
        first = make_article(title="Lễ hội Yên Tử khai mạc", section=section, published_at=hours_ago(3))
    assert found(client, "Yên Tử") == ["Lễ hội Yên Tử khai mạc"]
    with django_assert_num_queries(0):  # "yen tu" asks what "Yên Tử" asked: its matches and page were kept
        response = client.get(SEARCH_URL, {"q": "yen tu"})
    assert [article.title for article in response.context["articles"]] == ["Lễ hội Yên Tử khai mạc"]
    # The same article found by other words is marked where those are; in English, its card prints English dates.
    assert "<mark>Lễ hội</mark> Yên Tử khai mạc" in client.get(SEARCH_URL, {"q": "le hoi"}).content.decode()
    english = client.get("/en" + SEARCH_URL, {"q": "yen tu"}).content.decode()
    result = english.split('<div class="listing">')[1].split('<h2 class="card-title">')[0]
    with translation.override("en"):
        assert f">{news_time(first.published_at)}</time>" in result
    assert "Lễ hội <mark>Yên Tử</mark> khai mạc" in english
    with committed():
        make_article(title="Chùa Đồng trên đỉnh Yên Tử", section=section, published_at=hours_ago(2))
    assert found(client, "yen tu") == ["Chùa Đồng trên đỉnh Yên Tử", "Lễ hội Yên Tử khai mạc"]
    with committed():
        other = make_article(title="Mùa xuân ở Hạ Long", section=section)
    assert len(found(client, "yen tu")) == 2
    with committed():
        other.title = "Mùa xuân ở Yên Tử"
        other.save()
    assert found(client, "yen tu")[0] == "Mùa xuân ở Yên Tử"
    with committed():
        make_article(title="Bản nháp về Yên Tử", section=section, status=Status.DRAFT)
    with django_assert_num_queries(0):  # nobody can read a draft: the kept matches and page stand
        response = client.get(SEARCH_URL, {"q": "yen tu"})
    assert len(response.context["articles"]) == 3
    with committed():  # the same articles, one title edited: its marked card follows
        first.title = "Lễ hội Yên Tử khai mạc tưng bừng"
        first.save()
    assert (
        "Lễ hội <mark>Yên Tử</mark> khai mạc tưng bừng</a>"
        in client.get(SEARCH_URL, {"q": "yen tu"}).content.decode()
    )
    with committed():
        first.status = Status.UNPUBLISHED
        first.save()
    assert not any(title.startswith("Lễ hội Yên Tử") for title in found(client, "yen tu"))
    with committed():
        make_article(
            title="Yên Tử đón khách",
            section=section,
            published_at=timezone.now() + datetime.timedelta(hours=1),
        )
    assert "Yên Tử đón khách" not in found(client, "yen tu")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert found(client, "yen tu")[0] == "Yên Tử đón khách"


@pytest.mark.django_db
def test_search_box_in_every_page_header_and_a_link_in_the_footer(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    form = re.search(r'<form class="search-form" role="search"[^>]*action="/search/" method="get">', header)
    assert form
    assert '<label class="visually-hidden" for="site-search">Tìm tin bài</label>' in header
    assert '<input id="site-search" type="search" name="q" maxlength="200"' in header
    assert '<button type="submit">Tìm kiếm</button>' in header
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/search/">Tìm kiếm</a>' in footer


@pytest.mark.django_db
def test_search_works_in_english_too(client, demo):
    with translation.override("vi"):  # the request switches this thread to English: leave it as it was
        response = client.get("/en/search/", {"q": "nhiem vu trong tam quang ninh"})
    html = response.content.decode()
    assert "1 article found for “nhiem vu trong tam quang ninh”" in html
    assert REFERENCE_TITLE.split(",")[0] in html.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.django_db
def test_the_rum_index_command_says_what_it_did():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="SQLite searches without it"):
            call_command("create_rum_index")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        offered = cursor.fetchone() is not None
    if offered:
        out = StringIO()
        call_command("create_rum_index", stdout=out)
        assert search.RUM_INDEX in out.getvalue() and search.uses_rum(connection)
    else:
        with pytest.raises(CommandError, match="no RUM extension"):
            call_command("create_rum_index")
