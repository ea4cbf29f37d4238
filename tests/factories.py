"""Test data builders: the smallest valid objects, with keyword overrides."""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleByline, Byline, Photo, PullQuote, Status
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


def make_pull_quote(article, **fields):
    fields.setdefault("text", "Một câu trích dẫn.")
    fields.setdefault("attribution_name", "Nguyễn Văn A")
    return PullQuote.objects.create(article=article, **fields)


PASSWORD = "Mật-khẩu-thử-2026"


def make_user(username=None, role=None, name="", byline=False, **fields):
    """A user; with a role ("Reporters", "Editors") a staff member of that group, with a byline if asked."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    number = next(_numbers)
    username = username or f"nguoi-dung-{number}"
    fields.setdefault("email", f"{username}@example.com")
    fields.setdefault("is_staff", role is not None)
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=name, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if byline:
        Byline.objects.create(name=name or username, user=user)
    return user


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
