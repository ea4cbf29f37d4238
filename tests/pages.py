"""Reading rendered pages in tests: the parts a reader sees, the tags a machine reads."""

import json
import re
from html.parser import HTMLParser


def main_column(html):
    """The page's own content, without the "Latest news" column beside it."""
    start = html.index('<main id="content"')
    end = html.find('<aside class="latest-column"', start)
    return html[start : end if end != -1 else html.index("</main>", start)]


def assert_in_order(html, needles):
    """Each needle appears after the one before it; fails naming the first that is missing or out of order."""
    start = 0
    for needle in needles:
        index = html.find(needle, start)
        assert index != -1, f"missing, or not after the previous element: {needle!r}"
        start = index + len(needle)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html, name=None):
    """(tag, {attribute: value}) of every start tag, optionally only those called `name`."""
    parser = _Tags()
    parser.feed(html)
    return [(tag, attrs) for tag, attrs in parser.tags if name is None or tag == name]


def meta(html, key):
    """Every content of <meta property=key> or <meta name=key>, in order."""
    return [
        attrs.get("content")
        for _tag, attrs in tags(html, "meta")
        if attrs.get("property") == key or attrs.get("name") == key
    ]


def json_ld(html):
    """The decoded JSON-LD blocks of a page."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    return [json.loads(block) for block in blocks]
