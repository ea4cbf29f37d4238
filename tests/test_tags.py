"""Tags come back as the reporter typed them: in their order, unquoted unless a name holds a comma.

After a save the form used to show `"Giao thông", "Hạ Long"` (quoted, re-sorted), and a single tag with a space
("Hạ Long") became two tags.
"""

import re

import pytest
from django.urls import reverse

from articles.forms import ArticleAdminForm
from articles.models import Article, Tag, TaggedArticle

from .factories import make_article, make_article_in

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def save_tags(client, article, admin_form, typed):
    data = admin_form(client.get(change_url(article)))
    response = client.post(change_url(article), {**data, "tags": typed})
    assert response.status_code == 302, response.context["adminform"].form.errors
    return client.get(change_url(article))


def shown(response):
    return re.search(r'<input type="text" name="tags" value="([^"]*)"', response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("typed", "names", "shown_again"),
    [
        ("Giao thông, Hạ Long", ["Giao thông", "Hạ Long"], "Giao thông, Hạ Long"),
        (
            "Hạ Long, Giao thông, Cẩm Phả",
            ["Hạ Long", "Giao thông", "Cẩm Phả"],
            "Hạ Long, Giao thông, Cẩm Phả",
        ),
        ("Hạ Long", ["Hạ Long"], "Hạ Long"),  # one tag, not "Hạ" and "Long"
        ('"Đà Nẵng, Việt Nam", Biển', ["Đà Nẵng, Việt Nam", "Biển"], "&quot;Đà Nẵng, Việt Nam&quot;, Biển"),
        (" Biển ,, Hạ Long, biển ", ["Biển", "Hạ Long"], "Biển, Hạ Long"),  # blanks and repeats dropped
        ('Chiến dịch "Mùa hè xanh"', ['Chiến dịch "Mùa hè xanh"'], "Chiến dịch &quot;Mùa hè xanh&quot;"),
    ],
)
def test_tags_come_back_as_typed(reporter_client, reporter, admin_form, typed, names, shown_again):
    article = make_article_in("draft", author=reporter)
    response = save_tags(reporter_client, article, admin_form, typed)
    assert shown(response) == shown_again
    assert [tag.name for tag in Article.objects.get(pk=article.pk).ordered_tags] == names


def test_a_new_order_is_kept_and_shown_on_the_page(editor_client, admin_form):
    article = make_article(tags=[])
    save_tags(editor_client, article, admin_form, "Giao thông, Hạ Long")
    response = save_tags(editor_client, article, admin_form, "Hạ Long, Giao thông")
    assert shown(response) == "Hạ Long, Giao thông"
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert page.index(">Hạ Long<") < page.index(">Giao thông<")


def test_saving_unchanged_tags_rewrites_nothing(reporter_client, reporter, admin_form):
    article = make_article_in("draft", author=reporter)
    save_tags(reporter_client, article, admin_form, "Giao thông, Hạ Long")
    rows = list(TaggedArticle.objects.filter(content_object=article).values_list("pk", "tag_id"))
    data = admin_form(reporter_client.get(change_url(article)))
    assert reporter_client.post(change_url(article), {**data, "title": "Tiêu đề khác"}).status_code == 302
    assert list(TaggedArticle.objects.filter(content_object=article).values_list("pk", "tag_id")) == rows


def test_adding_a_tag_at_the_end_keeps_the_others(reporter_client, reporter, admin_form):
    article = make_article_in("draft", author=reporter)
    save_tags(reporter_client, article, admin_form, "Giao thông, Hạ Long")
    before = list(
        TaggedArticle.objects.filter(content_object=article).order_by("pk").values_list("pk", flat=True)
    )
    response = save_tags(reporter_client, article, admin_form, "Giao thông, Hạ Long, Cẩm Phả")
    after = list(
        TaggedArticle.objects.filter(content_object=article).order_by("pk").values_list("pk", flat=True)
    )
    assert after[:2] == before and len(after) == 3
    assert shown(response) == "Giao thông, Hạ Long, Cẩm Phả"


def test_a_tag_typed_in_another_case_is_the_same_tag(reporter_client, reporter, admin_form):
    Tag.objects.create(name="Hạ Long")
    article = make_article_in("draft", author=reporter)
    save_tags(reporter_client, article, admin_form, "hạ long, Giao thông")
    assert Tag.objects.filter(name__iexact="hạ long").count() == 1
    assert [tag.name for tag in Article.objects.get(pk=article.pk).ordered_tags] == ["Hạ Long", "Giao thông"]


def test_the_field_is_unchanged_when_neither_names_nor_order_change(reporter):
    article = make_article_in("draft", author=reporter, tags=["Giao thông", "Hạ Long"])
    form = ArticleAdminForm(instance=article)
    field = form.fields["tags"]
    initial = form.initial["tags"]
    assert not field.has_changed(initial, "Giao thông, Hạ Long")
    assert field.has_changed(initial, "Hạ Long, Giao thông")
    assert field.has_changed(initial, "Giao thông")
