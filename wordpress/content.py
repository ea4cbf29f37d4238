"""A WordPress post's content turned into this site's article body, photos and pull-quotes.

WordPress stores what the author typed: block-editor markup (`<!-- wp:image {"id":7} -->…`) or classic HTML whose
blank lines are paragraphs, with shortcodes (`[caption]…[/caption]`, `[gallery]`) expanded only when a page is
shown. `convert()` does what WordPress would do when showing the post, then maps the result onto what an article
here is made of:

- the body: top-level paragraphs, sub-headings (h2-h4), lists and quotes, cleaned by articles.sanitizer;
- photos (images, captions, galleries, covers) placed "after block N" where they stood, with caption, credit and
  alt text; the featured image is the lead photo;
- pull-quotes, from pull-quote blocks;
- embeds (YouTube, X, Facebook, TikTok…) as plain links, and listed so a later step can turn them into embeds.

Nothing is printed raw: block comments go, shortcodes are expanded or removed, and whatever cannot be kept (audio,
video, the site's own widgets, unknown shortcodes) is counted in `Notes` for the import report.
"""

import collections
import dataclasses
import html
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from articles.sanitizer import html_to_text, sanitize, split_blocks

# The markup WordPress content may use that the conversion reads before the site's own policy applies.
_READ_TAGS = {
    *("p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del", "strike"),
    *("ins", "sub", "sup", "a", "ul", "ol", "li", "blockquote", "cite", "q", "code", "kbd", "mark", "small"),
    *("abbr", "span", "pre", "div", "section", "article", "aside", "center", "figure", "figcaption", "img"),
    *(
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "dl",
        "dt",
        "dd",
        "details",
        "summary",
    ),
    *("hr", "iframe", "video", "audio", "source", "x-segment"),
}
_READ_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "class", "data-id"},
    "iframe": {"src"},
    "video": {"src"},
    "audio": {"src"},
    "source": {"src"},
    "x-segment": {"data-n"},
    "div": {"class"},
    "dl": {"class"},
    "dd": {"class"},
    "dt": {"class"},
    "p": {"class"},
    "figure": {"class"},
    "ol": {"start"},
}
_DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "object", "svg", "math", "form", "button"}

# Embeds WordPress turns into players: kept as links to the original, and listed for a later conversion.
EMBED_PROVIDERS = {
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "youtube-nocookie.com": "youtube",
    "facebook.com": "facebook",
    "fb.watch": "facebook",
    "tiktok.com": "tiktok",
    "twitter.com": "x",
    "x.com": "x",
    "instagram.com": "instagram",
    "vimeo.com": "vimeo",
    "wordpress.tv": "wordpress.tv",
    "soundcloud.com": "soundcloud",
    "spotify.com": "spotify",
    "dailymotion.com": "dailymotion",
}

# Blocks that show the site around a post (menus, lists of other posts, comment forms, the date): a newspaper
# page here prints its own, so they are left out and counted.
_SITE_BLOCK_PREFIXES = ("post-", "query", "comment", "site-", "navigation", "social-link", "template-part")
_SITE_BLOCKS = frozenset(
    {
        *("archives", "calendar", "categories", "latest-comments", "latest-posts", "rss", "search"),
        *("tag-cloud", "page-list", "page-list-item", "loginout", "avatar", "term-description", "read-more"),
        *("home-link", "pattern", "legacy-widget", "widget-group", "footnotes-placeholder", "comments"),
    }
)
_NOTHING_BLOCKS = frozenset({"more", "nextpage", "separator", "spacer"})
_CONTENT_BLOCKS = frozenset(
    {
        *("paragraph", "heading", "list", "list-item", "quote", "table", "code", "preformatted", "verse"),
        *("details", "group", "columns", "column", "buttons", "button", "freeform", "image", "gallery"),
        *("cover", "media-text", "html", "shortcode", "text-columns", "subhead", "missing", "row", "stack"),
    }
)

# A line that is only an address: WordPress turns it into an embed, or a link when it cannot.
_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)
_SHORTCODE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)((?:\s|=|/)[^\[\]]*)?\](\]?)")
_TAG = re.compile(r"<[^>]*>")
_STRAY_CLOSER = re.compile(r"\[/([a-z][a-z0-9_-]*)\]")
_SHORTCODE_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_SHORTCODE_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_EMBED_SHORTCODES = frozenset(
    {"youtube", "vimeo", "twitter", "tweet", "instagram", "facebook", "tiktok", "soundcloud", "dailymotion"}
)
_MEDIA_SHORTCODES = frozenset({"audio", "video", "playlist", "wpvideo"})
_WP_IMAGE = re.compile(r"\bwp-image-(\d+)\b")
_CREDIT = re.compile(
    r"\s*[(\[]?\s*(?:Ảnh|Anh|Photo|Foto|Nguồn ảnh|Credit)\s*:\s*([^()\[\]]{2,120}?)\s*[)\]]?\s*\.?$"
)


@dataclasses.dataclass
class PhotoSpec:
    """An image the post shows, before its file is found."""

    src: str
    attachment_id: int | None = None
    caption: str = ""
    alt: str = ""
    credit: str = ""
    placement: int = 0
    position: int = 0
    is_lead: bool = False
    from_gallery: bool = False


@dataclasses.dataclass
class QuoteSpec:
    text: str
    name: str = ""
    title: str = ""
    placement: int = 0


@dataclasses.dataclass
class Embed:
    url: str
    provider: str
    placement: int = 0


@dataclasses.dataclass
class Notes:
    """What the conversion could not keep as it was, for the report."""

    unknown_shortcodes: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    bracketed_text: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    unknown_blocks: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    site_blocks: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    # audio, video…; report.LEFT_OUT names the kinds that need words (file:link, block:reusable, no-address:…)
    left_out: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    reshaped: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # tables, code…


@dataclasses.dataclass
class Converted:
    blocks: list
    photos: list
    quotes: list
    embeds: list
    notes: Notes

    @property
    def body(self):
        return "\n".join(self.blocks)


@dataclasses.dataclass
class Context:
    """What the conversion knows of the export beyond the post: its attachments and the post's own."""

    post_id: int = 0
    attachments: dict = dataclasses.field(default_factory=dict)  # id -> wxr.Attachment
    children: dict = dataclasses.field(default_factory=dict)  # post id -> [attachment ids]
    meta: dict = dataclasses.field(default_factory=dict)


def convert(content, context=None):
    """The article body, photos, pull-quotes and embeds of a post's content."""
    return _Conversion(context or Context()).run(content or "")


# Segments are what the body's HTML cannot carry (a photo, a pull-quote, an embed): each stands in the markup as
# <x-segment data-n="…"> until the walk over the cleaned markup puts it in place.


class _Conversion:
    def __init__(self, context):
        self.context = context
        self.notes = Notes()
        self.segments = []
        self.closed = set()  # the shortcodes seen: a stray "[/name]" of one of them is removed too

    def marker(self, segment):
        self.segments.append(segment)
        return f'<x-segment data-n="{len(self.segments) - 1}"></x-segment>'

    def run(self, content):
        if "<!-- wp:" in content:
            markup = self.render(parse_blocks(content))
        else:
            # WordPress's own order for classic posts: embeds of lone addresses, shortcodes, then paragraphs.
            markup = autop(self.shortcodes(self.bare_urls(content)))
        markup = self.shortcodes(markup) if "<!-- wp:" in content else markup
        cleaned = nh3.clean(
            markup,
            tags=_READ_TAGS,
            clean_content_tags=_DROPPED_WITH_CONTENT,
            attributes={"*": set(), **_READ_ATTRIBUTES},
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel=None,
            strip_comments=True,
        )
        return _Assembly(self).build(_parse(cleaned))

    # Blocks.

    def render(self, nodes):
        return "".join(node if isinstance(node, str) else self.render_block(node) for node in nodes)

    def render_block(self, block):
        namespace, _slash, name = block.name.rpartition("/")
        inner = self.render(block.children)
        if namespace == "core-embed" or (namespace == "core" and name == "embed"):
            return self.embed_block(block, inner)
        if namespace != "core":
            self.notes.unknown_blocks[block.name] += 1
            return inner
        if name in _NOTHING_BLOCKS:
            return ""
        if name in _SITE_BLOCKS or name.startswith(_SITE_BLOCK_PREFIXES):
            self.notes.site_blocks[name] += 1
            return ""
        if name == "pullquote":
            return self.pull_quote(inner)
        if name in ("audio", "video"):
            self.notes.left_out[name] += 1
            return ""
        if name == "file":
            self.notes.left_out["file:link"] += 1
            return inner
        if name == "block":
            self.notes.left_out["block:reusable"] += 1
            return ""
        if name == "footnotes":
            return self.footnotes()
        if name == "cover" and block.attrs.get("backgroundType") == "video":
            self.notes.left_out["video"] += 1
            return re.sub(r"<video\b.*?</video>", "", inner, flags=re.S)
        if name == "cover" and block.attrs.get("url") and "<img" not in inner:
            # Older covers set the picture as a CSS background: it is the cover's image all the same.
            image_id = block.attrs.get("id")
            css_class = f' class="wp-image-{image_id}"' if image_id else ""
            return f'<figure><img src="{html.escape(str(block.attrs["url"]))}"{css_class}></figure>{inner}'
        if name not in _CONTENT_BLOCKS:
            self.notes.unknown_blocks[block.name] += 1
        return inner

    def embed_block(self, block, inner):
        url = str(block.attrs.get("url") or "").strip()
        if not url:
            found = re.search(r"https?://[^\s<>\"']+", html.unescape(inner))
            url = found.group(0) if found else ""
        if not url:
            return ""
        caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", inner, re.S)
        return self.embed(url, html_to_text(caption.group(1)) if caption else "")

    def embed(self, url, caption=""):
        return self.marker(("embed", html.unescape(url).strip(), caption))

    def pull_quote(self, inner):
        quoted = re.search(r"<blockquote[^>]*>(.*?)</blockquote>", inner, re.S)
        body = quoted.group(1) if quoted else inner
        cite = re.search(r"<cite[^>]*>(.*?)</cite>", body, re.S)
        text = html_to_text(re.sub(r"<cite[^>]*>.*?</cite>", "", body, flags=re.S))
        if not text.strip():
            return ""
        name = " ".join(html_to_text(cite.group(1)).split()) if cite else ""
        return self.marker(("quote", QuoteSpec(text=text.strip(), name=name)))

    def footnotes(self):
        try:
            notes = json.loads(self.context.meta.get("footnotes") or "[]")
        except ValueError:
            notes = []
        items = "".join(f"<li>{note.get('content', '')}</li>" for note in notes if isinstance(note, dict))
        return f"<ol>{items}</ol>" if items else ""

    # Classic content.

    def bare_urls(self, content):
        return _BARE_URL_LINE.sub(lambda match: self.embed(match.group(1)), content)

    def shortcodes(self, text):
        """Expand the shortcodes this site can show, remove (and count) the others."""
        out, position = [], 0
        while (match := _SHORTCODE.search(text, position)) is not None:
            out.append(text[position : match.start()])
            opening_escape, name, attribute_text, closing_escape = match.groups()
            attribute_text = attribute_text or ""
            if opening_escape and closing_escape:  # [[gallery]] is how a post shows "[gallery]" itself
                out.append(match.group(0)[1:-1])
                position = match.end()
                continue
            closer = f"[/{name}]"
            end_of_inner = text.find(closer, match.end()) if not attribute_text.rstrip().endswith("/") else -1
            known = name in _KNOWN_SHORTCODES
            if not known and not _looks_like_shortcode(name, attribute_text, end_of_inner != -1):
                if _SHORTCODE_NAME.fullmatch(name) and not attribute_text.strip():
                    self.notes.bracketed_text[f"[{name}]"] += 1
                out.append(text[match.start() : match.start() + 1])
                position = match.start() + 1
                continue
            inner = None
            position = match.end()
            if end_of_inner != -1:
                inner = text[match.end() : end_of_inner]
                position = end_of_inner + len(closer)
            out.append(self.shortcode(name, _shortcode_attributes(attribute_text), inner))
        out.append(text[position:])
        return _STRAY_CLOSER.sub(
            lambda match: "" if match.group(1) in self.closed else match.group(0), "".join(out)
        )

    def shortcode(self, name, attributes, inner):
        self.closed.add(name)
        if name in ("caption", "wp_caption"):
            return self.caption(attributes, inner or "")
        if name == "gallery":
            return self.gallery(attributes)
        if name == "embed":
            url = (inner or attributes.get("src") or attributes.get("url") or "").strip()
            return self.embed(url) if url else ""
        if name in _EMBED_SHORTCODES:
            url = attributes.get("url") or attributes.get("src") or attributes.get(0) or (inner or "")
            url = url.strip().lstrip("=")
            if url.startswith(("http://", "https://")):
                return self.embed(url)
            self.notes.left_out[f"no-address:{name}"] += 1
            return ""
        if name in _MEDIA_SHORTCODES:
            self.notes.left_out[name] += 1
            return ""
        self.notes.unknown_shortcodes[name] += 1
        return self.shortcodes(inner) if inner else ""

    def caption(self, attributes, inner):
        image = re.search(r"<img\b[^>]*>", inner, re.I)
        if image is None:
            return self.shortcodes(inner)
        text = attributes.get("caption") or html_to_text(
            re.sub(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>", "", inner, flags=re.I)
        )
        spec = _image_spec({name: value or "" for name, value in _Tags.attributes_of(image.group(0))})
        spec.caption = " ".join(html.unescape(text).split())
        if spec.attachment_id is None and (
            match := re.fullmatch(r"attachment_(\d+)", attributes.get("id", ""))
        ):
            spec.attachment_id = int(match.group(1))
        return self.marker(("photo", spec))

    def gallery(self, attributes):
        listed = attributes.get("ids") or attributes.get("include") or ""
        ids = [int(pk) for pk in re.findall(r"\d+", listed)]
        if not ids:
            parent = (
                int(attributes["id"]) if str(attributes.get("id", "")).isdigit() else self.context.post_id
            )
            ids = list(self.context.children.get(parent, []))
        excluded = {int(pk) for pk in re.findall(r"\d+", attributes.get("exclude", ""))}
        markers = []
        for pk in ids:
            attachment = self.context.attachments.get(pk)
            if pk in excluded:
                continue
            spec = PhotoSpec(src=attachment.url if attachment else "", attachment_id=pk, from_gallery=True)
            markers.append(self.marker(("photo", spec)))
        return "".join(markers)


_KNOWN_SHORTCODES = frozenset(
    {"caption", "wp_caption", "gallery", "embed"} | _EMBED_SHORTCODES | _MEDIA_SHORTCODES
)


def _looks_like_shortcode(name, attribute_text, closed):
    """Whether an unknown "[name …]" is a shortcode (of a plugin that is gone) rather than words in brackets.

    "[contact-form to='x']", "[toc /]" and "[note]…[/note]" are; "[simple boat]", "[sic]" and "[Ảnh]" are text, as
    WordPress itself prints them.
    """
    if not _SHORTCODE_NAME.fullmatch(name):
        return False
    attribute_text = attribute_text.strip()
    return closed or "=" in attribute_text or attribute_text.endswith("/")


def _shortcode_attributes(text):
    """WordPress's shortcode_parse_atts: named values by name, bare ones by position."""
    attributes, position = {}, 0
    text = html.unescape(re.sub(r"[\u00a0\u200b]+", " ", text or "")).strip().rstrip("/")
    if text.startswith("="):  # [youtube=https://…], an old form some plugins accept
        return {0: text[1:].strip()}
    for match in _SHORTCODE_ATTRIBUTE.finditer(text):
        groups = match.groups()
        for name_index, value_index in ((0, 1), (2, 3), (4, 5)):
            if groups[name_index]:
                attributes[groups[name_index].lower()] = groups[value_index]
                break
        else:
            value = next((group for group in groups[6:] if group is not None), "")
            attributes[position] = value
            position += 1
    return attributes


def _image_spec(attributes):
    """A PhotoSpec from the attributes of an <img>."""
    spec = PhotoSpec(src=attributes.get("src", ""), alt=attributes.get("alt", "").strip())
    found = _WP_IMAGE.search(attributes.get("class", ""))
    if attributes.get("data-id", "").isdigit():
        spec.attachment_id = int(attributes["data-id"])
    elif found:
        spec.attachment_id = int(found.group(1))
    return spec


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append(attrs)

    @classmethod
    def attributes_of(cls, tag):
        parser = cls()
        parser.feed(tag)
        parser.close()
        return parser.found[0] if parser.found else []


def split_credit(caption):
    """("Cầu Bãi Cháy lúc bình minh.", "Xuân Việt") from "Cầu Bãi Cháy lúc bình minh. Ảnh: Xuân Việt"."""
    match = _CREDIT.search(caption)
    if not match or match.start() == 0:
        return caption, ""
    return caption[: match.start()].rstrip(" -–—,;"), match.group(1).strip()


# Blocks of the block editor.


@dataclasses.dataclass
class Block:
    name: str
    attrs: dict
    children: list  # HTML strings and inner blocks, in order


_DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?!\}\s+/?-->).)*?\}\s+)?(?P<void>/)?-->",
    re.S,
)


def parse_blocks(content):
    """The block tree of block-editor content: WordPress's own tokenizer, forgiving of unclosed blocks."""
    root = Block("", {}, [])
    stack, position = [root], 0
    for match in _DELIMITER.finditer(content):
        if match.start() > position:
            stack[-1].children.append(content[position : match.start()])
        position = match.end()
        name = (match["namespace"] or "core/") + match["name"]
        if match["closer"]:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    del stack[depth:]
                    break
            continue
        try:
            attrs = json.loads(match["attrs"]) if match["attrs"] else {}
        except ValueError:
            attrs = {}
        block = Block(name, attrs if isinstance(attrs, dict) else {}, [])
        stack[-1].children.append(block)
        if not match["void"]:
            stack.append(block)
    if position < len(content):
        stack[-1].children.append(content[position:])
    return root.children


# Classic paragraphs: WordPress's wpautop().

_ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote"
    r"|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure"
    r"|figcaption|details|menu|summary|iframe|video|audio)"
)


def autop(text):
    """Blank lines become paragraphs and single line breaks <br>, as WordPress shows a classic post."""
    if not text.strip():
        return ""
    preserved = []

    def keep(match):
        preserved.append(match.group(0))
        return f"<pre wp-pre-tag-{len(preserved) - 1}></pre>"

    text = re.sub(r"<pre\b.*?</pre>", keep, text, flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text + "\n", flags=re.I)
    text = re.sub(rf"(<{_ALL_BLOCKS}[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</{_ALL_BLOCKS}>)", r"\1\n\n", text, flags=re.I)
    text = re.sub(r"<hr\s*?/?>", "<hr />\n\n", text, flags=re.I)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Line breaks inside a tag (a long <a …> split over lines) are not paragraph breaks.
    text = re.sub(r"<[^>]*>", lambda match: match.group(0).replace("\n", " "), text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part.strip()]
    text = "".join(f"<p>{part.strip(chr(10))}</p>\n" for part in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text, flags=re.I)
    text = re.sub(rf"<p>\s*(</?{_ALL_BLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_ALL_BLOCKS}[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(rf"(</?{_ALL_BLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(rf"(</?{_ALL_BLOCKS}[^>]*>)\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(r"\n</p>$", "</p>", text)
    return re.sub(r"<pre wp-pre-tag-(\d+)></pre>", lambda match: preserved[int(match.group(1))], text)


# A small tree of the cleaned markup, which nh3 has made well-formed.


@dataclasses.dataclass
class _Node:
    tag: str
    attrs: dict
    children: list  # _Node or str (unescaped text)

    def text(self):
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def find_all(self, tags):
        for child in self.children:
            if isinstance(child, _Node):
                if child.tag in tags:
                    yield child
                yield from child.find_all(tags)


_VOID = frozenset({"br", "img", "hr", "source"})


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("", {}, [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {name: value or "" for name, value in attrs}, [])
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}, []))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _parse(markup):
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root


def _serialize(node):
    if isinstance(node, str):
        return html.escape(node, quote=False)
    attributes = "".join(f' {name}="{html.escape(value)}"' for name, value in node.attrs.items())
    if node.tag in _VOID:
        return f"<{node.tag}{attributes}>"
    inner = "".join(_serialize(child) for child in node.children)
    return f"<{node.tag}{attributes}>{inner}</{node.tag}>"


_INLINE = frozenset(
    {
        *("a", "strong", "b", "em", "i", "u", "s", "del", "strike", "ins", "sub", "sup", "code", "kbd"),
        *("mark", "small", "abbr", "span", "cite", "q", "br"),
    }
)
# Elements that stand apart from the text around them wherever they are: lifted out of paragraphs.
_LIFTED = frozenset({"img", "x-segment", "iframe", "video", "audio"})
_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}


class _Assembly:
    """The walk over the cleaned markup: the body's blocks with photos, pull-quotes and embeds in place."""

    def __init__(self, conversion):
        self.conversion = conversion
        self.notes = conversion.notes
        self.blocks = []
        self.photos = []
        self.quotes = []
        self.embeds = []
        self.position = 0

    def build(self, root):
        self.walk(root.children)
        return Converted(self.cleaned_blocks(), self.photos, self.quotes, self.embeds, self.notes)

    def cleaned_blocks(self):
        """The blocks through the site's sanitizer: all at once when each stays one block (nearly always),
        else one by one, moving the photos, quotes and embeds after the blocks they followed."""
        cleaned = split_blocks(sanitize("\n".join(self.blocks)))
        if len(cleaned) == len(self.blocks):
            return cleaned
        cleaned, starts = [], []
        for block in self.blocks:
            starts.append(len(cleaned))
            one = sanitize(block)
            cleaned += split_blocks(one) if html_to_text(one).strip() else []
        starts.append(len(cleaned))
        for item in (*self.photos, *self.quotes, *self.embeds):
            item.placement = starts[item.placement]
        return cleaned

    # Output.

    def add_block(self, markup):
        if _TAG.sub("", markup).replace("&nbsp;", " ").strip():
            self.blocks.append(markup)

    def add_photo(self, spec):
        spec.placement, spec.position = len(self.blocks), self.position
        self.position += 1
        self.photos.append(spec)

    def add_item(self, node, caption=""):
        """A lifted element: an image, a segment, a frame or a player."""
        if node.tag == "img":
            spec = _image_spec(node.attrs)
            spec.caption = caption
            if spec.src:
                self.add_photo(spec)
        elif node.tag == "x-segment":
            self.add_segment(self.conversion.segments[int(node.attrs.get("data-n") or 0)])
        elif node.tag == "iframe" and provider(node.attrs.get("src", "")):
            self.add_embed(node.attrs["src"])
        else:
            self.notes.left_out[node.tag] += 1

    def add_segment(self, segment):
        kind = segment[0]
        if kind == "photo":
            self.add_photo(dataclasses.replace(segment[1]))
        elif kind == "quote":
            self.quotes.append(dataclasses.replace(segment[1], placement=len(self.blocks)))
        elif kind == "embed":
            _kind, url, caption = segment
            if url.startswith(("http://", "https://")):
                self.add_embed(url, caption)

    def add_embed(self, url, caption=""):
        escaped = html.escape(url)
        self.add_block(f'<p><a href="{escaped}">{escaped}</a></p>')
        if name := provider(url):
            self.embeds.append(Embed(url, name, len(self.blocks)))
        if caption.strip():
            self.add_block(f"<p><em>{html.escape(caption.strip())}</em></p>")

    # The walk.

    def walk(self, nodes):
        run = []
        for node in nodes:
            if isinstance(node, str) or node.tag in _INLINE:
                run.append(node)
            elif node.tag in _LIFTED:
                if _has_text(run):
                    run.append(node)  # amid loose text: lifted out of the paragraph that text makes
                else:
                    self.add_item(node)
            else:
                self.flush(run)
                run = []
                self.block(node)
        self.flush(run)

    def flush(self, run):
        if run:
            self.with_lifted(_Node("p", {}, run))

    def block(self, node):
        tag = node.tag
        if tag in ("p", "ul", "ol"):
            self.with_lifted(node)
        elif tag in _HEADINGS:
            self.with_lifted(_Node(_HEADINGS[tag], {}, node.children))
        elif tag == "blockquote":
            self.quote(node)
        elif tag == "pre":
            self.preformatted(node)
        elif tag == "table":
            self.table(node)
        elif tag == "figure" or (tag in ("div", "dl") and "wp-caption" in node.attrs.get("class", "")):
            self.figure(node)
        elif tag in ("dt", "summary"):
            self.with_lifted(_Node("p", {}, [_Node("strong", {}, node.children)]))
        elif tag in ("dd", "li", "figcaption", "caption"):
            self.with_lifted(_Node("p", {}, node.children))
        elif tag != "hr":  # div, section, details, dl and the rest: their content, without the box
            self.walk(node.children)

    def with_lifted(self, node):
        """The block without its images and embeds: those go before it when no text precedes them, else after."""
        before, after = [], []
        seen_text = False

        def strip(parent):
            nonlocal seen_text
            kept = []
            for child in parent.children:
                if isinstance(child, str):
                    seen_text = seen_text or bool(child.strip())
                    kept.append(child)
                elif child.tag in _LIFTED:
                    (after if seen_text else before).append(child)
                else:
                    strip(child)
                    if child.tag in ("br", "ul", "ol", "li") or _has_text(child.children):
                        kept.append(child)
            parent.children = kept

        strip(node)
        for item in before:
            self.add_item(item)
        self.add_block(_serialize(node))
        for item in after:
            self.add_item(item)

    def quote(self, node):
        """A quotation keeps its source as a last line: "— Name" (the body has no <cite>)."""
        names = [" ".join(cite.text().split()) for cite in node.find_all({"cite"})]
        _remove(node, "cite")
        names = [name for name in names if name]
        if names:
            node.children.append(_Node("p", {}, [f"— {', '.join(names)}"]))
        self.with_lifted(node)

    def preformatted(self, node):
        """Code and verse keep their lines, as a paragraph with line breaks (the body has no <pre>)."""
        children = []
        for number, line in enumerate(node.text().strip("\n").split("\n")):
            if number:
                children.append(_Node("br", {}, []))
            children.append(line)
        self.notes.reshaped["preformatted text"] += 1
        self.add_block(_serialize(_Node("p", {}, children)))

    def table(self, node):
        """A row per paragraph, cells joined by a middle dot: the body has no tables, and no cell is lost."""
        self.notes.reshaped["table"] += 1
        for caption in node.find_all({"caption"}):
            self.add_block(_serialize(_Node("p", {}, [_Node("em", {}, caption.children)])))
        for row in node.find_all({"tr"}):
            children = []
            for cell in row.children:
                if (
                    not isinstance(cell, _Node)
                    or cell.tag not in ("td", "th")
                    or not _has_text(cell.children)
                ):
                    continue
                if children:
                    children.append(" · ")
                children.append(_Node("strong" if cell.tag == "th" else "span", {}, cell.children))
            if children:
                self.with_lifted(_Node("p", {}, children))

    def figure(self, node):
        images = sum(1 for _image in node.find_all({"img"}))
        if images == 0:
            self.walk(node.children)  # a figure of a table, a quote or an embed: its content
        elif images == 1:
            self.collect(node, _own_caption(node))
        else:  # a gallery: each image with its own caption, the gallery's under them all
            self.collect(node, "")
            if caption := _own_caption(node):
                self.add_block(f"<p><em>{html.escape(caption)}</em></p>")

    def collect(self, node, caption):
        for child in node.children:
            if not isinstance(child, _Node) or _is_caption(child):
                continue
            if child.tag == "img":
                self.add_item(child, caption)
            elif child.tag in _LIFTED:
                self.add_item(child)
            else:
                self.collect(child, _own_caption(child) or caption)


def _is_caption(node):
    classes = node.attrs.get("class", "")
    return node.tag == "figcaption" or "wp-caption-text" in classes or "wp-caption-dd" in classes


def _own_caption(node):
    """The text of a figure's own caption: <figcaption>, or the caption of WordPress's older markup."""
    for child in node.children:
        if isinstance(child, _Node) and _is_caption(child):
            return " ".join(child.text().split())
    return ""


def _remove(node, tag):
    node.children = [child for child in node.children if not (isinstance(child, _Node) and child.tag == tag)]
    for child in node.children:
        if isinstance(child, _Node):
            _remove(child, tag)


def _has_text(nodes):
    for node in nodes:
        if isinstance(node, str):
            if node.strip():
                return True
        elif node.tag in _LIFTED or _has_text(node.children):
            return True
    return False


def provider(url):
    """ "youtube" for a YouTube address, and so on for the embeds WordPress knows; "" for any other address."""
    host = (urlsplit(url).hostname or "").lower()
    for domain, name in EMBED_PROVIDERS.items():
        if host == domain or host.endswith(f".{domain}"):
            return name
    return ""
