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
