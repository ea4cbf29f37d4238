"""The admin in Vietnamese: a Vietnamese-speaking editor and reporter read every page they work on without a word of
English, in what is shown and in what screen readers say (aria-label, title, placeholder, alt, button values).

The project's own catalogue (locale/, newsroom/admin_wording.py) replaces Django's where that one has no
translation or words it oddly; a string this test finds in English belongs there.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles import revisions, workflow
from articles.models import Revision

from .conftest import change_form_data
from .factories import make_article_in, make_byline, make_section

pytestmark = pytest.mark.django_db

# Words of Django's admin and of this project's English that must never reach a Vietnamese reader. Short words that
# are also Vietnamese ("an", "to", "in", "no", "do", "con", "tin", "the") are left out: they would flag real text.
ENGLISH = set(
    """
    about above account action actions add added address admin administration again all and another any application
    apply are around auto available back before below breadcrumbs but by can cancel case change changed changes
    choose clear click close column confirm confirmation content continue correct count counts current dark data date
    dates day days delete deleted documentation doesn edit editing enter entered error errors field fields file
    filter filters for from go has have help hidden hide history home image incorrectly item items last light link
    list log logged main may missing model models month must my name navigation new next none not now objects of old
    on only or other page pages password past please previous priority probably quality recent remove required reset
    result results run save search select selected selection should show sidebar site skip some sorting sort spending
    start successfully summary sure take thanks theme this time today toggle total try type typing unknown update
    user username verification view was website welcome were what when which will with year yes you your
    """.split()
)
# Names and terms that read the same in Vietnamese.
ALLOWED = {"RSS", "Atom", "GMT", "email", "Email", "OK", "URL", "ID"}

SKIPPED = {"script", "style", "template", "textarea"}  # code, and what a reporter typed
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "aria-description")


class _Readable(HTMLParser):
    """What a sighted reader and a screen reader get from a page: its text and its labelling attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skipping = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SKIPPED:
            self._skipping += 1
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.parts.append((f"{tag}[{name}]", attrs[name]))
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append((f"{tag}[value]", attrs["value"]))

    def handle_endtag(self, tag):
        if tag in SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(("text", data.strip()))


def english_in(html):
    reader = _Readable()
    reader.feed(html)
    found = []
    for where, text in reader.parts:
        words = [word for word in re.findall(r"[A-Za-z]+", text) if word not in ALLOWED]
        if any(word.lower() in ENGLISH for word in words):
            found.append(f"{where}: {text[:120]}")
    return found


@pytest.fixture
def newsroom(reporter, other_reporter, editor):
    section = make_section(name="Thời sự", slug="thoi-su")
    make_byline(name="Xuân Việt", role="Phóng viên ảnh")
    articles = {
        "draft": make_article_in("draft", author=reporter, section=section, title="Bản nháp về Vân Đồn"),
        "in_review": make_article_in(
            "in_review", author=reporter, section=section, title="Bài chờ duyệt về Cô Tô"
        ),
        "approved": make_article_in("approved", author=other_reporter, section=section, title="Bài đã duyệt"),
        "published": make_article_in(
            "published", author=reporter, section=section, title="Hạ Long đón khách"
        ),
    }
    articles["published"].tags.set(["Quảng Ninh"])
    workflow.perform(articles["in_review"], "start_review", editor)
    for article in (articles["draft"], articles["published"]):  # something to list and compare
        revisions.record(article, reporter, Revision.Kind.SAVED)
        article.title += " (sửa)"
        article.save()
        revisions.record(article, editor, Revision.Kind.SAVED)
    return articles


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def page_urls(articles, role):
    draft, in_review, approved, published = (
        articles["draft"],
        articles["in_review"],
        articles["approved"],
        articles["published"],
    )
    lists = reverse("admin:articles_article_changelist")
    step = lambda article, name: reverse("admin:articles_article_transition", args=[article.pk, name])  # noqa: E731
    common = [
        reverse("admin:index"),
        lists,
        f"{lists}?status__exact=draft",
        f"{lists}?_facets=True",
        f"{lists}?q=khong-co-bai-nao",
        reverse("admin:articles_article_add"),
        change_url(draft),
        change_url(published),
        reverse("admin:articles_article_history", args=[draft.pk]),
        reverse("admin:articles_article_revisions", args=[draft.pk]),
        reverse("admin:articles_byline_changelist"),
        reverse("admin:sections_section_changelist"),
        reverse("admin:password_change"),
    ]
    if role == "reporter":
        return [*common, step(draft, "submit")]
    return [
        *common,
        change_url(in_review),
        reverse("admin:articles_article_history", args=[published.pk]),
        reverse("admin:articles_article_revisions", args=[published.pk]),
        reverse("admin:articles_article_compare", args=[published.pk]),
        reverse("admin:articles_article_delete", args=[draft.pk]),
        step(in_review, "send_back"),
        step(in_review, "approve"),
        step(approved, "publish"),
        step(approved, "reassign"),
        step(published, "unpublish"),
        reverse("admin:articles_tag_changelist"),
        reverse("admin:articles_articletransition_changelist"),
        reverse("admin:articles_byline_add"),
        reverse("admin:sections_section_add"),
    ]


@pytest.mark.parametrize("role", ["editor", "reporter"])
def test_a_vietnamese_speaking_editor_and_reporter_read_no_english(request, newsroom, role):
    client = request.getfixturevalue(f"{role}_client")
    english = {}
    for url in page_urls(newsroom, role):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="vi"' in html, url
        if found := english_in(html):
            english[url] = found
    assert english == {}


@pytest.mark.parametrize("role", ["editor", "reporter"])
def test_a_form_with_errors_and_the_messages_after_a_save_read_in_vietnamese(request, newsroom, role):
    client = request.getfixturevalue(f"{role}_client")
    draft = newsroom["draft"]
    data = change_form_data(client.get(change_url(draft)))
    refused = client.post(change_url(draft), {**data, "title": "", "lead": ""})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Hãy sửa các lỗi được đánh dấu bên dưới." in html
    assert english_in(html) == []

    new = change_form_data(client.get(reverse("admin:articles_article_add")))
    new.update(
        title="Bài mới về Đầm Hà", lead="Sapo.", body="<p>Nội dung.</p>", section=str(draft.section_id)
    )
    added = client.post(reverse("admin:articles_article_add"), new, follow=True)
    assert english_in(added.content.decode()) == []
    assert re.search(r"Đã thêm bài viết “<a href=\"[^\"]+\">Bài mới về Đầm Hà</a>”.", added.content.decode())
    saved = client.post(change_url(draft), {**data, "_continue": "1"}, follow=True)
    assert f">{draft.title}</a>”. Bạn có thể sửa tiếp bên dưới." in saved.content.decode()
    assert "Đã lưu bài viết “<a href=" in saved.content.decode()
    assert english_in(saved.content.decode()) == []


def test_the_sign_in_and_sign_out_pages_read_in_vietnamese(client, editor):
    from .factories import PASSWORD

    login = client.post(reverse("admin:login"), {"username": editor.username, "password": "sai-mat-khau"})
    assert "Hãy nhập đúng" in login.content.decode() and english_in(login.content.decode()) == []
    client.post(reverse("admin:login"), {"username": editor.username, "password": PASSWORD})
    logged_out = client.post(reverse("admin:logout"))
    assert english_in(logged_out.content.decode()) == []


@pytest.mark.parametrize(
    ("msgid", "natural", "odd"),
    [
        ("History", "Lịch sử", "Bản ghi nhớ"),
        ("Add %(name)s", "Thêm bài viết", "Thêm vào bài viết"),
        ("Log out", "Đăng xuất", "Thoát"),
        ("Action:", "Thao tác:", "Hoạt động:"),
    ],
)
def test_the_admin_says_it_the_newsrooms_way_not_djangos(editor_client, newsroom, msgid, natural, odd):
    html = editor_client.get(change_url(newsroom["published"])).content.decode()
    html += editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert natural in html
    assert odd not in html


def test_the_english_admin_stays_english(editor_client, newsroom):
    html = editor_client.get("/en" + reverse("admin:articles_article_changelist")).content.decode()
    assert '<html lang="en"' in html
    assert "Show counts" in html and "Skip to main content" in html and "Add article" in html
