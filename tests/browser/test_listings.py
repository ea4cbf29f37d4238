"""The author, topic, section and search pages in Chromium: the same card everywhere, at a desktop's and a phone's
width, with screenshots of each."""

import pytest

from .test_public_site import settle

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "search": "/search/?q=ha+long",
    "author": "/author/le-tung/",
    "tag": "/tag/quang-ninh/",
    "section": "/dia-phuong/",
}


def card_geometry(page):
    """Boxes of the first card with a thumbnail: the card, its thumbnail, title and lead."""
    return page.evaluate(
        """() => {
        const card = [...document.querySelectorAll('.listing .card')].find(c => c.querySelector('.card-thumb'));
        const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width}; };
        return {card: box(card), thumb: box(card.querySelector('.card-thumb img')),
                title: box(card.querySelector('.card-title')), lead: box(card.querySelector('.card-lead'))};
    }"""
    )


@pytest.mark.parametrize("name", PAGES)
def test_listing_cards_lay_out_the_same_on_every_listing_page(browser_page, demo, name):
    page = browser_page
    page.goto(page.base_url + PAGES[name])
    assert page.locator(".listing .card").count() > 0

    settle(page)
    box = card_geometry(page)
    # A desktop: the thumbnail sits on the card's first row, left of the title and the lead, not on a row of its own.
    assert box["thumb"]["right"] <= box["title"]["left"]
    assert box["thumb"]["right"] <= box["lead"]["left"]
    assert box["thumb"]["top"] < box["title"]["bottom"]
    assert box["card"]["bottom"] - box["card"]["top"] < 260  # no gap under the text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.shot(f"{name}-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    settle(page)
    box = card_geometry(page)
    # A phone: the title spans the card; the lead has room beside the thumbnail, not a sliver of a column.
    assert box["title"]["width"] >= 0.9 * box["card"]["width"]
    assert box["lead"]["width"] >= 0.55 * box["card"]["width"]
    assert box["thumb"]["top"] >= box["title"]["bottom"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot(f"{name}-390")
    assert page.console.errors == []
