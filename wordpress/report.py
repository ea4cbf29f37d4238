"""What an import did, item by item where it matters: printed at the end of every run, dry or not."""

import collections
import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# How many entries of a long list the printed report shows; the JSON report has them all.
LISTED = 50


@dataclasses.dataclass
class Skipped:
    post_id: int
    title: str
    reason: str


@dataclasses.dataclass
class MissingMedia:
    post_id: int
    source: str
    reason: str


def _counter():
    return dataclasses.field(default_factory=collections.Counter)


def _list():
    return dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Report:
    path: str = ""
    site_title: str = ""
    site_url: str = ""
    wxr_version: str = ""
    dry_run: bool = False
    items: int = 0
    by_type: collections.Counter = _counter()  # post type -> items in the file
    by_wordpress_status: collections.Counter = (
        _counter()
    )  # post status there ("password": protected) -> posts
    outcomes: collections.Counter = _counter()  # created, updated, unchanged, skipped
    states: collections.Counter = _counter()  # published, scheduled, draft -> articles created or updated
    not_public: collections.Counter = _counter()  # private, password -> posts kept as drafts
    skipped: list = _list()  # Skipped
    other_items: collections.Counter = _counter()  # pages, menus… -> items that are no articles
    pages: list = _list()  # (post id, title) of pages, which have no counterpart here
    photos: int = 0
    photos_alt_filled: int = 0
    missing_media: list = _list()  # MissingMedia
    unknown_shortcodes: collections.Counter = _counter()
    bracketed_text: collections.Counter = _counter()
    embeds: collections.Counter = _counter()  # provider -> embeds shown as links
    left_out: collections.Counter = _counter()
    site_blocks: int = 0
    unknown_blocks: collections.Counter = _counter()
    reshaped: collections.Counter = _counter()
    sections: collections.Counter = _counter()  # section name -> articles
    sections_created: list = _list()
    bylines_created: list = _list()
    tags_created: int = 0
    untitled: list = _list()  # post ids titled from their first words
    comments: int = 0
    absent: int = 0  # posts imported before that this export no longer has
    redirects: int = 0  # old addresses (permalinks, ?p=ID) that now answer 301
    redirects_taken: list = _list()  # old addresses already leading to another article: left as they are
    seconds: float = 0.0

    def note(self, notes):
        """Add what one post's conversion could not keep (content.Notes)."""
        self.unknown_shortcodes.update(notes.unknown_shortcodes)
        self.bracketed_text.update(notes.bracketed_text)
        self.left_out.update(notes.left_out)
        self.site_blocks += sum(notes.site_blocks.values())
        self.unknown_blocks.update(notes.unknown_blocks)
        self.reshaped.update(notes.reshaped)

    @property
    def posts(self):
        return sum(self.outcomes.values())

    def as_dict(self):
        # Not dataclasses.asdict(): it rebuilds a Counter from (key, count) pairs, counting the pairs.
        data = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, dict):
                value = dict(value)
            elif isinstance(value, list):
                value = [
                    dataclasses.asdict(entry) if dataclasses.is_dataclass(entry) else entry for entry in value
                ]
            data[field.name] = value
        data["posts"] = self.posts
        return data

    def lines(self):
        """The report as a newsroom reads it, in the active language."""
        out = []
        title = (
            _("WordPress import (dry run: nothing was written)") if self.dry_run else _("WordPress import")
        )
        out += [title, "=" * len(title)]
        out.append(
            _("Site: %(title)s (%(url)s), WXR %(version)s, file %(path)s")
            % {"title": self.site_title, "url": self.site_url, "version": self.wxr_version, "path": self.path}
        )
        out.append(
            _("Items in the file: %(count)s — %(kinds)s")
            % {"count": self.items, "kinds": _pairs(self.by_type)}
        )
        out.append(_("Posts by status in WordPress: %(pairs)s") % {"pairs": _pairs(self.by_wordpress_status)})
        out.append("")
        out.append(
            _("Posts: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(skipped)s skipped")
            % {name: self.outcomes.get(name, 0) for name in ("created", "updated", "unchanged", "skipped")}
        )
        if self.states:
            out.append(
                _(
                    "Articles created or updated: %(published)s published, %(scheduled)s scheduled, %(draft)s drafts"
                )
                % {name: self.states.get(name, 0) for name in ("published", "scheduled", "draft")}
            )
        for status, count in sorted(self.not_public.items()):
            reason = (
                _("password-protected in WordPress")
                if status == "password"
                else _("“%(status)s” in WordPress") % {"status": status}
            )
            out.append(
                "  "
                + ngettext(
                    "%(count)s post %(reason)s: imported as a draft, not public",
                    "%(count)s posts %(reason)s: imported as drafts, not public",
                    count,
                )
                % {"count": count, "reason": reason}
            )
        if self.absent:
            out.append(
                _("%(count)s posts imported earlier are not in this export: left as they are.")
                % {"count": self.absent}
            )
        out.append(
            _("Old addresses (permalinks and ?p=ID) now leading to their articles: %(count)s")
            % {"count": self.redirects}
        )
        if self.sections:
            out.append(_("Sections: %(pairs)s") % {"pairs": _pairs(self.sections)})
        if self.sections_created:
            out.append(_("Sections created: %(names)s") % {"names": ", ".join(self.sections_created)})
        if self.bylines_created:
            out.append(_("Bylines created: %(names)s") % {"names": ", ".join(self.bylines_created)})
        out.append(_("Tags created: %(count)s") % {"count": self.tags_created})
        out.append(
            _(
                "Photos: %(photos)s (alt text taken from the caption or file title for %(filled)s: review them)"
            )
            % {"photos": self.photos, "filled": self.photos_alt_filled}
        )
        if self.untitled:
            out.append(
                _("Posts without a title, titled from their first words: %(ids)s")
                % {"ids": ", ".join(str(pk) for pk in self.untitled)}
            )
        if self.comments:
            out.append(_("Comments not imported (the site has none): %(count)s") % {"count": self.comments})
        out += self._listed(
            _("Skipped"),
            [f"#{entry.post_id} “{entry.title}”: {entry.reason}" for entry in self.skipped],
        )
        out += self._listed(
            _("Old addresses already leading to another article (left as they are)"), self.redirects_taken
        )
        if self.other_items:
            out.append("")
            out.append(_("Not articles, not imported: %(pairs)s") % {"pairs": _pairs(self.other_items)})
        out += self._listed(
            _("Pages (no counterpart here; recreate the ones you need)"),
            [f"#{pk} “{title}”" for pk, title in self.pages],
        )
        out += self._listed(
            _("Missing media (the articles were imported without them)"),
            [f"#{entry.post_id} {entry.source}: {entry.reason}" for entry in self.missing_media],
        )
        out += self._counted(_("Unknown shortcodes (removed, their text kept)"), self.unknown_shortcodes)
        out += self._counted(
            _("Words in brackets that may be shortcodes (left as text)"), self.bracketed_text
        )
        out += self._counted(_("Embeds shown as links"), self.embeds)
        out += self._counted(_("Left out (no counterpart here)"), self.left_out, left_out_label)
        out += self._counted(_("Blocks of unknown kinds (their content kept)"), self.unknown_blocks)
        out += self._counted(_("Reshaped for the article body"), self.reshaped)
        if self.site_blocks:
            out.append(
                _("Site widgets left out of bodies (menus, post lists, comment forms…): %(count)s")
                % {"count": self.site_blocks}
            )
        out.append("")
        rate = self.posts / self.seconds if self.seconds else 0
        out.append(
            _("Done in %(seconds).1f s (%(rate).0f posts/s).") % {"seconds": self.seconds, "rate": rate}
        )
        return out

    @staticmethod
    def _listed(heading, entries):
        if not entries:
            return []
        lines = ["", f"{heading} ({len(entries)}):"]
        lines += [f"  - {entry}" for entry in entries[:LISTED]]
        if len(entries) > LISTED:
            lines.append("  " + _("… and %(count)s more") % {"count": len(entries) - LISTED})
        return lines

    @staticmethod
    def _counted(heading, counter, label=str):
        if not counter:
            return []
        return ["", f"{heading}: {_pairs(counter, label)}"]


def left_out_label(name):
    """What the report calls a kind of content left out: WordPress's own name (audio, video, gallery), or words."""
    if name == "file:link":
        return _("file (kept as a link)")
    if name == "block:reusable":
        return _("reusable block")
    if name.startswith("no-address:"):
        return _("[%(shortcode)s] without an address") % {"shortcode": name.removeprefix("no-address:")}
    return name


def _pairs(counter, label=str):
    return ", ".join(f"{label(name)} {count}" for name, count in counter.most_common()) or "—"
