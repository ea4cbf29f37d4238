"""Who reaches which address: every admin URL and every kind of public URL, for each role, by GET and by POST.

The expected answers are written out below as tables, by hand (not derived from the code, or the test would prove
nothing). A refused POST must leave every row of the database as it was. `test_every_admin_url_is_in_the_table`
fails when the admin gains an address nobody has decided about.
"""

import dataclasses
import datetime

import django.test.client
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, resolve
from django.utils import timezone

from articles import previews, revisions, workflow
from articles.models import ArticleTransition, Correction, OutgoingEmail, Revision, Status, Tag
from articles.roles import ensure_roles
from frontpage.models import FrontPage
from redirects.models import Redirect, Source
from wordpress.models import ImportedPost
from wordpress.models import Site as WordPressSite

from .factories import make_article_in, make_byline, make_section, make_user

# The columns of every table: who asks. `author` and `other` are both reporters: the article-specific addresses
# are opened on articles written by `author`, so `other` is a reporter looking at a colleague's work.
ROLES = ("anonymous", "author", "other", "editor", "superuser")

LOGIN = "login"  # a redirect to the admin's login page
OK, MOVED, REDIRECT, BAD, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 301, 302, 400, 403, 404, 405


@dataclasses.dataclass(frozen=True)
class Row:
    url: str  # formatted with the ids of the objects the module fixture made
    get: tuple  # expected answer for each of ROLES
    post: tuple
    data: dict = dataclasses.field(default_factory=dict)  # what the POST sends


def row(url, get, post=None, data=None):
    return Row(url, get, post if post is not None else get, data or {})


def same(code):
    return (code,) * len(ROLES)


STAFF = (LOGIN, OK, OK, OK, OK)
EDITORS = (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK)
SUPERUSER = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
NOBODY = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
# After a successful POST the admin redirects (to the list, the change form, the confirmation).
EDITORS_DONE = (LOGIN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT)
SUPERUSER_DONE = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT)
SUPERUSER_APP = (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK)  # an app index lists only what one may see
GONE = (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
GET_ONLY = (LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
DELETE = {"post": "yes"}
REASON = {"comment": "Lý do: cần kiểm tra lại số liệu."}


# What staff may do with the newsroom's shared lists (bylines, tags, sections): everyone looks, editors change.
EDITORS_MANAGE = {
    "read": STAFF,
    "add": EDITORS,
    "change": STAFF,
    "delete": EDITORS,
    "post_change": EDITORS,
    "post_delete": EDITORS_DONE,
}


def model_rows(prefix, obj, *, read, add, change, delete, history=None, add_data=None, **posts):
    """The six addresses Django's admin gives every registered model; `post_<page>` when a POST is answered
    differently from a GET, `add_data` what the add form posts (nothing by default)."""
    return [
        row(f"/admin/{prefix}/", read, posts.get("post_list")),
        row(f"/admin/{prefix}/add/", add, posts.get("post_add"), data=add_data),
        row(f"/admin/{prefix}/{{{obj}}}/change/", change, posts.get("post_change")),
        row(f"/admin/{prefix}/{{{obj}}}/history/", history or read),
        row(f"/admin/{prefix}/{{{obj}}}/delete/", delete, posts.get("post_delete"), data=DELETE),
        row(f"/admin/{prefix}/{{{obj}}}/", _redirected(read)),
    ]


def _redirected(codes):
    """`/admin/<model>/<id>/` forwards to the change page for whoever may be in the admin at all."""
    return tuple(code if code == LOGIN else REDIRECT for code in codes)


ARTICLE_STEPS = {
    # step: the article (written by `author`) in a state that allows it; the answers to GET (the confirmation
    # page) and to POST (taking the step: a redirect to the change page when done).
    "submit": ("draft", (LOGIN, OK, FORBIDDEN, OK, OK), (LOGIN, REDIRECT, FORBIDDEN, REDIRECT, REDIRECT)),
    "withdraw": (
        "in_review",
        (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),  # the article's authors only, not even the superuser
        (LOGIN, REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ),
    "start_review": ("in_review", EDITORS, EDITORS_DONE),
    "reassign": ("in_review", EDITORS, EDITORS_DONE),
    "send_back": ("in_review", EDITORS, EDITORS_DONE),
    "approve": ("in_review", EDITORS, EDITORS_DONE),
    "publish": ("approved", EDITORS, EDITORS_DONE),
    "reschedule": ("scheduled", EDITORS, EDITORS_DONE),
    "correct": ("published", EDITORS, EDITORS_DONE),
    "unpublish": ("published", EDITORS, EDITORS_DONE),
    "redraft": ("unpublished", EDITORS, EDITORS_DONE),
}

# A new redirect, as the add form posts it (an address nobody uses yet, to a page of the site).
NEW_REDIRECT = {"old_path": "/tin-cu/them.html", "target_path": "/ma-tran/"}

ADMIN = [
    # The site.
    row("/admin/", STAFF),
    row("/admin/login/", (OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT), same(OK)),  # a POST: the form again
    # Logging out takes a POST; whoever is not logged in is sent to the front page of the admin.
    row("/admin/logout/", (REDIRECT, *GET_ONLY[1:]), (REDIRECT, OK, OK, OK, OK)),
    row("/admin/password_change/", STAFF),
    row("/admin/password_change/done/", STAFF, GET_ONLY),
    row("/admin/jsi18n/", STAFF, GET_ONLY),
    row("/admin/no-such-page/", GONE),  # anonymous visitors cannot probe which addresses exist
    row("/admin/articles/", STAFF),
    row("/admin/sections/", STAFF),
    row("/admin/auth/", SUPERUSER_APP),
    row("/admin/axes/", SUPERUSER_APP),
    # Related-article search: the reporter's own and the published articles only (see the test below).
    row(
        "/admin/autocomplete/?app_label=articles&model_name=article&field_name=related&term=",
        STAFF,
        GET_ONLY,
    ),
    # "View on site": only for what readers can see; no address to follow (and no draft's slug) otherwise.
    row("/admin/r/{article_type}/{draft}/", GONE),
    row("/admin/r/{article_type}/{scheduled}/", GONE),
    row("/admin/r/{article_type}/{published}/", (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT)),
    row("/admin/r/{section_type}/{section}/", (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT)),
    row("/admin/r/{user_type}/{editor_id}/", GONE),  # accounts have no public page
    # Articles: a reporter edits their own drafts and reads the published ones; a colleague's unpublished work
    # is refused outright. Nothing a reader has seen is ever deleted (it is unpublished instead).
    *model_rows(
        "articles/article",
        "draft",
        read=STAFF,
        add=STAFF,
        change=(LOGIN, OK, FORBIDDEN, OK, OK),
        history=(LOGIN, OK, FORBIDDEN, OK, OK),
        delete=(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),  # reporters delete nothing; editors only drafts
        post_delete=EDITORS_DONE,
    ),
    # Read-only for its reporter once submitted; the editors' empty POST is a conflict (no version sent).
    row("/admin/articles/article/{in_review}/change/", (LOGIN, OK, FORBIDDEN, OK, OK), EDITORS),
    row("/admin/articles/article/{scheduled}/change/", (LOGIN, OK, FORBIDDEN, OK, OK), EDITORS),
    row("/admin/articles/article/{published}/change/", STAFF, EDITORS),
    row("/admin/articles/article/{unpublished}/change/", (LOGIN, OK, FORBIDDEN, OK, OK), EDITORS),
    row("/admin/articles/article/{published}/delete/", NOBODY, data=DELETE),
    row("/admin/articles/article/{published}/history/", STAFF),
    row("/admin/articles/article/{draft}/revisions/", (LOGIN, OK, FORBIDDEN, OK, OK)),
    row("/admin/articles/article/{published}/revisions/", (LOGIN, OK, FORBIDDEN, OK, OK)),
    row("/admin/articles/article/{draft}/revisions/compare/", (LOGIN, OK, FORBIDDEN, OK, OK)),
    row(
        "/admin/articles/article/{published}/revisions/published/",
        (LOGIN, REDIRECT, FORBIDDEN, REDIRECT, REDIRECT),
    ),
    row(
        "/admin/articles/article/{draft}/revisions/{draft_revision}/restore/",
        (LOGIN, OK, FORBIDDEN, OK, OK),
        (LOGIN, REDIRECT, FORBIDDEN, REDIRECT, REDIRECT),
    ),
    row(
        "/admin/articles/article/{published}/revisions/{published_revision}/restore/",
        EDITORS,  # a published article is no longer its reporter's to change
        EDITORS_DONE,
    ),
    row(
        "/admin/articles/article/{draft}/preview-links/",
        GET_ONLY,
        (LOGIN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT),
    ),
    row(
        "/admin/articles/article/{draft}/preview-links/{draft_link}/revoke/",
        GET_ONLY,
        (LOGIN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT),
    ),
    *(
        row(f"/admin/articles/article/{{{state}}}/transition/{name}/", get, post, data={**REASON, **when})
        for name, (state, get, post) in ARTICLE_STEPS.items()
        for when in [{"when": "2030-01-01T08:00"} if name == "reschedule" else {}]
    ),
    row("/admin/articles/article/{draft}/transition/no-such-step/", NOBODY),
    # The audit log: read-only, for editors.
    *model_rows(
        "articles/articletransition",
        "transition",
        read=EDITORS,
        add=NOBODY,
        change=EDITORS,  # a read-only page
        delete=NOBODY,
        post_change=NOBODY,
    ),
    # Where imported articles came from (import_wordpress): read-only, for the site administrator.
    *model_rows(
        "wordpress/importedpost",
        "wordpress_post",
        read=SUPERUSER,
        add=NOBODY,
        change=SUPERUSER,  # a read-only page
        delete=NOBODY,
        post_change=NOBODY,
    ),
    # Bylines, tags, sections: editors manage them; reporters may look.
    *model_rows("articles/byline", "byline", **EDITORS_MANAGE),
    *model_rows("articles/tag", "tag", **EDITORS_MANAGE),
    # "cannot delete" after the confirmation: its articles protect the section
    *model_rows("sections/section", "section", **{**EDITORS_MANAGE, "post_delete": EDITORS}),
    # Redirects: editors keep old addresses working; reporters may not even look (the list names every move).
    row("/admin/redirects/", (LOGIN, NOT_FOUND, NOT_FOUND, OK, OK)),
    *model_rows(
        "redirects/redirect",
        "redirect",
        read=EDITORS,
        add=EDITORS,
        change=EDITORS,
        delete=EDITORS,
        add_data=NEW_REDIRECT,
        post_add=EDITORS_DONE,
        post_delete=EDITORS_DONE,
    ),
    # The front page: editors arrange it, reporters look at it. There is one arrangement: its list leads to it,
    # nobody adds or deletes one; the preview is a POST of the change form (an empty one is a bad request).
    row("/admin/frontpage/", STAFF),
    row("/admin/frontpage/frontpage/", _redirected(STAFF)),
    row("/admin/frontpage/frontpage/add/", NOBODY),
    row("/admin/frontpage/frontpage/{front}/change/", STAFF, EDITORS),
    row("/admin/frontpage/frontpage/{front}/history/", STAFF),
    row("/admin/frontpage/frontpage/{front}/delete/", NOBODY, data=DELETE),
    row("/admin/frontpage/frontpage/{front}/", _redirected(STAFF)),
    row("/admin/frontpage/frontpage/{front}/preview/", NOBODY, (LOGIN, FORBIDDEN, FORBIDDEN, BAD, BAD)),
    # The workflow e-mails waiting for the mail server: the site administrator's, read-only.
    *model_rows(
        "articles/outgoingemail",
        "email",
        read=SUPERUSER,
        add=NOBODY,
        change=SUPERUSER,  # a read-only page
        delete=NOBODY,
        post_change=NOBODY,
    ),
    # Accounts, groups and the login throttle: the site administrator's.
    *model_rows(
        "auth/user",
        "editor_id",
        read=SUPERUSER,
        add=SUPERUSER,
        change=SUPERUSER,
        delete=SUPERUSER,
        post_delete=SUPERUSER_DONE,
    ),
    row("/admin/auth/user/{editor_id}/password/", SUPERUSER),
    *model_rows(
        "auth/group",
        "group",
        read=SUPERUSER,
        add=SUPERUSER,
        change=SUPERUSER,
        delete=SUPERUSER,
        post_delete=SUPERUSER_DONE,
    ),
    *(
        entry
        for model in ("accessattempt", "accesslog", "accessfailurelog")
        for entry in model_rows(
            f"axes/{model}",
            model,
            read=SUPERUSER,
            add=NOBODY,  # written by the login throttle only
            change=SUPERUSER,  # read-only fields: the POST saves nothing and goes back to the list
            delete=SUPERUSER,
            post_change=SUPERUSER_DONE,
            post_delete=SUPERUSER_DONE,
        )
    ),
    # taggit's own tag admin is taken out (articles use articles.Tag); its merge view checked no permission.
    row("/admin/taggit/", GONE),
    row("/admin/taggit/tag/", GONE),
    row("/admin/taggit/tag/merge-tags/", GONE, data={"new_tag_name": "gộp"}),
]


# Every kind of public address. The public site shows staff exactly what it shows readers; only the previews
# answer to who asks. `{day}` is the published article's local day; the hidden articles share its section, tag
# and author, so every listing below would show them if anything let them through.
HIDDEN_STATES = ("draft", "in_review", "approved", "scheduled", "unpublished")
PREVIEW_OWN = (NOT_FOUND, OK, NOT_FOUND, OK, OK)  # the article's authors and the editors; nobody else
PUBLIC = [
    row("/", same(OK)),
    row("/en/", same(OK)),
    row("/ma-tran/", same(OK), same(NOT_ALLOWED)),
    row("/ma-tran/?page=2", same(NOT_FOUND), same(NOT_ALLOWED)),
    row("/{year}/", same(OK), same(NOT_ALLOWED)),
    row("/{year}/{month}/", same(OK), same(NOT_ALLOWED)),
    row("/{year}/{month}/{day}/", same(OK), same(NOT_ALLOWED)),
    row("/{year}/{month}/{day}/?section=ma-tran", same(OK), same(NOT_ALLOWED)),
    row("{published_url}", same(OK), same(NOT_ALLOWED)),
    row("/en{published_url}", same(OK), same(NOT_ALLOWED)),
    # The addresses the hidden articles would have: nobody reads them there, staff included (they preview).
    *(row(f"{{{state}_url}}", same(NOT_FOUND), same(NOT_ALLOWED)) for state in HIDDEN_STATES),
    row("/author/pham-tang/", same(OK), same(NOT_ALLOWED)),
    row("/tag/ma-tran/", same(OK), same(NOT_ALLOWED)),
    row("/search/?q=ma+tran", same(OK), same(NOT_ALLOWED)),
    row("/search/?q=ma+tran&section=ma-tran&author=pham-tang", same(OK), same(NOT_ALLOWED)),
    row("/feeds/latest/", same(OK)),
    row("/feeds/latest/atom/", same(OK)),
    row("/ma-tran/feed/", same(OK)),
    row("/ma-tran/feed/atom/", same(OK)),
    row("/sitemap.xml", same(OK)),
    row("/sitemap-home.xml", same(OK)),
    row("/sitemap-sections.xml", same(OK)),
    row("/sitemap-articles.xml", same(OK)),
    row("/news-sitemap.xml", same(OK)),
    row("/robots.txt", same(OK)),
    # Corrections: those of the published article; the withdrawn article's are no longer anyone's to read.
    row("/dinh-chinh/", same(OK), same(NOT_ALLOWED)),
    row("/en/corrections/", same(OK), same(NOT_ALLOWED)),
    row("/dinh-chinh/?page=2", same(NOT_FOUND), same(NOT_ALLOWED)),
    row("/dinh-chinh/feed/", same(OK)),
    row("/dinh-chinh/feed/atom/", same(OK)),
    # An old address: the same answer for everyone, and only to reading it.
    row("/tin-cu/ma-tran.html", same(MOVED), same(NOT_FOUND)),
    row("/en/tin-cu/ma-tran.html", same(MOVED), same(NOT_FOUND)),
    row("/by-date/?date={year}-{month}-{day}", same(REDIRECT)),
    row("/by-date/?date=2017-02-30", same(BAD)),
    # Previews of every state: staff who may see the article; a 404 (not a 403) for everyone else.
    *(row(f"/preview/{{{state}}}/", PREVIEW_OWN) for state in HIDDEN_STATES),
    row("/preview/{published}/", (NOT_FOUND, OK, OK, OK, OK)),  # staff read what readers read
    row("/en/preview/{draft}/", PREVIEW_OWN),
    row("/preview/999999/", same(NOT_FOUND)),
    # Shareable links work for anyone, until they expire or are revoked; a forged token is nothing.
    row("/preview/s/{active_token}/", same(OK)),
    row("/preview/s/{expired_token}/", same(NOT_FOUND)),
    row("/preview/s/{revoked_token}/", same(NOT_FOUND)),
    row("/preview/s/{forged_token}/", same(NOT_FOUND)),
    # The read API: published content for everyone, staff included; read-only for everyone.
    row("/api/v1/articles", same(OK), same(NOT_ALLOWED)),
    row("/api/v1/articles?section=ma-tran&author=pham-tang", same(OK), same(NOT_ALLOWED)),
    row("/api/v1/articles?q=ma+tran", same(OK), same(NOT_ALLOWED)),
    row("/api/v1/articles/{published}", same(OK), same(NOT_ALLOWED)),
    *(row(f"/api/v1/articles/{{{state}}}", same(NOT_FOUND), same(NOT_ALLOWED)) for state in HIDDEN_STATES),
    row("/api/v1/articles?limit=1000", same(BAD), same(NOT_ALLOWED)),
    row("/api/v1/sections", same(OK), same(NOT_ALLOWED)),
    row("/api/v1/bylines", same(OK), same(NOT_ALLOWED)),
    row("/api/v1/tags", same(OK), same(NOT_ALLOWED)),
    row("/api/v1/", same(REDIRECT), same(NOT_ALLOWED)),
    row("/api/v1/openapi.json", same(OK), same(NOT_ALLOWED)),
    row("/api/v1/docs", same(OK), same(NOT_ALLOWED)),
]
# The newsroom every test of this module runs against, built once (each test's changes roll back after it).


@pytest.fixture(scope="module", autouse=True)
def _status_codes_only():
    """The tables read answers, not template contexts: not copying every rendered context halves the time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(django.test.client, "store_rendered_templates", lambda *args, **kwargs: None)
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_roles()
        people = {
            "author": make_user("matrix-author", role="Reporters", name="Phạm Tăng", byline=True),
            "other": make_user("matrix-other", role="Reporters", name="Thu Chung", byline=True),
            "editor": make_user("matrix-editor", role="Editors", name="Hoàng Nga", byline=True),
            "superuser": make_user("matrix-admin", superuser=True),
            # The desk's rules: an editor of this section's desk, one of another desk, an editor who writes,
            # and a chief editor who writes too.
            "desk_editor": make_user("matrix-desk", role="Editors", name="Ngọc Lan"),
            "elsewhere": make_user("matrix-elsewhere", role="Editors", name="Thu Hà"),
            "own_editor": make_user("matrix-own", role="Editors", name="Minh Đức", byline=True),
            "chief": make_user("matrix-chief", role="Chief editors", name="Trần Quang", byline=True),
        }
        section = make_section(name="Ma trận", slug="ma-tran")
        other_desk = make_section(name="Nơi khác", slug="noi-khac")
        section.editors.add(people["desk_editor"])
        other_desk.editors.add(people["elsewhere"])
        articles = {
            state: make_article_in(
                state, author=people["author"], section=section, title=f"Bài {state} ma trận"
            )
            for state in ("draft", "in_review", "approved", "scheduled", "published", "unpublished")
        }
        for state in ("in_review", "approved"):  # written by an editor and the chief editor together
            own = make_article_in(
                state, author=people["own_editor"], section=section, title=f"Bài {state} tự viết"
            )
            own.byline_links.create(byline=people["chief"].byline, position=1)
            articles[f"own_{state}"] = own
        articles["edited_in_review"] = make_article_in(
            "in_review", author=people["author"], section=section, last_edited_by=people["editor"]
        )
        articles["routed_in_review"] = make_article_in(
            "in_review", author=people["author"], section=section, desk=other_desk
        )
        for article in articles.values():
            article.tags.set(["Ma trận"])
        for state in ("published", "unpublished"):
            Correction.objects.create(article=articles[state], note=f"Đính chính bài {state} ma trận.")
        draft_revision = revisions.record(articles["draft"], people["author"], Revision.Kind.SAVED)
        published_revision = revisions.record(
            articles["published"], people["editor"], Revision.Kind.TRANSITION, transition="publish"
        )
        transition = ArticleTransition.objects.create(
            article=articles["published"],
            name="publish",
            from_state=Status.APPROVED,
            to_state=Status.PUBLISHED,
            user=people["editor"],
            at=timezone.now(),
        )
        links = {
            "active": previews.create(articles["draft"], people["editor"]),
            "expired": previews.create(articles["draft"], people["editor"]),
            "revoked": previews.create(articles["draft"], people["editor"]),
        }
        links["expired"].created_at -= previews.lifetime() + datetime.timedelta(minutes=1)
        links["expired"].expires_at -= previews.lifetime() + datetime.timedelta(minutes=1)
        links["expired"].save()
        previews.revoke(links["revoked"], people["editor"])
        axes = _axes_rows(people["author"])
        redirect = Redirect.objects.point("/tin-cu/ma-tran.html", articles["published"], source=Source.IMPORT)
        email = OutgoingEmail.objects.create(
            transition=transition, recipient="matrix@example.com", subject="Ma trận", body="Thư thử."
        )
        ids = {
            **{state: article.pk for state, article in articles.items()},
            "article_type": ContentType.objects.get_for_model(articles["draft"]).pk,
            "section_type": ContentType.objects.get_for_model(section).pk,
            "user_type": ContentType.objects.get_for_model(people["editor"]).pk,
            "draft_revision": draft_revision.pk,
            "published_revision": published_revision.pk,
            "draft_link": links["active"].pk,
            "transition": transition.pk,
            "wordpress_post": ImportedPost.objects.create(
                site=WordPressSite.objects.create(url="https://baocu.example.vn"),
                post_id=7,
                article=articles["published"],
                permalink="https://baocu.example.vn/2020/01/01/tin/",
                status="publish",
                digest="0" * 64,
            ).pk,
            "byline": make_byline(name="Cộng tác viên").pk,
            "tag": Tag.objects.get(name="Ma trận").pk,
            "section": section.pk,
            "redirect": redirect.pk,
            "front": FrontPage.current().pk,
            "email": email.pk,
            "editor_id": people["editor"].pk,
            "group": people["author"].groups.get().pk,
            **axes,
            **{f"{state}_url": article.get_absolute_url() for state, article in articles.items()},
            **{f"{name}_token": previews.token(link) for name, link in links.items()},
            "forged_token": previews.token(links["active"])[:-4] + "abcd",
            **_day(articles["published"]),
        }
        sessions = {}
        for role, user in people.items():
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield World(people, articles, links, ids, sessions, database_rows())
        transaction.set_rollback(True)


@dataclasses.dataclass
class World:
    people: dict
    articles: dict
    links: dict
    ids: dict
    sessions: dict
    rows: dict  # database_rows() as the module's tests start


def _day(article):
    day = timezone.localtime(article.published_at)
    return {"year": f"{day:%Y}", "month": f"{day:%m}", "day": f"{day:%d}"}


def _axes_rows(user):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    where = {
        "username": user.username,
        "ip_address": "203.0.113.9",
        "user_agent": "test",
        "path_info": "/admin/",
    }
    return {
        "accessattempt": AccessAttempt.objects.create(
            **where, get_data="", post_data="", failures_since_start=1
        ).pk,
        "accesslog": AccessLog.objects.create(**where).pk,
        "accessfailurelog": AccessFailureLog.objects.create(**where, locked_out=False).pk,
    }


def _client(world, role):
    client = Client(raise_request_exception=False)  # a 500 is an answer to compare, not a crash of the test
    if role != "anonymous":
        # The module's sessions, logged in once: a logout rolls back with the rest of the role's requests.
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def database_rows():
    """Every row of every table a request could change (sessions aside: logging in and out writes them)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.app_label not in ("sessions", "contenttypes") and model._meta.managed
    }


def _previewed(world, url):
    """The article a preview address shows (a preview shows its own article, whatever its state)."""
    for article in world.articles.values():
        if url.endswith(f"/preview/{article.pk}/"):
            return article
    if "/preview/s/" in url:
        return world.articles["draft"]  # every shared link of the module is for the draft
    return None


def answer(response):
    if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
        return LOGIN
    return response.status_code


REFUSED = (LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED)


def check_row(world, entry, hidden=(), roles=ROLES):
    """Every role against one address; each role's requests are undone before the next role's.

    `hidden`: articles whose titles must not appear on the page, whoever reads it (a preview shows its own).
    """
    url = entry.url.format(**world.ids)
    wrong = []
    for column, role in enumerate(roles):
        savepoint = transaction.savepoint()
        client = _client(world, role)
        response = client.get(url)
        got = answer(response)
        if got != entry.get[column]:
            wrong.append(f"GET as {role}: {got}, expected {entry.get[column]}")
        shown = response.content.decode(errors="replace")
        previewed = _previewed(world, url)
        leaked = [article.title for article in hidden if article.title in shown and article != previewed]
        if leaked:
            wrong.append(f"GET as {role} shows {leaked}")
        got = answer(client.post(url, entry.data))
        if got != entry.post[column]:
            wrong.append(f"POST as {role}: {got}, expected {entry.post[column]}")
        elif got in REFUSED and database_rows() != world.rows:  # each role starts from the module's rows
            wrong.append(f"POST as {role} was refused ({got}) but changed the database")
        transaction.savepoint_rollback(savepoint)
    assert wrong == [], f"{url}: " + "; ".join(wrong)


# Admin.


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ADMIN, ids=[entry.url for entry in ADMIN])
def test_admin(world, entry):
    check_row(world, entry)


# Public pages.


@pytest.mark.django_db
@pytest.mark.parametrize("entry", PUBLIC, ids=[entry.url for entry in PUBLIC])
def test_public(world, entry):
    check_row(world, entry, hidden=[world.articles[state] for state in HIDDEN_STATES])


# The desk's rules (articles/workflow.py), on the workflow's addresses: an editor on no desk, an editor of the
# article's desk, an editor of another desk, an editor who wrote the article (with the chief editor), the chief
# editor. Four eyes: nobody approves or publishes what they wrote or last edited, unless they may publish their own
# work. Desks: reviewing, approving and publishing are for the editors of the article's desk (its section's, or
# the one its reporter sent it to); correcting and withdrawing are not held up by desks.
RULE_ROLES = ("editor", "desk_editor", "elsewhere", "own_editor", "chief")
ALLOWED = ((OK,) * 5, (REDIRECT,) * 5)
DESK = ((OK, OK, FORBIDDEN, OK, OK), (REDIRECT, REDIRECT, FORBIDDEN, REDIRECT, REDIRECT))
DESK_FOUR_EYES = ((OK, OK, FORBIDDEN, FORBIDDEN, OK), (REDIRECT, REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT))
RULES = [
    row(f"/admin/articles/article/{{{article}}}/transition/{step}/", get, post, data={**REASON, **when})
    for article, step, (get, post) in [
        ("in_review", "start_review", DESK),
        ("in_review", "reassign", DESK),
        ("in_review", "send_back", DESK),
        ("in_review", "approve", DESK),
        ("approved", "publish", DESK),
        ("scheduled", "reschedule", DESK),
        ("published", "correct", ALLOWED),
        ("published", "unpublish", ALLOWED),
        ("unpublished", "redraft", ALLOWED),
        ("own_in_review", "approve", DESK_FOUR_EYES),
        ("own_approved", "publish", DESK_FOUR_EYES),
        ("own_in_review", "send_back", DESK),  # four eyes is about approving and publishing only
        # last edited by the editor on no desk
        ("edited_in_review", "approve", ((FORBIDDEN, OK, FORBIDDEN, OK, OK), (FORBIDDEN, *DESK[1][1:]))),
        ("edited_in_review", "send_back", DESK),
        # sent by its reporter to the other desk
        (
            "routed_in_review",
            "approve",
            ((OK, FORBIDDEN, OK, OK, OK), (REDIRECT, FORBIDDEN, REDIRECT) + (REDIRECT,) * 2),
        ),
    ]
    for when in [{"when": "2030-01-01T08:00"} if step == "reschedule" else {}]
]


@pytest.mark.django_db
@pytest.mark.parametrize("entry", RULES, ids=[entry.url for entry in RULES])
def test_the_desks_rules(world, entry):
    check_row(world, entry, roles=RULE_ROLES)


def _admin_routes(patterns, prefix="admin/"):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _admin_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern).removeprefix("^")


@pytest.mark.django_db
def test_every_admin_url_is_in_the_table(world):
    routes = set(_admin_routes(admin.site.get_urls()))
    covered = {resolve(entry.url.split("?")[0].format(**world.ids)).route for entry in ADMIN}
    assert routes - covered == set(), "admin addresses without a row in ADMIN"
    assert set(ARTICLE_STEPS) == set(workflow.TRANSITIONS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "lists_articles"),
    [
        ("/admin/", False),  # the desk's queues
        ("/admin/articles/article/", True),
        ("/admin/articles/article/?q=ma+tr%E1%BA%ADn", True),
        ("/admin/autocomplete/?app_label=articles&model_name=article&field_name=related&term=ma", True),
        ("/admin/articles/article/{published}/change/", False),  # its related-articles widget
    ],
)
def test_a_reporter_finds_no_colleagues_unpublished_work_in_the_admin(world, url, lists_articles):
    url = url.format(**world.ids)
    hidden = [world.articles[state].title for state in HIDDEN_STATES]
    colleague = _text(_client(world, "other").get(url))
    assert [title for title in hidden if title in colleague] == []
    if lists_articles:
        assert world.articles["published"].title in colleague
        author = _text(_client(world, "author").get(url))
        assert [title for title in hidden if title not in author] == [], "the author finds their own articles"


def _text(response):
    if response["Content-Type"] == "application/json":
        return " ".join(item["text"] for item in response.json()["results"])
    return response.content.decode()
