import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsroom.vietnamese import fold, slugify
from sections.models import RESERVED_SLUGS, Section

from .factories import make_article, make_byline, make_section


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Xác định nhiệm vụ trọng tâm, cụ thể", "xac-dinh-nhiem-vu-trong-tam-cu-the"),
        ("Đà Nẵng", "da-nang"),
        ("ĐỊA PHƯƠNG", "dia-phuong"),
        ("Gỡ “nút thắt” để HTX phát triển", "go-nut-that-de-htx-phat-trien"),
        ("Quảng Ninh: 10 cuộc giám sát!", "quang-ninh-10-cuoc-giam-sat"),
        ("  ", ""),
    ],
)
def test_vietnamese_slugs(text, slug):
    assert slugify(text) == slug


def test_fold_removes_diacritics_case_and_d_stroke():
    assert fold("NHIỆM VỤ Đọc") == "nhiem vu doc"


@pytest.mark.django_db
def test_article_slug_comes_from_title():
    article = make_article(title="Xác định nhiệm vụ trọng tâm, cụ thể")
    assert article.slug == "xac-dinh-nhiem-vu-trong-tam-cu-the"


@pytest.mark.django_db
def test_same_title_same_day_gets_a_suffix_and_other_days_keep_the_slug():
    when = datetime.datetime(2017, 9, 29, 7, 7, tzinfo=timezone.get_default_timezone())
    first = make_article(title="Đà Nẵng", published_at=when)
    second = make_article(title="Đà Nẵng", published_at=when + datetime.timedelta(hours=2))
    other_day = make_article(title="Đà Nẵng", published_at=when + datetime.timedelta(days=1))
    assert (first.slug, second.slug, other_day.slug) == ("da-nang", "da-nang-2", "da-nang")
    assert first.get_absolute_url() == "/2017/09/29/da-nang/"
    assert second.get_absolute_url() == "/2017/09/29/da-nang-2/"


@pytest.mark.django_db
def test_publication_day_is_the_local_day():
    # 23:30 UTC on the 28th is 06:30 on the 29th in Asia/Ho_Chi_Minh.
    article = make_article(published_at=datetime.datetime(2017, 9, 28, 23, 30, tzinfo=datetime.UTC))
    assert article.published_on == datetime.date(2017, 9, 29)


@pytest.mark.django_db
def test_database_refuses_a_duplicate_slug_on_the_same_day():
    from django.db import IntegrityError, transaction

    from articles.models import Article

    article = make_article(title="Trùng")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=make_article(title="Khác").pk).update(
            slug=article.slug, published_on=article.published_on
        )


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS | {"2017", "42"}))
def test_reserved_section_slugs_are_refused(slug):
    section = Section(name="Thử", slug=slug)
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.django_db
def test_section_slug_is_unique_and_made_from_the_name():
    section = make_section(name="Trao đổi kinh nghiệm", slug="")
    assert section.slug == "trao-doi-kinh-nghiem"
    with pytest.raises(ValidationError):
        Section(name="Khác", slug="trao-doi-kinh-nghiem").full_clean()


@pytest.mark.django_db
def test_byline_slugs_are_unique():
    assert make_byline(name="Lê Tùng").slug == "le-tung"
    assert make_byline(name="Lê Tùng").slug == "le-tung-2"


def test_fold_drops_exactly_the_combining_marks_of_every_character():
    """fold() deletes marks with str.translate; the same as looking at each character (the definition)."""
    import sys
    import unicodedata

    def by_character(text):
        decomposed = unicodedata.normalize(
            "NFKD", text.translate(str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}))
        )
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return unicodedata.normalize("NFKC", stripped).casefold()

    assert not any(unicodedata.combining(chr(code)) for code in range(0x20000, sys.maxunicode + 1))
    characters = [chr(code) for code in range(0x20000) if not 0xD800 <= code <= 0xDFFF]
    for start in range(0, len(characters), 4096):
        text = " ".join(characters[start : start + 4096])
        assert fold(text) == by_character(text)
