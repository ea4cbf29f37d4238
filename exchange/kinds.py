"""The kinds of record a content archive holds, in the order they load: one per table of what readers and
editors see. docs/export-format.md describes each one's fields.

Another app adds its own kind with `register(Kind(...))` from its AppConfig.ready(): redirects, embeds and the
front-page arrangement do so when they exist. An archive names its kinds in its manifest, and a site that lacks the
app of one of them refuses the archive rather than drop what it cannot hold.
"""

import dataclasses
from collections.abc import Callable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from articles import renditions, sanitizer


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of record: a model's rows, field by field.

    Every concrete field is exported but those in `derived` (recomputed on import, such as search documents).
    Foreign keys are ids, except to user accounts, which are usernames; times are ISO 8601 with their offset;
    files are their storage names (the files themselves travel under media/).
    """

    name: str
    model: str  # "app_label.ModelName", looked up when used
    after: tuple = ()  # kinds whose rows this one points at
    derived: tuple = ()
    # The storage names of the files a row needs besides its file fields (renditions); from the exported values.
    extra_files: Callable | None = None
    extra_columns: tuple = ()  # the fields extra_files reads
    # What a row is made safe with on import (an archive is input like any other): the instance, changed in place.
    clean: Callable | None = None

    def get_model(self):
        return apps.get_model(self.model)

    def fields(self):
        model = self.get_model()
        return [field for field in model._meta.concrete_fields if field.name not in self.derived]

    def file_fields(self):
        return [field for field in self.fields() if isinstance(field, models.FileField)]


_registry = {}


def register(kind):
    """Add a kind of record (from an app's ready()); its name is how archives call it."""
    _registry[kind.name] = kind


def registered():
    """Every kind, each after the kinds it points at."""
    ordered, placed = [], set()

    def place(kind, path=()):
        if kind.name in placed:
            return
        if kind.name in path:
            raise ValueError(f"Kinds point at each other in a circle: {' → '.join((*path, kind.name))}")
        for name in kind.after:
            if name in _registry:
                place(_registry[name], (*path, kind.name))
        placed.add(kind.name)
        ordered.append(kind)

    for kind in _registry.values():
        place(kind)
    return ordered


def get(name):
    return _registry.get(name)


def _sanitized_body(article):
    article.body = sanitizer.sanitize(article.body)


def _renditions(row):
    image = row.get("image")
    return [renditions.rendition_name(image, width) for width in row.get("renditions") or []] if image else []


# Accounts and their groups travel as names, never with passwords: docs/export-format.md.
USER = "user"
GROUP = "group"

register(Kind(GROUP, "auth.Group"))
register(
    Kind(USER, f"{get_user_model()._meta.app_label}.{get_user_model()._meta.object_name}", after=(GROUP,))
)
register(Kind("section", "sections.Section"))
register(Kind("byline", "articles.Byline", after=(USER,)))
register(Kind("tag", "articles.Tag"))
register(
    Kind(
        "article",
        "articles.Article",
        after=("section", USER),
        derived=("search_title", "search_text", "search_vector"),
        clean=_sanitized_body,
    )
)
register(Kind("article_byline", "articles.ArticleByline", after=("article", "byline")))
register(Kind("article_tag", "articles.TaggedArticle", after=("article", "tag")))
register(Kind("related_article", "articles.Article_related", after=("article",)))
register(
    Kind(
        "photo",
        "articles.Photo",
        after=("article",),
        extra_files=_renditions,
        extra_columns=("image", "renditions"),
    )
)
register(Kind("pull_quote", "articles.PullQuote", after=("article",)))
register(Kind("transition", "articles.ArticleTransition", after=("article", USER)))
register(Kind("revision", "articles.Revision", after=("article", USER)))
register(Kind("preview_link", "articles.PreviewLink", after=("article", USER)))
register(Kind("section_editor", "sections.Section_editors", after=("section", USER)))
register(Kind("embed", "articles.Embed", after=("article",)))
register(Kind("correction", "articles.Correction", after=("article", USER)))
register(Kind("redirect", "redirects.Redirect", after=("article", USER)))
