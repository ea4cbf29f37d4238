"""WordPress's own test exports imported, then read item by item as a reader (and an editor) finds them."""

import datetime
import html
import re

import pytest
import time_machine
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone, translation
from django.utils.html import escape

from articles.models import Article, ArticleTransition, Revision, Status, article_path
from articles.roles import ensure_roles
from redirects.models import Redirect, normalise
from wordpress import wxr
from wordpress.importer import Importer, Options
from wordpress.models import ImportedPost

from . import wxr as exports
from .factories import make_user
from .pages import main_column, tags

pytestmark = pytest.mark.usefixtures("english")

NOW = datetime.datetime(2026, 11, 28, 2, 0, tzinfo=datetime.UTC)  # conftest.frozen_now, 09:00 in Hà Nội
RAW = re.compile(r"\[/?(caption|gallery|embed|audio|video)\b|<!--\s*/?wp:")


def _imported(name, tmp_path_factory, django_db_blocker):
    path = exports.real_export(name)
    uploads = exports.uploads_for(path, tmp_path_factory.mktemp("uploads"))
    media = tmp_path_factory.mktemp("media")
    with (
        translation.override("en"),
        time_machine.travel(NOW, tick=False),
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        ensure_roles()
        editor = make_user(f"tongbientap-{len(name)}", role="Editors", name="Tổng biên tập")
        report = Importer(path, Options(user=editor, media_dir=uploads)).run()
        posts = {item.post_id: item for item in wxr.items(path) if item.post_type == "post"}
        yield report, posts, editor
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def theme(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from _imported("themeunittestdata.wordpress.xml", tmp_path_factory, django_db_blocker)


def _article(post_id):
    return ImportedPost.objects.select_related("article").get(post_id=post_id).article


def _plain(title):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", title or "")).split())


def _check_every_post(posts, editor):
    """What every post of an export became, seen by a reader and by an editor."""
    reader, desk = Client(), Client()
    desk.force_login(editor)
    for post_id, item in posts.items():
        article = _article(post_id)
        assert article is not None, post_id
        expected_title = _plain(item.title)
        if expected_title:
            assert article.title == expected_title[:300], post_id
        transitions = list(article.transitions.all())
        assert [(t.name, t.user, t.to_state) for t in transitions] == [("import", editor, article.status)]
        assert item.link in transitions[0].comment
        assert article.revisions.filter(kind=Revision.Kind.TRANSITION, transition="import").count() == 1
        public = item.status == "publish" and not item.password
        page = reader.get(article.get_absolute_url())
        if public:
            assert article.status == Status.PUBLISHED and article.is_published, post_id
            assert article.published_at == item.published_at_gmt(), post_id
            assert page.status_code == 200, post_id
            content = main_column(page.content.decode())
            assert f">{escape(article.title)}</h1>" in content, post_id
            author = item.creator.strip(">")
            assert ">Theme " in content and author, post_id  # display names, never logins
            assert item.creator not in re.sub(r"<[^>]+>", " ", content)
            assert not RAW.search(content), (post_id, RAW.search(content))
            body = content.split('class="article-body"')[1].split('class="article-footer"')[0]
            for _tag, attrs in tags(body, "img"):
                assert attrs.get("alt"), post_id  # card thumbnails beside it are decorative, these are not
        else:
            assert page.status_code == 404, post_id
            assert desk.get(f"/preview/{article.pk}/").status_code == 200, post_id


@pytest.mark.django_db
def test_theme_unit_test_data_every_post(theme, frozen_now):
    report, posts, editor = theme
    assert len(posts) == 58
    _check_every_post(posts, editor)


@pytest.mark.django_db
def test_theme_unit_test_data_report(theme):
    report, _posts, _editor = theme
    assert report.items == 186
    assert dict(report.by_type) == {"post": 58, "page": 21, "attachment": 37, "nav_menu_item": 70}
    assert report.outcomes == {"created": 58}
    assert dict(report.states) == {"published": 55, "scheduled": 1, "draft": 2}
    assert dict(report.not_public) == {"password": 1}
    assert sorted(report.bylines_created) == ["Theme Buster", "Theme Reviewer"]
    assert report.untitled == [1169]
    assert len(report.pages) == 21 and (2, "About The Tests") in report.pages
    missing = {(entry.post_id, entry.source) for entry in report.missing_media}
    assert (1031, "attachment 763") in missing
    assert report.left_out["audio"] >= 1 and report.embeds["youtube"] >= 1 and report.embeds["x"] >= 1
    assert report.comments > 0
    text = "\n".join(report.lines())
    assert "#1031 attachment 763" in text


def test_the_reports_names_for_what_was_left_out_are_in_the_sites_language():
    from django.utils import translation

    from wordpress.report import left_out_label

    with translation.override("vi"):
        assert left_out_label("file:link") == "tệp (giữ lại dưới dạng liên kết)"
        assert left_out_label("block:reusable") == "khối dùng lại"
        assert left_out_label("no-address:video") == "[video] không có địa chỉ"
        assert left_out_label("audio") == "audio"  # WordPress's own name for it
    with translation.override("en"):
        assert left_out_label("file:link") == "file (kept as a link)"


@pytest.mark.django_db
def test_theme_unit_test_data_notable_posts(theme, frozen_now):
    reader = Client()
    caption = _article(1163)  # [caption] around a linked image, and a featured image
    photos = list(caption.photos.order_by("placement", "position"))
    assert [(p.caption, p.alt_text, p.is_lead) for p in photos] == [
        ("It’s dangerous to go alone! Take this.", "It’s dangerous to go alone! Take this.", True),
        ("Bell on wharf in San Francisco", "Bell on Wharf", False),
    ]
    page = reader.get(caption.get_absolute_url()).content.decode()
    assert "Bell on wharf in San Francisco" in page and 'alt="Bell on Wharf"' in page

    tiled = _article(1031)  # a gallery of six ids, one of them not in the export
    assert tiled.photos.count() == 5
    assert {p.placement for p in tiled.photos.all()} == {1}  # after the lead paragraph was taken out: block 1

    assert _article(1169).title == "This post has no title, but it still must link to the…"
    assert _article(1173).title == "Markup: Title With Markup"
    special = _article(1174)
    assert special.title == "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>"
    assert reader.get(special.get_absolute_url()).status_code == 200

    defined = _article(993)
    assert defined.lead.startswith("This is a user-defined post excerpt. It should be displayed")
    assert "This is the post content." in defined.body
    generated = _article(1446)
    assert generated.lead.startswith("This is the post content. It should be displayed in place of the auto")
    assert generated.lead not in generated.body_text  # the lead is not read twice

    formatting = _article(1178)
    assert "<h2>Header one</h2>" in formatting.body and "<h4>Header six</h4>" in formatting.body
    assert (
        "John Doe</a></strong> · $1 · Because that's all Steve Jobs needed for a salary." in formatting.body
    )
    nested = _article(1000)
    assert nested.body.count("<ul>") > 2 and nested.body.count("<ol>") > 2

    youtube = _article(1161)
    assert '<a href="https://www.youtube.com/watch?v=SQEQr7c0-dw"' in youtube.body
    assert youtube.wordpress_post.embeds == [
        {"url": "https://www.youtube.com/watch?v=SQEQr7c0-dw", "provider": "youtube", "placement": 1}
    ]

    scheduled = _article(1153)
    assert scheduled.status == Status.PUBLISHED and scheduled.is_scheduled
    assert scheduled.published_at == datetime.datetime(2030, 1, 1, 19, 0, 18, tzinfo=datetime.UTC)
    assert reader.get(scheduled.get_absolute_url()).status_code == 404
    with time_machine.travel(datetime.datetime(2030, 1, 2, tzinfo=datetime.UTC), tick=False):
        assert reader.get(scheduled.get_absolute_url()).status_code == 200

    assert _article(1164).status == Status.DRAFT and _article(1168).status == Status.DRAFT

    # Local and UTC times differ: the UTC time is the one kept, and the day is the newsroom's.
    keyboard = _article(1724)
    assert keyboard.published_at == datetime.datetime(2018, 10, 21, 3, 3, 48, tzinfo=datetime.UTC)
    assert keyboard.get_absolute_url().endswith("/2018/10/21/keyboard-navigation/")
    assert keyboard.wordpress_post.local_date == "2018-10-20 20:03:48"

    many_tags = _article(1151)
    assert len(many_tags.ordered_tags) > 20
    assert reader.get(many_tags.ordered_tags[0].get_absolute_url()).status_code == 200
    assert all(a.section.slug == "luu-tru" for a in Article.objects.all())
    assert not Article.objects.get(pk=many_tags.pk).section.is_active  # the catch-all stays out of the menu


@pytest.mark.django_db
def test_the_audit_log_shows_the_import(theme, frozen_now):
    _report, _posts, editor = theme
    desk = Client()
    desk.force_login(editor)
    article = _article(1163)
    page = desk.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Đã nhập" in page or "Imported" in page
    record = ArticleTransition.objects.get(article=article)
    assert record.label in ("Đã nhập", "Imported")
    assert record.at == NOW and record.published_at == article.published_at
    assert article.status_changed_by == editor and timezone.is_aware(record.at)


def _run_again(editor):
    path = exports.real_export("themeunittestdata.wordpress.xml")
    return Importer(path, Options(user=editor)).run()


@pytest.mark.django_db
def test_old_addresses_answer_301_to_the_articles(theme, frozen_now):
    report, posts, editor = theme
    reader = Client()
    keyboard = _article(1724)  # published on the 20th there, local time; the 21st here
    new_address = article_path(keyboard.published_on, keyboard.slug)
    for old in ("/2018/10/20/keyboard-navigation/", "/?p=1724"):
        response = reader.get(old)
        assert (response.status_code, response["Location"]) == (301, new_address), old
    response = reader.get(
        "/2018/10/20/keyboard-navigation/?utm_source=x"
    )  # the link's campaign tag goes along
    assert response["Location"] == f"{new_address}?utm_source=x"
    assert reader.get(new_address).status_code == 200
    # Where the permalink is already the new address, the page answers itself: no redirect from there.
    for post_id, item in posts.items():
        article = _article(post_id)
        if article.is_published and normalise(item.link) == article_path(article.published_on, article.slug):
            assert not Redirect.objects.filter(old_path=normalise(item.link)).exists()
    assert Redirect.objects.filter(old_path="/?p=1724", source="import").get().article == keyboard
    # A draft's old address leads nowhere while the draft is not public: WordPress's ?p= reaches the front page.
    assert Redirect.objects.filter(old_path="/?p=1164").exists()
    assert reader.get("/?p=1164").status_code == 200
    assert report.redirects == Redirect.objects.count() >= len(posts)
    with translation.override("en"):  # a request leaves the language of its address active
        assert f"now leading to their articles: {report.redirects}" in "\n".join(report.lines())
    # Idempotent: a second run of the same export adds and changes none.
    before = list(Redirect.objects.order_by("pk").values_list("old_path", "article_id"))
    again = _run_again(editor)
    assert again.redirects == 0 and again.redirects_taken == []
    assert list(Redirect.objects.order_by("pk").values_list("old_path", "article_id")) == before


@pytest.mark.django_db
def test_old_addresses_of_posts_imported_before_redirects_existed_are_added_by_a_new_run(theme, frozen_now):
    _report, _posts, editor = theme
    Redirect.objects.all().delete()
    again = _run_again(editor)
    assert again.redirects > 58
    assert Client().get("/?p=1724").status_code == 301
