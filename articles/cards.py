"""A listing's cards. A card is the same wherever its article is listed (templates/articles/includes/article_card.html
keeps it as a fragment), so a page of a listing needs its articles' ids, not the articles: `for_ids` prints each
card still kept as it was kept, and loads, in one query, only the articles whose card is not.
"""

from django.template.loader import get_template

from pagecache.fragments import kept
from pagecache.templatetags.pagecache import fragment_name, identity

from .models import Article

CARD = "articles/includes/article_card.html"


def render(articles, *, show_section, show_bylines=False):
    """The cards of `articles` (loaded with `for_listing()`, and `with_bylines()` to show them), in order."""
    template = get_template(CARD)
    options = {"show_section": show_section, "show_bylines": show_bylines}
    return [template.render({"article": article, **options}) for article in articles]


def for_ids(ids, load, *, show_section, show_bylines=False):
    """The cards of the articles `ids`, in order: kept ones as they are; the others rendered from `load(missing
    ids)`, {id: article} in one query (an article gone meanwhile is left out)."""
    found = by_id(ids, load, show_section=show_section, show_bylines=show_bylines)
    return [found[pk] for pk in ids if pk in found]


def by_id(ids, load, *, show_section, show_bylines=False):
    """{id: card} of the articles `ids` (as for_ids), for a page that puts something of its own into each card."""
    found = {pk: kept(name(pk, show_section, show_bylines)) for pk in ids}
    missing = [pk for pk, card in found.items() if card is None]
    if missing:
        loaded = load(missing)
        present = [pk for pk in missing if pk in loaded]
        rendered = render(
            [loaded[pk] for pk in present], show_section=show_section, show_bylines=show_bylines
        )
        found.update(zip(present, rendered, strict=True))
    return {pk: card for pk, card in found.items() if card is not None}


def name(pk, show_section, show_bylines):
    """The name article_card.html keeps a listing's card under: `{% fragment "card" article variant heading
    show_section show_bylines %}`, with no variant and no heading given."""
    return fragment_name(["card", identity(Article, pk), "", "", show_section, show_bylines])
