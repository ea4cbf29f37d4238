"""What search engines, feed readers and sharing services read: absolute addresses and the article's JSON-LD.

Addresses are built from the paper's public address (newsroom.site_url: SITE_URL in production, never the request's
Host header), so a page reached through another name (an IP address, a preview host) still names it.
"""

import json
from urllib.parse import urljoin

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from newsroom.site_url import site_url

from .embeds import VIDEO

PUBLISHER_LOGO = ("img/logo.png", 600, 60)
SHARE_IMAGE = ("img/share.png", 1200, 630)

# Inside <script> only "</script" or "<!--" can end the block early; escaping every <, > and & as a JSON
# \u escape makes that impossible whatever an article says, and the JSON still decodes to the same text.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_url(path_or_url):
    """ "/2017/09/29/…" -> "https://paper.example/2017/09/29/…"; an address that is already absolute stays."""
    return urljoin(site_url() + "/", str(path_or_url))


def json_ld_script(data):
    """A <script type="application/ld+json"> element holding `data`, safe to print in any HTML page."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def publisher():
    logo, width, height = PUBLISHER_LOGO
    return {
        "@type": "Organization",
        "name": settings.NEWSROOM["SITE_NAME"],
        "url": absolute_url("/"),
        "logo": {"@type": "ImageObject", "url": absolute_url(static(logo)), "width": width, "height": height},
    }


def video_object(embed, article):
    """schema.org VideoObject for an embedded video: what is known without asking the provider."""
    found = embed.embeddable
    data = {
        "@type": "VideoObject",
        "name": embed.caption or article.title,
        "description": embed.caption or article.lead,
        "embedUrl": found.player_url,
        "url": found.url,
    }
    if found.thumbnail_url:
        data["thumbnailUrl"] = [found.thumbnail_url]
    return data


def news_article(article, url):
    """schema.org NewsArticle for an article loaded with `for_page()`; `url` is the page's canonical address."""
    published = timezone.localtime(article.published_at)
    modified = timezone.localtime(article.corrected_at or article.published_at)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        # Search engines cut headlines after 110 characters; cut on a word, visibly.
        "headline": Truncator(article.title).chars(110),
        "description": article.page_description,
        "datePublished": published.isoformat(),
        "dateModified": modified.isoformat(),
        "author": [
            {"@type": "Person", "name": byline.name, "url": absolute_url(byline.get_absolute_url())}
            for byline in article.ordered_bylines
        ],
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.ordered_tags],
        "inLanguage": "vi",
        "publisher": publisher(),
    }
    photo = article.lead_photo
    if photo:
        data["image"] = [
            {
                "@type": "ImageObject",
                "url": absolute_url(photo.image.url),
                "width": photo.width,
                "height": photo.height,
                "caption": photo.caption or photo.alt_text,
            }
        ]
    videos = [
        video_object(embed, article) for embed in article.embeds.all() if embed.embeddable.kind == VIDEO
    ]
    if videos:
        data["video"] = videos
    if article.correction_note:
        data["correction"] = {
            "@type": "CorrectionComment",
            "text": article.correction_note,
            "datePublished": modified.isoformat(),
        }
    return data
