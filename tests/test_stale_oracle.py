"""The stale-page oracle: random sequences of editorial actions against a set of cached public pages; after every
action each page served through the caches must equal a fresh render that reads past every cache.

Cached: the page cache and fragments on, as in production (an anonymous client). Fresh: a staff session, which
bypasses both and reads the database (public templates show staff nothing of their own, so the pages are equal).
"""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pagecache.conf
from articles import workflow
from articles.models import Article, ArticleByline, Byline, Photo, Status
from pagecache import journal
from sections.models import Section

from .factories import make_article, make_byline, make_photo, make_section, make_user, uploaded_image

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)

ACTIONS = (
    "publish",
    "publish_backdated",
    "schedule",
    "advance_time",
    "correct",
    "unpublish",
    "republish",
    "move_section",
    "retag",
    "rename_byline",
    "rename_section",
    "change_caption",
    "reorder_bylines",
    "edit_draft",
    "relate",
)


class Newsroom:
    """A small paper: three sections, three bylines, nine articles over two weeks, one with a photo."""

    def __init__(self, traveller):
        self.traveller = traveller
        self.editor = make_user("bt-oracle", role="Editors", name="Biên tập")
        self.sections = [make_section(name=f"Mục {name}", slug=f"muc-{name}") for name in ("a", "b", "c")]
        self.bylines = [
            make_byline(name=f"Người viết {name}", slug=f"nguoi-viet-{name}") for name in ("a", "b", "c")
        ]
        self.articles = []
        for number in range(9):
            article = make_article(
                section=self.sections[number % 3],
                bylines=[self.bylines[number % 3], self.bylines[(number + 1) % 3]],
                tags=["Hạ Long", f"chủ đề {number % 4}"],
                title=f"Tin thứ {number}",
                published_at=timezone.now() - datetime.timedelta(days=number * 1.5, hours=1),
            )
            self.articles.append(article)
        make_photo(self.articles[0], is_lead=True, image=uploaded_image(width=64, height=48))
        self.drafts = 0

    def urls(self):
        articles = Article.objects.all()
        urls = {"/", "/en/", "/feeds/latest/", "/sitemap-articles.xml", "/news-sitemap.xml", "/search/?q=tin"}
        urls |= {"/_esi/stamp/", "/_esi/latest/", "/2026/", "/2026/11/", "/sitemap.xml"}
        urls |= {section.get_absolute_url() for section in Section.objects.all()}
        urls |= {f"/author/{byline.slug}/" for byline in Byline.objects.all()}
        urls |= {"/tag/ha-long/"}
        for article in articles:
            if article.published_on:
                urls.add(f"/{article.published_on:%Y/%m/%d}/{article.slug}/")
                urls.add(f"/{article.published_on:%Y/%m/%d}/")
        return sorted(urls)

    def published(self):
        return list(Article.objects.published().order_by("pk"))

    def new_article(self, data, when):
        self.drafts += 1
        article = make_article(
            section=data.draw(st.sampled_from(self.sections)),
            bylines=[data.draw(st.sampled_from(self.bylines))],
            tags=data.draw(
                st.lists(st.sampled_from(["Hạ Long", "chủ đề 1", "Vân Đồn"]), max_size=2, unique=True)
            ),
            title=f"Tin mới {self.drafts}",
            status=Status.APPROVED,
        )
        workflow.perform(article, "publish", self.editor, when=when)

    def act(self, action, data):
        now = timezone.now()
        published = self.published()
        pick = lambda items: data.draw(st.sampled_from(items))  # noqa: E731
        if action == "publish":
            self.new_article(data, None)
        elif action == "publish_backdated":
            self.new_article(data, now - datetime.timedelta(days=data.draw(st.integers(1, 13)), hours=3))
        elif action == "schedule":
            self.new_article(data, now + datetime.timedelta(minutes=data.draw(st.integers(5, 180))))
        elif action == "advance_time":
            self.traveller.shift(datetime.timedelta(minutes=data.draw(st.integers(10, 240))))
        elif action == "correct" and published:
            article = pick(published)
            article.title = f"{article.title} (đã sửa)"
            article.save()
            workflow.perform(article, "correct", self.editor, note="Sửa tiêu đề.")
        elif action == "unpublish" and len(published) > 3:
            workflow.perform(pick(published), "unpublish", self.editor, comment="Gỡ xuống.")
        elif action == "republish":
            withdrawn = list(Article.objects.filter(status=Status.UNPUBLISHED))
            if withdrawn:
                article = pick(withdrawn)
                workflow.perform(article, "redraft", self.editor)
                article.refresh_from_db()
                article.status = Status.DRAFT
                workflow.perform(article, "submit", self.editor)
                workflow.perform(article, "publish", self.editor)
        elif action == "move_section" and published:
            article = pick(published)
            article.section = pick([section for section in self.sections if section.pk != article.section_id])
            article.save()
        elif action == "retag" and published:
            pick(published).tags.set(
                data.draw(
                    st.lists(st.sampled_from(["Hạ Long", "Cô Tô", "chủ đề 2"]), max_size=2, unique=True)
                )
            )
        elif action == "rename_byline":
            byline = pick(self.bylines)
            byline.refresh_from_db()
            byline.name = f"{byline.name}!"
            byline.save()
        elif action == "rename_section":
            section = pick(self.sections)
            section.refresh_from_db()
            section.name = f"{section.name}*"
            section.save()
        elif action == "change_caption":
            photo = Photo.objects.first()
            photo.caption = f"{photo.caption} mới"
            photo.save()
        elif action == "reorder_bylines" and published:
            links = list(ArticleByline.objects.filter(article=pick(published)).order_by("position"))
            for position, link in enumerate(reversed(links)):
                link.position = position
                link.save()
        elif action == "edit_draft":
            draft = make_article(title="Nháp chưa đăng", status=Status.DRAFT, section=pick(self.sections))
            draft.title = "Nháp sửa lại"
            draft.save()
        elif action == "relate" and len(published) > 1:
            article, other = pick(published), pick(published)
            if article.pk != other.pk:
                article.related.add(other)


def compare(cached_client, fresh_client, urls):
    stale = []
    for url in urls:
        cached, fresh = cached_client.get(url), fresh_client.get(url)
        if (cached.status_code, cached.content) != (fresh.status_code, fresh.content):
            stale.append(url)
    return stale


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(actions=st.lists(st.sampled_from(ACTIONS), min_size=2, max_size=5), data=st.data())
def test_no_cached_page_is_ever_staler_than_a_fresh_render(
    actions, data, page_cache, django_capture_on_commit_callbacks, roles
):
    with time_machine.travel(START, tick=False) as traveller, transaction.atomic():
        pagecache.conf.clear()
        newsroom = Newsroom(traveller)
        reader, staff = Client(), Client()
        staff.force_login(newsroom.editor)
        urls = newsroom.urls()
        # The newsroom as it was before the story: as if committed, its invalidations applied.
        waiting = [
            each for _ids, each, _robust in connection.run_on_commit if isinstance(each, journal._Apply)
        ]
        if waiting:
            waiting[0]()
        assert compare(reader, staff, urls) == []  # and each page cached now
        for action in actions:
            with django_capture_on_commit_callbacks(execute=True):
                newsroom.act(action, data)
            urls = sorted(set(urls) | set(newsroom.urls()))
            stale = compare(reader, staff, urls)
            assert stale == [], f"stale after {action}: {stale}"
        transaction.set_rollback(True)
