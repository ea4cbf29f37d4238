"""Fragments: the parts of pages kept in the cache (the article with its parts, what surrounds it, the chrome),
kept in each process's memory as well as in the shared cache, and never staler than the site's generation."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.template import Context, Template
from django.utils import timezone, translation

from articles.models import Article
from newsroom.cache import GENERATION_KEY, generation

from .factories import make_article

pytestmark = pytest.mark.django_db


def title_shown(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_an_edit_made_in_another_process_retires_this_process_copies(client):
    article = make_article(title="Bản cũ")
    assert "Bản cũ" in title_shown(
        client, article
    )  # the article is now a fragment, here and in the shared cache
    Article.objects.filter(pk=article.pk).update(title="Bản mới")  # another process's edit: no signal here
    assert "Bản cũ" in title_shown(client, article)  # so this process's copy is still what it serves…
    cache.incr(GENERATION_KEY)  # …until that process's bump reaches the shared cache
    assert "Bản mới" in title_shown(client, article)


def test_a_flushed_shared_cache_never_brings_back_an_older_generation(client):
    article = make_article(title="Bản cũ")
    assert "Bản cũ" in title_shown(client, article)
    before = generation()
    Article.objects.filter(pk=article.pk).update(title="Bản mới")
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1)):
        cache.clear()  # Redis restarted: the shared cache is empty, this process still holds its copies
        assert generation() > before
        assert "Bản mới" in title_shown(client, article)


def test_staff_and_anyone_with_a_session_read_past_the_fragments(client, editor):
    article = make_article(title="Bản cũ")
    title_shown(client, article)
    Article.objects.filter(pk=article.pk).update(title="Bản mới")  # no signal: the cache cannot know
    client.force_login(editor)
    assert "Bản mới" in title_shown(client, article)
    client.logout()
    client.cookies.clear()
    assert "Bản cũ" in title_shown(client, article)  # readers keep the cached copy until the next bump


def test_the_fragment_tag_keeps_one_rendering_per_language_and_value():
    template = Template('{% load news %}{% fragment "demo" key %}{{ key }}:{{ other }}{% endfragment %}')

    def render(**context):
        return template.render(Context(context))

    assert render(key="a", other=1) == "a:1"
    assert render(key="a", other=2) == "a:1"  # the same name and values: the kept rendering
    assert render(key="b", other=2) == "b:2"
    with translation.override("en"):
        assert render(key="a", other=3) == "a:3"
    cache.incr(GENERATION_KEY)  # any edit, here or in another process: this process's copy gives way too
    assert render(key="a", other=4) == "a:4"


def test_with_fragments_off_every_render_reads_the_database(client, settings, django_assert_num_queries):
    settings.NEWSROOM = {
        **settings.NEWSROOM,
        "PAGE_CACHE": {**settings.NEWSROOM["PAGE_CACHE"], "FRAGMENTS": False},
    }
    article = make_article(title="Bản cũ")
    title_shown(client, article)
    Article.objects.filter(pk=article.pk).update(title="Bản mới")
    assert "Bản mới" in title_shown(client, article)
    # every time, a cold render: is it published; the article and its five kinds of parts; the ids around it (none
    # here, so no second query for them); the navigation; the update stamp (two). No next scheduled publication
    # is asked: nothing is kept, so nothing needs a time limit.
    with django_assert_num_queries(11):
        title_shown(client, article)
