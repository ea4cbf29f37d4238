"""Embedded videos and posts: which providers the newsroom accepts, and the player addresses built for them.

Reporters paste the address of a video or a post as they see it in their browser. The server recognises the
provider from this allow-list and builds the player's address itself, from the pieces it recognised (ids, names),
never from what was pasted: nothing a reporter pastes ends up in a page but those pieces. YouTube plays from
youtube-nocookie.com, the privacy-enhanced host; the others from their official embed addresses, with the
do-not-track switch where one exists. Readers' pages show a placeholder and load the player only when the reader
asks (templates/articles/includes/embed.html, static/js/embeds.js), and their Content-Security-Policy lets in
frames from the players on that page and nothing else (FRAME_ORIGINS).
"""

import dataclasses
import re
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

YOUTUBE, FACEBOOK, TIKTOK, X = "youtube", "facebook", "tiktok", "x"
VIDEO, POST = "video", "post"


@dataclasses.dataclass(frozen=True)
class Provider:
    name: str
    frame_origin: str  # the only origin its player frames come from


PROVIDERS = {
    YOUTUBE: Provider("YouTube", "https://www.youtube-nocookie.com"),
    FACEBOOK: Provider("Facebook", "https://www.facebook.com"),
    TIKTOK: Provider("TikTok", "https://www.tiktok.com"),
    X: Provider("X (Twitter)", "https://platform.twitter.com"),
}
CHOICES = [(key, provider.name) for key, provider in PROVIDERS.items()]
FRAME_ORIGINS = {key: provider.frame_origin for key, provider in PROVIDERS.items()}

ACCEPTED = _("a YouTube video, a Facebook video or post, a TikTok video or an X (Twitter) post")


@dataclasses.dataclass(frozen=True)
class Embeddable:
    """A recognised address: everything a page, a feed or JSON-LD prints about it."""

    provider: str
    kind: str  # VIDEO or POST
    url: str  # the provider's own page for it: the link in feeds and for readers without script
    player_url: str  # the official embed address, built here
    author: str = ""  # "@name" where the address names the author
    thumbnail_url: str = ""  # only where known without asking the provider (YouTube's image addresses)

    @property
    def provider_name(self):
        return PROVIDERS[self.provider].name

    @property
    def frame_origin(self):
        return PROVIDERS[self.provider].frame_origin

    @property
    def play_url(self):
        """The player address the page loads on the reader's click: playing at once, since they asked."""
        if self.provider in (YOUTUBE, TIKTOK):
            separator = "&" if "?" in self.player_url else "?"
            return f"{self.player_url}{separator}autoplay=1"
        return self.player_url


def _refuse(message, code):
    raise ValidationError(message, code=code)


def recognise(address):
    """The Embeddable an address stands for; ValidationError with a message for the reporter otherwise."""
    text = str(address or "").strip()
    if "<" in text or ">" in text:
        _refuse(
            format_lazy(
                "{} {}",
                _("That is embed code, not an address."),
                _("Paste the address of the video or post from your browser's address bar instead."),
            ),
            "code",
        )
    if not re.match(r"^https?://", text, flags=re.IGNORECASE):
        if re.match(r"^[a-z][a-z0-9+.-]*:", text, flags=re.IGNORECASE) and not text.lower().startswith(
            "www."
        ):
            _unknown(text)
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:  # "https://[not-an-address/"
        _unknown(text)
    recogniser = _BY_HOST.get(host)
    if host in SHORT_LINK_HOSTS:
        _refuse(
            _(
                "A short link (%(host)s) does not say which video or post it is. Open it in your browser and paste "
                "the full address from the address bar."
            )
            % {"host": host},
            "short_link",
        )
    if recogniser is None:
        _unknown(text)
    found = recogniser(parts)
    if found is None:
        _refuse(
            format_lazy(
                "{} {}",
                _("This %(provider)s address does not lead to a single video or post.")
                % {"provider": PROVIDERS[_PROVIDER_OF[recogniser]].name},
                _("Open the video or post itself and paste its address."),
            ),
            "not_an_item",
        )
    return found


def _unknown(text):
    _refuse(
        format_lazy(
            "{} {}",
            _("The newsroom embeds only %(accepted)s.") % {"accepted": ACCEPTED},
            _("Other addresses can go in the text as a link."),
        ),
        "unknown_provider",
    )


def validate(address):
    """A model field validator: the address must be recognised."""
    recognise(address)


# YouTube: watch?v=, youtu.be/, embed/, shorts/, live/, v/; a start time (t=1m30s, t=90, start=90) is kept.

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def _seconds(value):
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", value)
    if not match or not any(match.groups()):
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _youtube(parts):
    query = parse_qs(parts.query)
    segments = [segment for segment in parts.path.split("/") if segment]
    if (parts.hostname or "").lower() == "youtu.be":
        video = segments[0] if segments else ""
    elif segments[:1] == ["watch"]:
        video = (query.get("v") or [""])[0]
    elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
        video = segments[1]
    else:
        return None
    if not _YOUTUBE_ID.match(video):
        return None
    start = _seconds((query.get("t") or query.get("start") or [""])[0])
    return Embeddable(
        YOUTUBE,
        VIDEO,
        f"https://www.youtube.com/watch?v={video}" + (f"&t={start}s" if start else ""),
        f"https://www.youtube-nocookie.com/embed/{video}" + (f"?start={start}" if start else ""),
        thumbnail_url=f"https://i.ytimg.com/vi/{video}/hqdefault.jpg",
    )


# Facebook: a page's videos/, watch/?v=, reel/, a page's posts/, permalink.php, story.php, photo.php, photo/.

_FB_NAME = r"[A-Za-z0-9.\-_]+"
_FB_POST_ID = re.compile(r"^(\d+|pfbid[0-9A-Za-z]+)$")


def _facebook(parts):
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    path = parts.path.rstrip("/")
    kind, canonical = None, None
    if match := re.fullmatch(rf"/({_FB_NAME})/videos/(?:[^/]+/)?(\d+)", path):
        kind, canonical = VIDEO, f"https://www.facebook.com/{match[1]}/videos/{match[2]}/"
    elif path == "/watch" and query.get("v", "").isdigit():
        kind, canonical = VIDEO, f"https://www.facebook.com/watch/?v={query['v']}"
    elif match := re.fullmatch(r"/reel/(\d+)", path):
        kind, canonical = VIDEO, f"https://www.facebook.com/reel/{match[1]}"
    elif (match := re.fullmatch(rf"/({_FB_NAME})/posts/([^/]+)", path)) and _FB_POST_ID.match(match[2]):
        kind, canonical = POST, f"https://www.facebook.com/{match[1]}/posts/{match[2]}"
    elif path in ("/permalink.php", "/story.php") and _FB_POST_ID.match(query.get("story_fbid", "")):
        owner = query.get("id", "")
        if owner.isdigit():
            kind = POST
            canonical = "https://www.facebook.com/permalink.php?" + urlencode(
                {"story_fbid": query["story_fbid"], "id": owner}
            )
    elif path in ("/photo.php", "/photo") and query.get("fbid", "").isdigit():
        kind, canonical = POST, f"https://www.facebook.com/photo/?fbid={query['fbid']}"
    if kind is None:
        return None
    plugin = "video" if kind == VIDEO else "post"
    options = {"href": canonical, "show_text": "false" if kind == VIDEO else "true", "width": "560"}
    return Embeddable(
        FACEBOOK,
        kind,
        canonical,
        f"https://www.facebook.com/plugins/{plugin}.php?" + urlencode(options, quote_via=quote),
    )


# TikTok: @name/video/<id>, embed/v2/<id>, embed/<id>, player/v1/<id>, m.tiktok.com/v/<id>.html.

_TIKTOK_NAME = r"[A-Za-z0-9._]{1,30}"


def _tiktok(parts):
    path = parts.path.rstrip("/")
    author = ""
    if match := re.fullmatch(rf"/@({_TIKTOK_NAME})/video/(\d{{6,25}})", path):
        author, video = f"@{match[1]}", match[2]
        page = f"https://www.tiktok.com/@{match[1]}/video/{video}"
    elif match := re.fullmatch(r"/(?:embed/v2|embed|player/v1|v)/(\d{6,25})(?:\.html)?", path):
        video = match[1]
        page = f"https://www.tiktok.com/embed/v2/{video}"
    else:
        return None
    return Embeddable(TIKTOK, VIDEO, page, f"https://www.tiktok.com/player/v1/{video}?rel=0", author=author)


# X (Twitter): name/status/<id> (and /statuses/, with /photo/1 or /video/1 after it), i/web/status/<id>.

_X_NAME = r"[A-Za-z0-9_]{1,15}"


def _x(parts):
    match = re.fullmatch(
        rf"/(?:({_X_NAME})|i(?:/web)?)/status(?:es)?/(\d{{1,25}})(?:/(?:photo|video)/\d)?/?", parts.path
    )
    if not match:
        return None
    name, post = match[1], match[2]
    if name == "i":  # x.com/i/status/…: the address names no author
        name = None
    return Embeddable(
        X,
        POST,
        f"https://x.com/{name or 'i'}/status/{post}",
        f"https://platform.twitter.com/embed/Tweet.html?id={post}&dnt=true",
        author=f"@{name}" if name else "",
    )


_BY_HOST = {
    **dict.fromkeys(("youtube.com", "m.youtube.com", "youtu.be", "youtube-nocookie.com"), _youtube),
    **dict.fromkeys(("facebook.com", "m.facebook.com", "web.facebook.com"), _facebook),
    **dict.fromkeys(("tiktok.com", "m.tiktok.com"), _tiktok),
    **dict.fromkeys(("twitter.com", "mobile.twitter.com", "x.com", "mobile.x.com"), _x),
}
_PROVIDER_OF = {_youtube: YOUTUBE, _facebook: FACEBOOK, _tiktok: TIKTOK, _x: X}
# Their target is only known by following them, which the server does not do.
SHORT_LINK_HOSTS = frozenset({"fb.watch", "vm.tiktok.com", "vt.tiktok.com", "t.co", "fb.me"})


def frame_sources(embeds):
    """The frame origins a page needs for these embeds, for its Content-Security-Policy."""
    return sorted({embed.embeddable.frame_origin for embed in embeds})
