"""The readers' page cache: whole pages for anonymous readers, exact after every edit, and only what changed."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

import pagecache.conf
from articles import workflow
from articles.models import Article, Status
from articles.sitemaps import ArticleSitemap
from pagecache.models import Invalidation
from readership import counting

from .factories import make_article, make_byline, make_section, make_user
from .pages import main_column

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    article = make_article(title="Bài được lưu đệm")
    first = client.get(article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):  # the whole page comes from the cache
        second = client.get(article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def _s_maxage(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    return next(int(part.split("=")[1]) for part in cache_control if part.startswith("s-maxage="))


def test_edge_and_browser_headers(client, settings):
    url = make_article().get_absolute_url()
    response = client.get(url)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "stale-if-error=86400"} <= cache_control
    # Filled in here, the page carries the "most read" block, which is rebuilt every few minutes; an edge that
    # fills it itself keeps the page for hours (purges keep it exact) and asks for the block apart.
    assert counting.BLOCK_SECONDS - 5 <= _s_maxage(response) <= counting.BLOCK_SECONDS
    esi = client.get(url, HTTP_SURROGATE_CAPABILITY='varnish="ESI/1.0"')
    assert settings.PAGECACHE["SECONDS"] - 5 <= _s_maxage(esi) <= settings.PAGECACHE["SECONDS"]
    assert response["Surrogate-Key"] == response["xkey"]
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    assert "Cookie" not in response.get("Vary", "") and "Accept-Language" not in response.get("Vary", "")


def test_conditional_requests_answer_304(client):
    url = make_article().get_absolute_url()
    response = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_staff_with_a_valid_session_get_a_fresh_private_page(client, editor):
    article = make_article(title="Bản cũ")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="Bản mới")  # no signal: the cache cannot know
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in response and "xkey" not in response
    assert "private" in response["Cache-Control"]
    assert "Bản mới" in response.content.decode()


def test_a_made_up_session_cookie_gets_the_cached_page(client):
    article = make_article(title="Bản cũ")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="Bản mới")
    client.cookies["sessionid"] = "made-up-by-a-visitor-0123456789abcdef"
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit" and "Bản cũ" in response.content.decode()


def test_a_readers_own_session_and_other_cookies_get_the_cached_page(client, reader):
    article = make_article()
    client.get(article.get_absolute_url())
    client.force_login(reader)  # a real session, but not staff
    client.cookies["_ga"] = "GA1.2.3"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_logged_out_staff_cookie_gets_the_cached_page(client, editor):
    article = make_article()
    client.get(article.get_absolute_url())
    client.force_login(editor)
    key = client.cookies["sessionid"].value
    SessionStore(key).delete()  # logged out elsewhere: the browser still sends the cookie
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_the_host_is_checked_on_cache_hits_too(client):
    url = make_article().get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url, HTTP_HOST="evil.example").status_code == 400


def test_languages_are_cached_separately(client):
    make_article()
    vietnamese, english = client.get("/"), client.get("/en/")
    assert 'lang="vi"' in vietnamese.content.decode() and 'lang="en"' in english.content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit" and client.get("/en/")["X-Page-Cache"] == "hit"


def test_admin_previews_and_unknown_addresses_are_not_cached(client, editor):
    article = make_article()
    assert "X-Page-Cache" not in client.get("/admin/login/")
    response = client.get("/khong-co-chuyen-muc-nay/")
    assert response.status_code == 404 and "X-Page-Cache" not in response
    assert "no-cache" in response["Cache-Control"]  # an edge must not keep it either
    client.force_login(editor)
    assert "X-Page-Cache" not in client.get(f"/preview/{article.pk}/")


def test_tracking_parameters_share_the_cached_page_and_are_not_echoed(client):
    article = make_article(title="Tin được chia sẻ")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    shared = client.get(article.get_absolute_url() + "?utm_source=facebook&fbclid=IwAR0abc")
    assert shared["X-Page-Cache"] == "hit"
    assert "fbclid" not in shared.content.decode() and "utm_source" not in shared.content.decode()


def test_every_parameter_a_page_reads_is_part_of_its_cache_key(client, monkeypatch):
    section = make_section(slug="kinh-te")
    for number in range(25):
        make_article(section=section, published_at=timezone.now() - datetime.timedelta(hours=number + 1))
    assert client.get("/kinh-te/")["X-Page-Cache"] == "miss"
    assert client.get("/kinh-te/?page=2")["X-Page-Cache"] == "miss"
    monkeypatch.setattr(ArticleSitemap, "limit", 10)
    first = client.get("/sitemap-articles.xml")
    second = client.get(
        "/sitemap-articles.xml?p=2"
    )  # one anonymous request must not make page 2 answer for 1
    assert second["X-Page-Cache"] == "miss" or second.content != first.content
    assert client.get("/sitemap-articles.xml?p=2")["X-Page-Cache"] == "hit"


def test_the_404_of_a_dated_address_is_cached_until_that_day_changes(client, committed, editor):
    section = make_section()
    day = timezone.localdate() - datetime.timedelta(days=3)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0)))
    url = f"/{day:%Y/%m/%d}/tin-sap-dang/"
    missing = client.get(url)
    assert missing.status_code == 404 and f"d{day:%Y%m%d}" in missing["xkey"].split()
    assert client.get(url)["X-Page-Cache"] == "hit"
    article = make_article(section=section, title="Tin sắp đăng", slug="tin-sap-dang", status=Status.APPROVED)
    with committed():
        workflow.perform(article, "publish", editor, when=moment)
    assert client.get(url).status_code == 200


def test_a_page_kept_in_this_process_gives_way_to_an_edit_made_in_another(client):
    article = make_article(title="Bản cũ")
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"  # now in the store and in memory
    Article.objects.filter(pk=article.pk).update(title="Bản mới")  # another process's edit…
    pagecache.conf.store().bump([f"a{article.pk}"])  # …and its invalidation reaching the shared store
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "Bản mới" in response.content.decode()


# What edits do to the cached pages, through the workflow as the newsroom makes them.


@pytest.fixture
def desk(editor, committed):
    """Two sections with two months of news, committed: what a page shows is now only what tests change."""
    with committed():
        section, other = (
            make_section(name="Thời sự", slug="thoi-su"),
            make_section(name="Thể thao", slug="the-thao"),
        )
        writer = make_byline(name="Lê Tùng", slug="le-tung")
        now = timezone.now()
        for number in range(60):
            make_article(
                section=section if number % 2 else other,
                title=f"Tin thường ngày {number}",
                published_at=now - datetime.timedelta(days=number, hours=2),
            )
        old = make_article(
            section=other, title="Tin cũ ở mục khác", published_at=now - datetime.timedelta(days=40, hours=5)
        )
        shown = make_article(section=section, title="Tin đang đọc", bylines=[writer], tags=["Hạ Long"])
    return {
        "section": section,
        "other": other,
        "writer": writer,
        "old": old,
        "shown": shown,
        "editor": editor,
    }


def visit(client, *urls):
    return {url: client.get(url) for url in urls}


def outcomes(client, *urls):
    return {url: client.get(url).get("X-Page-Cache") for url in urls}


def test_publishing_shows_at_once_where_the_article_belongs_and_nowhere_else(client, committed, desk):
    draft = make_article(section=desk["section"], title="Tin nóng vừa đăng", status=Status.APPROVED)
    old = desk["old"].get_absolute_url()
    visit(client, "/", "/thoi-su/", "/en/", old, "/the-thao/")
    with committed():
        workflow.perform(draft, "publish", desk["editor"])
    assert "Tin nóng vừa đăng" in client.get("/").content.decode()
    assert "Tin nóng vừa đăng" in client.get("/thoi-su/").content.decode()
    assert "Tin nóng vừa đăng" in client.get("/en/").content.decode()
    # the other section's page and an article of 40 days ago show nothing of it: still served from the cache
    assert outcomes(client, "/the-thao/", old) == {"/the-thao/": "hit", old: "hit"}


def test_a_correction_is_visible_at_once(client, committed, desk):
    article = desk["shown"]
    visit(client, "/", article.get_absolute_url())
    article.title = "Tiêu đề đã sửa"
    with committed():
        article.save()
        workflow.perform(article, "correct", desk["editor"], note="Sửa lỗi chính tả ở tiêu đề.")
    for url in ("/", article.get_absolute_url()):
        assert "Tiêu đề đã sửa" in client.get(url).content.decode(), url


def test_unpublishing_is_visible_at_once(client, committed, desk):
    article = desk["shown"]
    url = article.get_absolute_url()
    visit(client, "/", url, "/thoi-su/", "/author/le-tung/")
    with committed():
        workflow.perform(article, "unpublish", desk["editor"], comment="Sai thông tin.")
    assert client.get(url).status_code == 404
    for page in ("/", "/thoi-su/", "/author/le-tung/"):
        assert "Tin đang đọc" not in client.get(page).content.decode(), page  # the latest news column too


def test_a_draft_save_invalidates_nothing(client, committed, desk, reporter):
    draft = make_article(section=desk["section"], title="Bản nháp", status=Status.DRAFT, created_by=reporter)
    pages = ["/", "/thoi-su/", desk["shown"].get_absolute_url()]
    visit(client, *pages)
    store = pagecache.conf.store()
    versions_before = store.versions(["all", f"sl{desk['section'].pk}", f"a{draft.pk}"])
    rows_before = Invalidation.objects.count()
    with committed():
        draft.title, draft.body = "Bản nháp sửa lại", "<p>Viết thêm.</p>"
        draft.save()
        draft.tags.set(["Quảng Ninh"])
        workflow.perform(draft, "submit", reporter)
    assert Invalidation.objects.count() == rows_before
    assert store.versions(["all", f"sl{desk['section'].pk}", f"a{draft.pk}"]) == versions_before
    assert set(outcomes(client, *pages).values()) == {"hit"}


def test_review_steps_on_an_unpublished_article_invalidate_nothing(client, committed, desk, reporter):
    article = make_article(section=desk["section"], status=Status.IN_REVIEW, created_by=reporter)
    visit(client, "/", "/thoi-su/")
    rows_before = Invalidation.objects.count()
    with committed():
        workflow.perform(article, "start_review", desk["editor"])
        workflow.perform(article, "approve", desk["editor"])
    assert Invalidation.objects.count() == rows_before
    assert set(outcomes(client, "/", "/thoi-su/").values()) == {"hit"}


def test_an_edit_that_rolls_back_invalidates_nothing(client, desk):
    from django.db import transaction

    article = desk["shown"]
    visit(client, article.get_absolute_url())
    rows_before = Invalidation.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "Sửa rồi bỏ"
        article.save()
        raise RuntimeError("the save failed half-way")
    assert Invalidation.objects.count() == rows_before
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_moving_an_article_to_another_section_updates_both(client, committed, desk):
    article = desk["shown"]
    visit(client, "/thoi-su/", "/the-thao/")
    with committed():
        article.section = desk["other"]
        article.save()
    assert "Tin đang đọc" not in main_column(client.get("/thoi-su/").content.decode())
    assert "Tin đang đọc" in main_column(client.get("/the-thao/").content.decode())


def test_renaming_a_byline_or_a_section_is_visible_at_once(client, committed, desk):
    article = desk["shown"]
    visit(client, article.get_absolute_url(), "/")
    with committed():
        desk["writer"].name = "Lê Thanh Tùng"
        desk["writer"].save()
        desk["section"].name = "Thời sự trong tỉnh"
        desk["section"].save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Lê Thanh Tùng" in html and "Thời sự trong tỉnh" in html
    assert "Thời sự trong tỉnh" in client.get("/").content.decode()


def test_a_byline_bio_change_purges_the_author_page_not_the_front_page(client, committed, desk):
    visit(client, "/author/le-tung/", "/")
    with committed():
        desk["writer"].bio = "Phóng viên mảng thời sự."
        desk["writer"].save()
    assert "Phóng viên mảng thời sự." in client.get("/author/le-tung/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_a_scheduled_article_appears_at_its_time_with_no_edit(client, committed, desk):
    later = timezone.now() + datetime.timedelta(minutes=30)
    article = make_article(section=desk["section"], title="Tin hẹn giờ", status=Status.APPROVED)
    with committed():
        workflow.perform(article, "publish", desk["editor"], when=later)
    old_page = desk["old"].get_absolute_url()
    pages = ["/", "/thoi-su/", old_page]
    assert all("Tin hẹn giờ" not in response.content.decode() for response in visit(client, *pages).values())
    assert [client.get(article.get_absolute_url()).status_code for _ in range(2)] == [
        404,
        404,
    ]  # not yet, kept
    home = client.get("/")
    assert home["X-Page-Cache"] == "hit"
    assert (
        int(home["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 30 * 60 + 1
    )  # kept until it is due
    # An article of 40 days ago shows nothing it changes: the edge keeps it the usual hours (filling in the
    # update stamp, which it changes, from its own entry). Served whole, with the stamp in it, it is due then too.
    old = client.get(old_page, HTTP_SURROGATE_CAPABILITY='varnish="ESI/1.0"')
    assert int(old["Cache-Control"].split("s-maxage=")[1].split(",")[0]) > 60 * 60
    whole = client.get(old_page)
    assert int(whole["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 30 * 60 + 1
    with time_machine.travel(later + datetime.timedelta(seconds=5)):
        assert "Tin hẹn giờ" in client.get("/").content.decode()
        assert "Tin hẹn giờ" in client.get("/thoi-su/").content.decode()
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get(old_page)["X-Page-Cache"] == "hit"


def test_rescheduling_earlier_shortens_what_pages_keep(client, committed, desk):
    article = make_article(section=desk["section"], title="Tin dời giờ", status=Status.APPROVED)
    with committed():
        workflow.perform(
            article, "publish", desk["editor"], when=timezone.now() + datetime.timedelta(hours=3)
        )
    client.get("/thoi-su/")
    sooner = timezone.now() + datetime.timedelta(minutes=10)
    with committed():
        workflow.perform(article, "reschedule", desk["editor"], when=sooner)
    with time_machine.travel(sooner + datetime.timedelta(seconds=5)):
        assert "Tin dời giờ" in client.get("/thoi-su/").content.decode()


def test_staff_reading_the_site_are_not_served_stale_pages_and_readers_see_their_publishing(
    client, committed, desk
):
    staff = make_user("bientap2", role="Editors", name="Biên tập hai")
    article = make_article(section=desk["section"], title="Tin của ban biên tập", status=Status.APPROVED)
    visit(client, "/")
    with committed():
        workflow.perform(article, "publish", staff)
    assert "Tin của ban biên tập" in client.get("/").content.decode()


def test_with_nothing_kept_a_fragment_asked_for_twice_in_one_render_is_computed_once(settings):
    """FRAGMENTS=false (and staff's fresh renders) keep nothing between renders; within one, the sections the menu
    loaded serve the block that names them again, and both places still name the keys they were built from."""
    from pagecache.context import begin, current, depends_on, end
    from pagecache.fragments import fragment

    settings.PAGECACHE = {**settings.PAGECACHE, "FRAGMENTS": False}
    computed = []

    def compute():
        computed.append(1)
        depends_on("nav")
        return ["Thời sự", "Kinh tế"]

    token = begin()
    try:
        render = current()
        render.push()
        assert fragment("sections", compute) == ["Thời sự", "Kinh tế"]
        first = render.pop(merge=False)
        render.push()
        assert fragment("sections", compute) == ["Thời sự", "Kinh tế"]
        second = render.pop(merge=False)
    finally:
        end(token)
    assert computed == [1] and first.keys == second.keys == {"nav"}
    token = begin()  # the next render computes it again: nothing is kept between renders
    try:
        fragment("sections", compute)
    finally:
        end(token)
    assert computed == [1, 1]


@pytest.mark.usefixtures("fragments")
def test_an_uncached_page_whose_fragments_are_known_asks_the_store_for_its_clock_alone(
    client, settings, monkeypatch
):
    """Every bump moves the store's clock: while it reads the same, the versions this process read at that value
    are current, so a page rendered again asks for no key's version. Once anything is bumped, every key is asked
    for again, and a fragment showing what changed gives way."""
    settings.PAGECACHE = {**settings.PAGECACHE, "ENABLED": False}
    article = make_article(title="Bản cũ", tags=["Hạ Long"])
    store = pagecache.conf.store()
    asked = []
    versions = store.versions
    monkeypatch.setattr(store, "versions", lambda keys: asked.append(tuple(keys)) or versions(keys))
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())
    asked.clear()
    assert "Bản cũ" in client.get(article.get_absolute_url()).content.decode()
    assert asked and all(keys == () for keys in asked)  # and the clock again: no edit raced the render
    store.bump(["nothing-on-this-page"])
    asked.clear()
    client.get(article.get_absolute_url())
    assert f"a{article.pk}" in {key for keys in asked for key in keys}  # the clock moved: asked again
    Article.objects.filter(pk=article.pk).update(title="Bản mới")
    store.bump([f"a{article.pk}"])
    assert "Bản mới" in client.get(article.get_absolute_url()).content.decode()


def test_a_days_kept_list_and_its_neighbours_links_follow_publishing(client, committed, desk, settings):
    """With the page cache off (fragments kept), a day's archive keeps its count, the ids of its page and the
    nearest days with news: an article published on a day with no news is listed there and becomes the next day of
    the day before; unpublishing it takes both back."""
    settings.PAGECACHE = {**settings.PAGECACHE, "ENABLED": False}
    now = timezone.localtime()
    empty_day = (now - datetime.timedelta(days=70)).date()  # the desk's news stops 61 days back
    before = empty_day - datetime.timedelta(days=1)
    with committed():
        make_article(
            section=desk["other"], title="Tin hôm trước", published_at=now - datetime.timedelta(days=71)
        )
    day_url, before_url = f"/{empty_day:%Y/%m/%d}/", f"/{before:%Y/%m/%d}/"
    next_link = f'rel="next" href="{day_url}"'
    visit(client, day_url, before_url, day_url, before_url)
    assert "Tin mới của ngày trống" not in main_column(client.get(day_url).content.decode())
    assert next_link not in client.get(before_url).content.decode()
    with committed():
        article = make_article(
            section=desk["section"],
            title="Tin mới của ngày trống",
            published_at=timezone.make_aware(datetime.datetime.combine(empty_day, datetime.time(9))),
        )
    assert "Tin mới của ngày trống" in main_column(client.get(day_url).content.decode())
    assert next_link in client.get(before_url).content.decode()
    with committed():
        workflow.perform(article, "unpublish", desk["editor"], comment="Sai ngày.")
    assert "Tin mới của ngày trống" not in main_column(client.get(day_url).content.decode())
    assert next_link not in client.get(before_url).content.decode()


@pytest.mark.parametrize(("bumped", "raced"), [("a{pk}", True), ("nothing-on-this-page", False)])
def test_a_page_whose_content_changed_while_it_was_rendered_is_not_given_to_the_edge_to_keep(
    client, settings, monkeypatch, bumped, raced
):
    """With the page cache off the edge still keeps pages for their keys' time; a page built while a change to
    what it shows committed goes out with no time to keep it. A change to anything else moves the store's clock
    too, but costs the page nothing."""
    from articles import views

    settings.PAGECACHE = {**settings.PAGECACHE, "ENABLED": False, "FRAGMENTS": False}
    article = make_article(title="Tin đang sửa")
    around = views.surroundings

    def surroundings_while_an_edit_commits(shown):
        found = around(shown)
        pagecache.conf.store().bump([bumped.format(pk=article.pk)])
        return found

    client.get(article.get_absolute_url())  # the store's clock starts before the edits below
    monkeypatch.setattr(views, "surroundings", surroundings_while_an_edit_commits)
    response = client.get(article.get_absolute_url())
    assert ("s-maxage=0" in response["Cache-Control"]) is raced


def test_keeping_a_page_asks_the_store_only_for_what_this_process_does_not_know(client, monkeypatch):
    """Keeping a page or a fragment checks that no edit raced its render: while the store's clock stands, the
    versions this process read already are current, and only keys never read are asked for (one round trip)."""
    article = make_article(title="Tin hai thứ tiếng", tags=["Hạ Long"])
    url = article.get_absolute_url()
    store = pagecache.conf.store()
    asked = []
    versions = store.versions
    monkeypatch.setattr(store, "versions", lambda keys: asked.append(tuple(keys)) or versions(keys))
    vietnamese = client.get(url)
    first = {key for keys in asked for key in keys}
    asked.clear()
    english = client.get(f"/en{url}")  # new fragments and page, the same content keys
    assert vietnamese["X-Page-Cache"] == english["X-Page-Cache"] == "miss"
    again = [key for keys in asked for key in keys]
    assert f"a{article.pk}" in english["xkey"].split() and f"a{article.pk}" in first
    assert not set(again) & first, "a key this process read at the same clock was asked for again"
    store.bump([f"a{article.pk}"])  # once the clock moves, keeping reads every key again
    Article.objects.filter(pk=article.pk).update(title="Tin đã sửa")
    asked.clear()
    assert "Tin đã sửa" in client.get(f"/en{url}").content.decode()
    assert f"a{article.pk}" in {key for keys in asked for key in keys}
