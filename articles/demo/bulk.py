"""A large newsroom in bulk inserts, for benchmarks: the demo's vocabulary, no photos, search documents included.

`seed_articles(100_000)` takes about a minute on PostgreSQL: no save(), no signals. Every article gets exactly the
search document `articles.search.reindex()` would compute for it, built in Python alongside the rows.
"""

import datetime
import random

from django.db import connections, transaction
from django.utils import timezone
from django.utils.html import escape

from articles import search
from articles.demo.newsroom import BYLINES, SECTIONS, generated_articles
from articles.models import Article, ArticleByline, Byline, PullQuote, Status, Tag, TaggedArticle
from newsroom.vietnamese import slugify
from sections.models import Section

# One in DRAFT_EVERY is a draft and one in SCHEDULED_EVERY is scheduled: the published() filter has work to do.
DRAFT_EVERY = 40
SCHEDULED_EVERY = 997


def seed_articles(count, *, years=8, seed=2017, batch_size=1000, using="default", progress=None):
    """Add `count` articles spread over the last `years` years (about 35 a day at 100,000); returns how many."""
    vendor = connections[using].vendor
    sections = {
        slug: Section.objects.using(using).get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )[0]
        for position, (name, slug, description) in enumerate(SECTIONS, start=1)
    }
    bylines = {}
    for name, role, bio in BYLINES:
        bylines[name] = Byline.objects.using(using).filter(name=name).first() or Byline.objects.using(
            using
        ).create(name=name, role=role, bio=bio)
    tags = {}
    taken = set(Article.objects.using(using).values_list("published_on", "slug"))
    now = timezone.now().replace(second=0, microsecond=0)
    stretch = years / 2  # generated_articles() spreads its articles over two years
    rng = random.Random(seed)
    made, batch = 0, []
    for number, data in enumerate(generated_articles(count, seed=seed)):
        batch.append(_article(number, data, now, stretch, rng, sections, bylines, tags, taken, vendor, using))
        if len(batch) == batch_size:
            made += _insert(batch, using)
            batch = []
            if progress:
                progress(made)
    if batch:
        made += _insert(batch, using)
    return made


def _article(number, data, now, stretch, rng, sections, bylines, tags, taken, vendor, using):
    if number % DRAFT_EVERY == 0:
        status, published_at = Status.DRAFT, None
    elif number % SCHEDULED_EVERY == 0:
        status, published_at = Status.PUBLISHED, now + datetime.timedelta(hours=rng.randint(1, 48))
    else:
        status = Status.PUBLISHED
        published_at = now - datetime.timedelta(minutes=int(data["minutes_ago"] * stretch))
    published_on = timezone.localdate(published_at) if published_at else None
    base = slugify(data["title"])
    slug, suffix = base, 1
    while (published_on, slug) in taken:
        suffix += 1
        slug = f"{base}-{suffix}"
    taken.add((published_on, slug))
    for name in data["tags"]:
        if name not in tags:
            tags[name] = Tag.objects.using(using).filter(name=name).first() or Tag.objects.using(
                using
            ).create(name=name)
    quote = PullQuote(**data["pull_quote"]) if data["pull_quote"] else None
    # The texts in the order search.other_texts() reads them: body, correction note, quotes, bylines, tags.
    others = ["\n".join(text for _tag, text in data["body"]), ""]
    if quote:
        others += [quote.text, quote.attribution_title, quote.attribution_name]
    others += data["bylines"] + data["tags"]
    body = "\n".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in data["body"])
    article = Article(
        title=data["title"],
        slug=slug,
        section=sections[data["section"]],
        lead=data["lead"],
        body=body,
        status=status,
        published_at=published_at,
        published_on=published_on,
        **search.document(data["title"], data["lead"], others, vendor),
    )
    children = {
        "bylines": [bylines[name] for name in data["bylines"]],
        "tags": [tags[name] for name in data["tags"]],
        "quote": quote,
    }
    return article, children


def _insert(batch, using):
    with transaction.atomic(using=using):
        articles = Article.objects.using(using).bulk_create([article for article, _children in batch])
        links, tagged, quotes = [], [], []
        for article, (_unsaved, children) in zip(articles, batch, strict=True):
            links += [
                ArticleByline(article=article, byline=byline, position=position)
                for position, byline in enumerate(children["bylines"])
            ]
            tagged += [TaggedArticle(content_object=article, tag=tag) for tag in children["tags"]]
            if children["quote"]:
                children["quote"].article = article
                quotes.append(children["quote"])
        ArticleByline.objects.using(using).bulk_create(links)
        TaggedArticle.objects.using(using).bulk_create(tagged)
        PullQuote.objects.using(using).bulk_create(quotes)
    return len(articles)
