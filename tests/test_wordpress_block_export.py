"""WordPress's block-editor test export imported, then read post by post (tests/test_wordpress_real_exports.py has
the classic theme test data; each module imports into its own database state)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from .test_wordpress_real_exports import _article, _check_every_post, _imported

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(scope="module")
def blocks(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from _imported("64-block-test-data.xml", tmp_path_factory, django_db_blocker)


@pytest.mark.django_db
def test_block_editor_export_every_post(blocks, frozen_now):
    report, posts, editor = blocks
    assert report.outcomes == {"created": 61}
    assert dict(report.states) == {"published": 61}
    assert report.site_blocks > 100 and report.reshaped["table"] > 0
    _check_every_post(posts, editor)


@pytest.mark.django_db
def test_block_editor_export_notable_posts(blocks, frozen_now):
    reader = Client()
    pull = _article(47)
    assert pull.pull_quotes.count() == 32
    first = pull.pull_quotes.order_by("placement", "pk").first()
    assert (first.text, first.attribution_name, first.placement) == ("Pullquote, no alignment", "Citation", 1)
    page = reader.get(pull.get_absolute_url()).content.decode()
    assert 'class="pull-quote"' in page and "Pullquote, no alignment" in page

    # Two posts of the same day with the same slug ("footnotes"): both keep an address.
    footnotes, classic = _article(75), _article(76)
    assert footnotes.published_on == classic.published_on
    assert {footnotes.slug, classic.slug} == {"footnotes", "footnotes-2"}
    assert reader.get(footnotes.get_absolute_url()).status_code == 200
    assert reader.get(classic.get_absolute_url()).status_code == 200
    assert "<ol><li>A note</li><li>Another note</li></ol>" in footnotes.body

    gallery = _article(84)
    captions = set(gallery.photos.values_list("caption", flat=True))
    assert {"Single image caption", "Another image caption"} <= captions
    assert "<p><em>Gallery caption</em></p>" in gallery.body

    table = _article(57)
    assert "<p><strong>Header label</strong> · <strong>Header label</strong></p>" in table.body
    code = _article(31)
    assert "Hello World, default width (none)." in code.lead + code.body
    featured = _article(229)
    assert featured.lead_photo is not None and featured.lead_photo.placement == 0
    shortcode = _article(165)
    assert shortcode.photos.count() == 2
    assert _article(145).lead == "Hello World"  # custom HTML, its only paragraph: the lead
    assert Group.objects.filter(name="Editors").exists()
