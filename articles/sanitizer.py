"""The newsroom's HTML policy: the only markup a body may keep.

CKEditor's own filter runs in the reporter's browser and is no security boundary; this allow-list runs on the
server on every save, so whatever reaches the database is safe to print.
"""

from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup"}
    | {"a", "ul", "ol", "li", "blockquote"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Tags whose content is dropped with them, not kept as text.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "svg", "math"}
)


def sanitize(html: str) -> str:
    """Reduce rich text to the newsroom allow-list; scripts, handlers and unsafe links never survive."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        # "*" overrides nh3's default of keeping `lang` and `title` on every tag.
        attributes={"*": set(), **{tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class _BlockSplitter(HTMLParser):
    """Find where each top-level block of sanitized HTML starts; loose inline content forms a block of its own."""

    VOID = frozenset({"br"})
    BLOCKS = frozenset({"p", "h2", "h3", "h4", "ul", "ol", "blockquote"})

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self._line_offsets = [0]
        for line in html.splitlines(keepends=True):
            self._line_offsets.append(self._line_offsets[-1] + len(line))
        self.depth = 0
        self.boundaries = []
        self._in_loose_run = False

    def _offset(self):
        line, column = self.getpos()
        return self._line_offsets[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            if tag in self.BLOCKS:
                self.boundaries.append(self._offset())
                self._in_loose_run = False
            elif not self._in_loose_run:
                self.boundaries.append(self._offset())
                self._in_loose_run = True
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            self.depth = max(self.depth - 1, 0)

    def handle_data(self, data):
        if self.depth == 0 and data.strip() and not self._in_loose_run:
            self.boundaries.append(self._offset())
            self._in_loose_run = True


def split_blocks(html: str) -> list[str]:
    """Split sanitized body HTML into its top-level blocks (paragraphs, headings, lists, quotes)."""
    if not html:
        return []
    splitter = _BlockSplitter(html)
    splitter.feed(html)
    splitter.close()
    starts = splitter.boundaries or [0]
    if starts[0] != 0:
        starts = [0, *starts]
    ends = [*starts[1:], len(html)]
    blocks = [html[start:end].strip() for start, end in zip(starts, ends, strict=True)]
    return [block for block in blocks if block]


class _TextExtractor(HTMLParser):
    BREAKS = frozenset({"br", "p", "h2", "h3", "h4", "li", "blockquote", "ul", "ol"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The words of HTML without its markup, one line per block: for search, feeds and diffs."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)
