"""Content keys: each kind of public response names what it was built from, and each kind of edit names what it
made stale (articles/cachekeys.py has the table of keys)."""

import datetime

import pytest
from django.utils import timezone

from articles import cachekeys, workflow
from articles.models import Status
from pagecache.models import Invalidation

from .factories import make_article, make_byline, make_photo, make_section, make_user

pytestmark = pytest.mark.django_db


def keys_of(response):
    assert response["Surrogate-Key"] == response["xkey"]
    return set(response["xkey"].split())


def edge_keys(client, url):
    """The keys of the page itself, as an edge that fills the update stamp and the latest news apart sees them."""
    response = client.get(url, HTTP_SURROGATE_CAPABILITY='varnish="ESI/1.0"')
    return response, keys_of(response)


@pytest.fixture
def paper():
    day = timezone.localdate() - datetime.timedelta(days=10)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    section, other = make_section(slug="thoi-su"), make_section(slug="the-thao")
    writer, photographer = make_byline(slug="le-tung"), make_byline(slug="xuan-viet")
    article = make_article(
        section=section,
        bylines=[writer, photographer],
        tags=["Hạ Long"],
        published_at=moment,
        title="Bài có đủ thứ",
    )
    make_photo(article, is_lead=True)
    neighbour = make_article(section=other, published_at=moment - datetime.timedelta(hours=2))
    # so that the day's "previous day with news" and "next day with news" are known days, not the archive's ends
    make_article(section=other, title="Tin hôm nay")
    make_article(section=other, title="Tin tháng trước", published_at=moment - datetime.timedelta(days=20))
    return {
        "article": article,
        "neighbour": neighbour,
        "section": section,
        "writer": writer,
        "photographer": photographer,
        "tag": article.tags.get(),
        "day": day,
    }


def test_an_article_page_names_the_article_its_section_bylines_tags_and_the_days_around_it(client, paper):
    article, day = paper["article"], paper["day"]
    response, keys = edge_keys(client, article.get_absolute_url())
    assert {
        f"a{article.pk}",
        f"s{paper['section'].pk}",
        f"b{paper['writer'].pk}",
        f"b{paper['photographer'].pk}",
        f"t{paper['tag'].pk}",
        f"a{paper['neighbour'].pk}",  # shown as other news
        cachekeys.NAV,
        cachekeys.day(day),
    } <= keys
    assert cachekeys.day(day - datetime.timedelta(days=7)) in keys  # related by topic within a week
    assert "<esi:include" in response.content.decode()


def test_the_front_page_names_the_whole_list_and_each_article_it_shows(client, paper):
    _response, keys = edge_keys(client, "/")
    assert {cachekeys.ALL, f"a{paper['article'].pk}", f"s{paper['section'].pk}", cachekeys.NAV} <= keys


def test_each_listing_names_its_own_list(client, paper):
    article = paper["article"]
    pages = {
        "/thoi-su/": cachekeys.section_list(paper["section"].pk),
        "/author/le-tung/": cachekeys.byline_list(paper["writer"].pk),
        f"/tag/{paper['tag'].slug}/": cachekeys.tag_list(paper["tag"].pk),
        f"/{paper['day']:%Y/%m/%d}/": cachekeys.day(paper["day"]),
        f"/{paper['day']:%Y/%m}/": cachekeys.month(paper["day"]),
        f"/{paper['day']:%Y}/": cachekeys.year(paper["day"]),
    }
    for url, key in pages.items():
        response, keys = edge_keys(client, url)
        assert response.status_code == 200, url
        assert key in keys, url
        if key.startswith(
            ("sl", "bl", "tl", "d")
        ):  # not this year's or month's "next" links, which run to the end
            assert cachekeys.ALL not in keys, url  # the latest news column is a hole of its own
        if url != f"/{paper['day']:%Y/%m}/" and url != f"/{paper['day']:%Y}/":
            assert f"a{article.pk}" in keys, url


def test_a_page_served_whole_names_its_holes_keys_too(client, paper):
    keys = keys_of(client.get("/thoi-su/"))
    assert cachekeys.ALL in keys and cachekeys.ANY in keys  # the update stamp and the latest news are in it


def test_feeds_sitemaps_and_search_name_their_lists(client, paper):
    assert {cachekeys.ALL, f"a{paper['article'].pk}", f"b{paper['writer'].pk}"} <= keys_of(
        client.get("/feeds/latest/")
    )
    assert cachekeys.section_list(paper["section"].pk) in keys_of(client.get("/thoi-su/feed/"))
    for url in ("/sitemap.xml", "/sitemap-articles.xml", "/news-sitemap.xml"):
        keys = keys_of(client.get(url))
        assert {cachekeys.ALL, cachekeys.ANY} <= keys, url
        assert not any(key.startswith("a") and key[1:].isdigit() for key in keys), (
            url
        )  # broad keys, not thousands
    assert {cachekeys.ALL, cachekeys.ANY} <= keys_of(client.get("/search/?q=thu"))


def test_the_404_of_a_dated_address_names_its_day(client, paper):
    response, keys = edge_keys(client, f"/{paper['day']:%Y/%m/%d}/khong-co-bai-nay/")
    assert response.status_code == 404 and cachekeys.day(paper["day"]) in keys


def test_holes_have_their_own_keys(client, paper):
    assert {cachekeys.ALL, cachekeys.ANY} <= keys_of(client.get("/_esi/stamp/"))
    assert {cachekeys.ALL, f"a{paper['article'].pk}"} <= keys_of(client.get("/en/_esi/latest/"))


# Edits: the keys each one makes stale.


def latest_keys():
    return set(Invalidation.objects.latest("pk").key_list)


def test_publishing_names_every_list_the_article_joins(paper, editor):
    draft = make_article(
        section=paper["section"], bylines=[paper["writer"]], tags=["Cô Tô"], status=Status.APPROVED
    )
    rows = Invalidation.objects.count()
    workflow.perform(draft, "publish", editor)
    assert Invalidation.objects.count() == rows + 1
    today = timezone.localdate()
    assert latest_keys() >= {
        f"a{draft.pk}",
        cachekeys.ALL,
        cachekeys.ANY,
        cachekeys.section_list(paper["section"].pk),
        cachekeys.byline_list(paper["writer"].pk),
        cachekeys.tag_list(draft.tags.get().pk),
        cachekeys.day(today),
        cachekeys.month(today),
        cachekeys.year(today),
    }


def test_a_correction_names_the_article_not_its_lists(paper, editor):
    article = paper["article"]
    article.title = "Tiêu đề đã sửa"
    article.save()
    assert latest_keys() == {f"a{article.pk}", cachekeys.ANY}


def test_moving_and_redating_name_the_lists_it_leaves_and_joins(paper, section=None):
    article = paper["article"]
    other = make_section()
    article.section = other
    article.save()
    keys = latest_keys()
    assert {cachekeys.section_list(paper["section"].pk), cachekeys.section_list(other.pk)} <= keys
    article.published_at -= datetime.timedelta(days=40)
    article.save()  # a new address, too: the old one becomes a redirect
    keys = set(Invalidation.objects.exclude(keys="redir").latest("pk").key_list)
    assert {cachekeys.day(paper["day"]), cachekeys.day(paper["day"] - datetime.timedelta(days=40))} <= keys


def test_retagging_and_rebylining_name_the_topic_and_author_lists(paper):
    article = paper["article"]
    article.tags.add("Vân Đồn")
    new_tag = article.tags.get(name="Vân Đồn")
    assert {f"a{article.pk}", cachekeys.tag_list(new_tag.pk)} <= latest_keys()
    link = article.byline_links.get(byline=paper["photographer"])
    stranger = make_byline()
    link.byline = stranger
    link.save()
    assert {
        cachekeys.byline_list(paper["photographer"].pk),
        cachekeys.byline_list(stranger.pk),
    } <= latest_keys()


def test_renaming_names_the_byline_section_or_tag_wherever_printed(paper):
    paper["writer"].name = "Lê Thanh Tùng"
    paper["writer"].save()
    assert latest_keys() == {
        f"b{paper['writer'].pk}",
        cachekeys.BYLINES,
    }  # and the search form's list of names
    paper["writer"].bio = "Phóng viên thời sự."
    paper["writer"].save()
    assert latest_keys() == {f"b{paper['writer'].pk}"}  # not on the form
    paper["section"].name = "Thời sự tỉnh"
    paper["section"].save()
    assert latest_keys() == {f"s{paper['section'].pk}", cachekeys.NAV}
    paper["tag"].name = "Vịnh Hạ Long"
    paper["tag"].save()
    assert latest_keys() == {f"t{paper['tag'].pk}"}


def test_a_photo_caption_names_its_article(paper):
    photo = paper["article"].photos.get()
    photo.caption = "Chú thích mới"
    photo.save()
    assert latest_keys() == {f"a{paper['article'].pk}", cachekeys.ANY}


def test_scheduling_names_the_lists_it_will_join_and_the_schedule(paper, editor):
    draft = make_article(section=paper["section"], status=Status.APPROVED)
    later = timezone.now() + datetime.timedelta(days=1)
    workflow.perform(draft, "publish", editor, when=later)
    keys = latest_keys()
    assert {
        "sched",
        cachekeys.section_list(paper["section"].pk),
        cachekeys.day(timezone.localdate(later)),
    } <= keys
    assert f"a{draft.pk}" not in keys and cachekeys.ANY not in keys  # nothing readers can see changed yet


def test_the_schedule_names_each_coming_article_s_lists_in_two_queries(paper, django_assert_num_queries):
    later = timezone.now() + datetime.timedelta(hours=5)
    coming = make_article(
        section=paper["section"], bylines=[paper["writer"]], tags=["Hạ Long", "Du lịch"], published_at=later
    )
    alone = make_article(section=paper["section"], published_at=later + datetime.timedelta(hours=1))
    with django_assert_num_queries(2):  # the coming articles, then their bylines and tags together
        changes = cachekeys.upcoming()
    tags = {tag.pk for tag in coming.tags.all()}
    assert [when for when, _keys in changes] == [coming.published_at, alone.published_at]
    assert {cachekeys.byline_list(paper["writer"].pk), f"a{coming.pk}"} | {
        cachekeys.tag_list(pk) for pk in tags
    } <= changes[0][1]
    assert not {key for key in changes[1][1] if key.startswith(("bl", "tl"))}  # no byline, no topic


def test_saves_no_reader_can_see_name_nothing(paper, editor, reporter):
    rows = Invalidation.objects.count()
    draft = make_article(section=paper["section"], status=Status.DRAFT, created_by=reporter, tags=["Nháp"])
    make_photo(draft)
    draft.title = "Nháp mới"
    draft.save()
    workflow.perform(draft, "submit", reporter)
    workflow.perform(draft, "start_review", editor)
    paper["writer"].user = make_user("khongbutdanh", role="Editors")  # whose account it is is not printed
    paper["writer"].save()
    article = paper["article"]
    article.version += 1  # a workflow stamp, not content
    article.save()
    assert Invalidation.objects.count() == rows
