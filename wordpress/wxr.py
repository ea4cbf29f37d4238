"""Reading WordPress's export format (WXR 1.0-1.2) as a stream, with entity expansion and DTDs refused.

An export is an RSS document: a <channel> with the site's details, its authors, categories and tags, then one
<item> per post, page, attachment or menu entry. The file is read twice, never held in memory: `scan()` learns
the site, the authors, the categories and every attachment (posts may name an image listed further down), and
checks that the whole file is well-formed before anything is written; `items()` then yields the items one at a
time. Each element is cleared and dropped from its parent once read, so a 1 GB export costs what one item costs.

defusedxml refuses any DOCTYPE: WordPress never writes one, and a DTD is how a "billion laughs" file asks the
parser to expand a few bytes into gigabytes, or an external entity asks it to read a file of the server.
"""

import collections
import dataclasses
import datetime
import posixpath
import re
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

# Namespaces by what they hold: WXR's own moved from http to https and through versions 1.0 to 1.2.
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
NO_DATE = "0000-00-00 00:00:00"


class ExportError(Exception):
    """The file cannot be imported at all; the message says why (and where, for malformed XML)."""


@dataclasses.dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    language: str = ""

    @property
    def url(self):
        """The address that identifies the site across exports: the blog's own, without a trailing slash."""
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/")


@dataclasses.dataclass
class Author:
    login: str
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @property
    def name(self):
        """What readers saw as the author: the display name, never the login unless there is nothing else."""
        full = " ".join(part for part in (self.first_name.strip(), self.last_name.strip()) if part)
        return self.display_name.strip() or full or self.login


@dataclasses.dataclass
class Category:
    nicename: str
    name: str
    parent: str = ""


@dataclasses.dataclass
class Attachment:
    post_id: int
    url: str
    title: str = ""
    caption: str = ""
    description: str = ""
    alt: str = ""
    credit: str = ""
    parent: int = 0
    menu_order: int = 0

    @property
    def path(self):
        return upload_path(self.url)


@dataclasses.dataclass
class Item:
    post_id: int
    post_type: str
    status: str
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    post_name: str
    post_date: str
    post_date_gmt: str
    parent: int
    menu_order: int
    password: str
    sticky: bool
    attachment_url: str
    categories: list  # [(domain, nicename, name)]
    meta: dict
    comments: int

    def published_at_gmt(self):
        """The publication time as an aware UTC datetime, or None when WordPress left it empty (drafts)."""
        return _parse_date(self.post_date_gmt, datetime.UTC)

    def local_date(self):
        return _parse_date(self.post_date, None)

    def terms(self, domain):
        return [(nicename, name) for kind, nicename, name in self.categories if kind == domain]


@dataclasses.dataclass
class Export:
    """What the first pass learns about a file."""

    path: str
    site: Site
    authors: dict  # login -> Author
    categories: dict  # nicename -> Category
    attachments: dict  # post id -> Attachment
    by_path: dict  # upload path -> attachment post id
    children: dict  # parent post id -> [attachment post ids in menu order]
    counts: collections.Counter  # (post type, status) -> items
    pages: list  # [(post id, title)]
    items: int = 0

    def attachment_for(self, path):
        pk = self.by_path.get(path)
        return self.attachments.get(pk) if pk is not None else None


def _parse_date(text, zone):
    text = (text or "").strip()
    if not text or text == NO_DATE:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)  # WordPress writes "2010-10-05 07:27:25"
    except ValueError:
        return None
    return value.replace(tzinfo=zone) if zone else value.replace(tzinfo=None)


_SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
_DATED = re.compile(r"(?:^|/)(\d{4}/\d{2}/[^/]+)$")


def upload_path(url):
    """Where a file sits inside `wp-content/uploads`: "https://x/wp-content/uploads/2008/06/a.jpg?w=300" and
    "https://x.files.wordpress.com/2008/06/a.jpg" are both "2008/06/a.jpg"."""
    path = unquote(urlsplit((url or "").strip()).path)
    if "/uploads/" in path:
        path = path.split("/uploads/", 1)[1]
    elif match := _DATED.search(path):
        path = match.group(1)
    return posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""


def original_path(path):
    """The full-size original of a resized copy: "2008/06/a-300x200.jpg" -> "2008/06/a.jpg"."""
    return _SIZE_SUFFIX.sub("", path)


_names = {}


def _name(tag):
    """ "{https://wordpress.org/export/1.2/}post_id" -> "wp:post_id", whatever the WXR version."""
    name = _names.get(tag)
    if name is None:
        if tag[:1] != "{":
            name = tag
        else:
            namespace, local = tag[1:].split("}", 1)
            if "wordpress.org/export/" in namespace:
                name = f"excerpt:{local}" if namespace.rstrip("/").endswith("excerpt") else f"wp:{local}"
            elif namespace == _CONTENT:
                name = f"content:{local}"
            elif namespace == _DUBLIN_CORE:
                name = f"dc:{local}"
            else:
                name = f"{namespace}:{local}"
        _names[tag] = name
    return name


def _children(element):
    """{name: text} of an element's children (the first of each name)."""
    fields = {}
    for child in element:
        fields.setdefault(_name(child.tag), (child.text or "").strip())
    return fields


def _channel_children(path):
    """(name, element) for each child of <channel> once complete; it is dropped from memory after the caller."""
    depth, channel, root_seen = 0, None, False
    try:
        for event, element in iterparse(
            path, events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True
        ):
            if event == "start":
                depth += 1
                if depth == 1:
                    root_seen = True
                    if _name(element.tag) != "rss":
                        raise ExportError(
                            _("This is not a WordPress export: the file starts with <%(tag)s>, not <rss>.")
                            % {"tag": _name(element.tag)}
                        )
                elif depth == 2 and _name(element.tag) == "channel":
                    channel = element
                continue
            depth -= 1
            if depth == 2 and channel is not None:
                yield _name(element.tag), element
                element.clear()
                channel.remove(element)
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        raise ExportError(
            _(
                "The export is not well-formed XML: %(reason)s at line %(line)s, column %(column)s. "
                "Nothing was imported."
            )
            % {"reason": reason, "line": line, "column": column + 1}
        ) from error
    except DefusedXmlException as error:
        raise ExportError(
            _(
                "The export declares a DTD or entities (%(what)s), which WordPress never writes and which can "
                "make a parser exhaust the server's memory: refused. Nothing was imported."
            )
            % {"what": type(error).__name__}
        ) from error
    except OSError as error:
        raise ExportError(_("Cannot read the export: %(error)s") % {"error": error}) from error
    if not root_seen or channel is None:
        raise ExportError(_("This is not a WordPress export: it has no <rss><channel>."))


def _item(element):
    fields, categories, meta, comments = {}, [], {}, 0
    for child in element:
        name = _name(child.tag)
        if name == "category":
            categories.append(
                (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
            )
        elif name == "wp:postmeta":
            pair = _children(child)
            meta[pair.get("wp:meta_key", "")] = pair.get("wp:meta_value", "")
        elif name == "wp:comment":
            comments += 1
        elif name not in fields:
            # content and excerpt keep their whitespace: line breaks are paragraphs in classic posts.
            fields[name] = child.text or ""
    return Item(
        post_id=_integer(fields.get("wp:post_id")),
        post_type=fields.get("wp:post_type", "").strip() or "post",
        status=fields.get("wp:status", "").strip() or "publish",
        title=fields.get("title", "").strip(),
        link=fields.get("link", "").strip(),
        creator=fields.get("dc:creator", "").strip(),
        content=fields.get("content:encoded", ""),
        excerpt=fields.get("excerpt:encoded", ""),
        post_name=fields.get("wp:post_name", "").strip(),
        post_date=fields.get("wp:post_date", "").strip(),
        post_date_gmt=fields.get("wp:post_date_gmt", "").strip(),
        parent=_integer(fields.get("wp:post_parent")),
        menu_order=_integer(fields.get("wp:menu_order")),
        password=fields.get("wp:post_password", "").strip(),
        sticky=fields.get("wp:is_sticky", "").strip() == "1",
        attachment_url=fields.get("wp:attachment_url", "").strip(),
        categories=categories,
        meta=meta,
        comments=comments,
    )


def _integer(text):
    try:
        return int((text or "").strip())
    except ValueError:
        return 0


# An image's credit, when the photographer's software wrote one into the file (IPTC) and WordPress kept it in the
# attachment's serialized PHP metadata: ... s:6:"credit";s:11:"Xuân Việt"; ...
_CREDIT = re.compile(r's:6:"credit";s:\d+:"([^"]*)";')


def scan(path):
    """The first pass: the site, its authors and categories, every attachment, and how many items of each kind.

    Raises ExportError for a file that is not a well-formed WordPress export, before anything is written.
    """
    export = Export(
        path=str(path),
        site=Site(),
        authors={},
        categories={},
        attachments={},
        by_path={},
        children=collections.defaultdict(list),
        counts=collections.Counter(),
        pages=[],
    )
    site_fields = {}
    for name, element in _channel_children(path):
        if name == "item":
            item = _item(element)
            export.items += 1
            protected = "password" if item.password and item.post_type == "post" else ""
            export.counts[(item.post_type, protected or item.status)] += 1
            if item.post_type == "attachment" and item.post_id:
                credit = _CREDIT.search(item.meta.get("_wp_attachment_metadata", ""))
                attachment = Attachment(
                    post_id=item.post_id,
                    url=item.attachment_url or item.link,
                    title=item.title,
                    caption=item.excerpt.strip(),
                    description=item.content.strip(),
                    alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
                    credit=credit.group(1).strip() if credit else "",
                    parent=item.parent,
                    menu_order=item.menu_order,
                )
                export.attachments[item.post_id] = attachment
                if attachment.path:
                    export.by_path.setdefault(attachment.path, item.post_id)
                if item.parent:
                    export.children[item.parent].append(item.post_id)
            elif item.post_type == "page":
                export.pages.append((item.post_id, item.title))
        elif name == "wp:author":
            fields = _children(element)
            login = fields.get("wp:author_login", "")
            if login:
                export.authors[login] = Author(
                    login=login,
                    display_name=fields.get("wp:author_display_name", ""),
                    first_name=fields.get("wp:author_first_name", ""),
                    last_name=fields.get("wp:author_last_name", ""),
                    email=fields.get("wp:author_email", ""),
                )
        elif name == "wp:category":
            fields = _children(element)
            nicename = fields.get("wp:category_nicename", "")
            if nicename:
                export.categories[nicename] = Category(
                    nicename=nicename,
                    name=fields.get("wp:cat_name", "") or nicename,
                    parent=fields.get("wp:category_parent", ""),
                )
        elif name in ("title", "link", "language", "wp:base_site_url", "wp:base_blog_url", "wp:wxr_version"):
            site_fields[name] = (element.text or "").strip()
    if "wp:wxr_version" not in site_fields:
        raise ExportError(
            _(
                "This is not a WordPress export: the feed has no <wp:wxr_version>. Export it again from WordPress."
            )
        )
    export.site = Site(
        title=site_fields.get("title", ""),
        link=site_fields.get("link", ""),
        base_site_url=site_fields.get("wp:base_site_url", ""),
        base_blog_url=site_fields.get("wp:base_blog_url", ""),
        wxr_version=site_fields["wp:wxr_version"],
        language=site_fields.get("language", ""),
    )
    for ids in export.children.values():
        ids.sort(key=lambda pk: (export.attachments[pk].menu_order, pk))
    export.children = dict(export.children)
    return export


def items(path):
    """The second pass: every item of the file, in the file's order, one at a time."""
    for name, element in _channel_children(path):
        if name == "item":
            yield _item(element)
