"""Test data builders: the smallest valid objects, with keyword overrides."""

import datetime
import io
import itertools
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleByline, Byline, Embed, Photo, PullQuote, Status
from sections.models import Section

_numbers = itertools.count(1)


def make_section(**fields):
    number = next(_numbers)
    fields.setdefault("name", f"Chuyên mục {number}")
    fields.setdefault("slug", f"chuyen-muc-{number}")
    return Section.objects.create(**fields)


def make_byline(**fields):
    fields.setdefault("name", f"Phóng viên {next(_numbers)}")
    return Byline.objects.create(**fields)


def make_article(section=None, bylines=(), tags=(), **fields):
    """A published article (an hour old) unless told otherwise."""
    fields.setdefault("title", f"Bài viết số {next(_numbers)}")
    fields.setdefault("lead", "Một đoạn mở đầu ngắn gọn.")
    fields.setdefault("body", "<h2>Tiêu đề phụ</h2><p>Đoạn một.</p><p>Đoạn hai.</p>")
    fields.setdefault("status", Status.PUBLISHED)
    if fields["status"] == Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - datetime.timedelta(hours=1))
    article = Article.objects.create(section=section or make_section(), **fields)
    for position, byline in enumerate(bylines):
        ArticleByline.objects.create(article=article, byline=byline, position=position)
    if tags:
        article.tags.set(tags)
    return article


def image_bytes(width=800, height=600, image_format="JPEG", color=(40, 90, 140), exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def uploaded_image(name="photo.jpg", **options):
    return SimpleUploadedFile(name, image_bytes(**options), content_type="image/jpeg")


def make_photo(article, **fields):
    fields.setdefault("image", uploaded_image())
    fields.setdefault("alt_text", "Mô tả ảnh")
    fields.setdefault("caption", "Chú thích ảnh")
    fields.setdefault("credit", "Xuân Việt")
    return Photo.objects.create(article=article, **fields)


def make_embed(article, **fields):
    fields.setdefault("url", "https://www.youtube.com/watch?v=M7lc1UVf-VE")
    return Embed.objects.create(article=article, **fields)


def make_pull_quote(article, **fields):
    fields.setdefault("text", "Một câu trích dẫn.")
    fields.setdefault("attribution_name", "Nguyễn Văn A")
    return PullQuote.objects.create(article=article, **fields)


PASSWORD = "Mật-khẩu-thử-2026"


def make_user(
    username=None, role=None, name="", byline=False, password=PASSWORD, superuser=False, groups=(), **fields
):
    """A user. With a role ("Reporters", "Editors") or `groups` a staff member of them, with a byline if asked;
    `superuser=True` for the site administrator."""
    number = next(_numbers)
    username = username or f"nguoi-dung-{number}"
    fields.setdefault("email", f"{username}@example.com")
    fields.setdefault("is_staff", role is not None or superuser or bool(groups))
    fields.setdefault("is_superuser", superuser)
    user = get_user_model().objects.create_user(username, password=password, first_name=name, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    if byline:
        Byline.objects.create(name=name or username, user=user)
    return user


class _FormFields(HTMLParser):
    """The successful controls of one <form>, as a browser would submit them (files left out)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value") or default)
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, text):
        if self._textarea:
            self.data[self._textarea][0] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None


def form_data(response, form_id):
    """What a browser would post back for the form `form_id` of a rendered page, unchanged.

    Tests change only the fields they are about, so they keep working when the form gains fields.
    """
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.data, f"no form #{form_id} on the page"
    return {name: values[0] if len(values) == 1 else values for name, values in parser.data.items()}


def add_inline_rows(data, prefix, rows):
    """Fill `rows` (dicts of field values) into the admin inline `prefix`, starting from its empty-form defaults."""
    template = {
        name.removeprefix(f"{prefix}-__prefix__-"): value
        for name, value in data.items()
        if name.startswith(f"{prefix}-__prefix__-")
    }
    first = int(data[f"{prefix}-TOTAL_FORMS"])
    for number, row in enumerate(rows, start=first):
        for field, value in {**template, **row}.items():
            data[f"{prefix}-{number}-{field}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(first + len(rows))
    return data


def make_article_in(state, author=None, reviewer=None, **fields):
    """An article by `author` in one of the workflow's states, as if it had got there through the workflow.

    States: draft, in_review, in_review_started (an editor began), approved, scheduled, published, unpublished.
    """
    now = timezone.now()
    states = {
        "draft": {"status": Status.DRAFT},
        "in_review": {"status": Status.IN_REVIEW},
        "in_review_started": {"status": Status.IN_REVIEW, "review_started_by": reviewer},
        "approved": {"status": Status.APPROVED},
        "scheduled": {"status": Status.PUBLISHED, "published_at": now + datetime.timedelta(days=1)},
        "published": {"status": Status.PUBLISHED, "published_at": now - datetime.timedelta(hours=1)},
        "unpublished": {"status": Status.UNPUBLISHED, "published_at": now - datetime.timedelta(days=1)},
    }
    fields = {**states[state], "status_changed_at": now - datetime.timedelta(hours=2), **fields}
    bylines = [author.byline] if author is not None and hasattr(author, "byline") else []
    return make_article(created_by=author, bylines=bylines, **fields)
