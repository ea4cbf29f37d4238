"""RSS 2.0 and Atom feeds of the newest published articles, for the whole site and for each section.

Titles, leads and section descriptions are plain text. Feed readers take RSS's <description> (and many its <title>)
as HTML, so there the text goes out with &, < and > escaped as HTML, as the RSS Best Practices Profile advises, and
shows as typed; Atom says what its text is: titles are text by default, and summaries say type="text".
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from pagecache.context import depends_on
from pagecache.middleware import Policy
from sections.models import Section

from . import cachekeys, embeds
from .models import Article, Correction
from .seo import absolute_url

FEED_LENGTH = 30


_HTML_SPECIALS = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}


def _as_html(text):
    """Plain text as HTML that shows the same characters; text without &, < or > is left as it is."""
    return None if text is None else str(text).translate(_HTML_SPECIALS)


class PlainTextRss(Rss201rev2Feed):
    """RSS 2.0 whose titles and descriptions are plain text, escaped for readers that render them as HTML."""

    def __init__(self, title, link, description, *args, **kwargs):
        super().__init__(_as_html(title), link, _as_html(description), *args, **kwargs)

    def add_item(self, title, link, description, *args, **kwargs):
        super().add_item(_as_html(title), link, _as_html(description), *args, **kwargs)


class PlainTextAtom(Atom1Feed):
    """Atom whose entry summaries are declared plain text (Django's own declares them HTML)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class LatestArticlesFeed(Feed):
    """The newest articles of the whole paper (RSS 2.0)."""

    feed_type = PlainTextRss
    url_name = "articles:feed"
    description = _("The newest news of the province, as it is published.")
    pagecache = Policy()

    def author_name(self):
        # Atom needs an author for the feed when an article has no byline: the paper itself.
        return settings.NEWSROOM["SITE_NAME"]

    def title(self):
        return settings.NEWSROOM["SITE_NAME"]

    def subtitle(self):
        return self.description

    def link(self):
        return absolute_url(reverse("articles:home"))

    def feed_url(self):
        return absolute_url(reverse(self.url_name))

    def items(self, section=None):
        articles = Article.objects.published()
        depends_on(cachekeys.ALL if section is None else cachekeys.section_list(section.pk))
        if section is not None:
            articles = articles.filter(section=section)
        return (
            articles.for_listing()
            .with_bylines()
            .with_tags()
            .prefetch_related("embeds")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        """The lead, then a link to each embedded video or post: a feed reader plays nothing in its place."""
        links = [f"{_embed_label(embed)}: {embed.url}" for embed in article.embeds.all()]
        return "\n\n".join([article.lead, *links])

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def item_author_name(self, article):
        return ", ".join(byline.name for byline in article.ordered_bylines) or None

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.corrected_at or article.published_at

    def item_categories(self, article):
        return [tag.name for tag in article.ordered_tags]

    def item_enclosures(self, article):
        photo = article.lead_photo
        if photo is None or photo.file_size is None:
            return []
        return [Enclosure(absolute_url(photo.image.url), str(photo.file_size), photo.mime_type)]


def _embed_label(embed):
    found = embed.embeddable
    kind = _("Video") if found.kind == embeds.VIDEO else _("Post")
    label = f"{kind} ({found.provider_name})"
    return f"{label} · {embed.caption}" if embed.caption else label


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = PlainTextAtom
    url_name = "articles:feed_atom"


class SectionFeed(LatestArticlesFeed):
    """The newest articles of one section (RSS 2.0)."""

    url_name = "sections:feed"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return f"{section.name} · {settings.NEWSROOM['SITE_NAME']}"

    def description(self, section):
        return section.description or section.name

    def subtitle(self, section):
        return self.description(section)

    def link(self, section):
        return absolute_url(section.get_absolute_url())

    def feed_url(self, section):
        return absolute_url(reverse(self.url_name, kwargs={"slug": section.slug}))


class SectionAtomFeed(SectionFeed):
    feed_type = PlainTextAtom
    url_name = "sections:feed_atom"


class CorrectionsFeed(Feed):
    """Every correction readers are told of, newest first (RSS 2.0): the corrections page as a feed."""

    url_name = "articles:corrections_feed"
    pagecache = Policy()

    def title(self):
        return f"{_('Corrections')} · {settings.NEWSROOM['SITE_NAME']}"

    def description(self):
        return _("What we got wrong, and what we corrected.")

    def subtitle(self):
        return self.description()

    def link(self):
        return absolute_url(reverse("articles:corrections"))

    def feed_url(self):
        return absolute_url(reverse(self.url_name))

    def author_name(self):
        return settings.NEWSROOM["SITE_NAME"]

    def items(self):
        depends_on(cachekeys.CORRECTIONS, cachekeys.ALL)
        return Correction.objects.published().for_listing()[:FEED_LENGTH]

    def item_title(self, correction):
        return correction.article.title

    def item_description(self, correction):
        return correction.note

    def item_link(self, correction):
        return absolute_url(correction.article.get_absolute_url())

    def item_guid(self, correction):
        # One item per correction: an article corrected twice has two.
        return f"{self.item_link(correction)}#correction-{correction.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, correction):
        return correction.corrected_at

    def item_updateddate(self, correction):
        return correction.corrected_at


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed
    url_name = "articles:corrections_feed_atom"
