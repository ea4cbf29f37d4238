"""Sitemaps: the front page, the sections and every published article, plus a Google News sitemap of the last two
days. /sitemap.xml is an index of them, paginated as the archive grows."""

import datetime
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from newsroom.site_url import site_url
from pagecache.context import coarse, expires_at
from pagecache.middleware import cacheable
from sections.models import NAV, Section

from . import cachekeys
from .models import Article, newest_correction_at, site_updated_at
from .seo import absolute_url


class PublicSitemap(Sitemap):
    """Addresses on the paper's public origin (newsroom.site_url), whatever host the crawler used."""

    def get_protocol(self, protocol=None):
        return urlsplit(site_url()).scheme

    def get_domain(self, site=None):
        return urlsplit(site_url()).netloc


class FrontPageSitemap(PublicSitemap):
    """The front page and the corrections page."""

    def items(self):
        coarse(cachekeys.ALL, cachekeys.ANY)
        return ["articles:home", "articles:corrections"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return site_updated_at() if name == "articles:home" else newest_correction_at()


class SectionSitemap(PublicSitemap):
    def items(self):
        coarse(NAV, cachekeys.ALL)
        newest = Article.objects.published().filter(section=OuterRef("pk")).order_by("-published_at")
        return Section.objects.active().annotate(newest=Subquery(newest.values("published_at")[:1]))

    def lastmod(self, section):
        return section.newest


class ArticleSitemap(PublicSitemap):
    # Small pages answer fast and stay far below the protocol's 50,000 addresses and 50 MB.
    limit = 5000

    def items(self):
        # Thousands of addresses a page: the lists' keys cover them all, rather than a key per article.
        coarse(cachekeys.ALL, cachekeys.ANY)
        return (
            Article.objects.published()
            .only("slug", "published_on", "published_at", "corrected_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.corrected_at or article.published_at

    def get_latest_lastmod(self):
        # The default would load every article to take the maximum; the site's update stamp is one query.
        return site_updated_at()


class NewsSitemap(PublicSitemap):
    """Google News: articles of the last 48 hours, at most 1,000 (the format's limit)."""

    limit = 1000
    window = datetime.timedelta(hours=48)

    def items(self):
        coarse(cachekeys.ALL, cachekeys.ANY)
        items = list(
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - self.window)
            .only("title", "slug", "published_on", "published_at", "corrected_at")
            .order_by("-published_at", "-pk")[: self.limit]
        )
        if items:  # the oldest one leaves the sitemap when it is two days old
            expires_at(items[-1].published_at + self.window)
        return items

    def lastmod(self, article):
        return article.corrected_at or article.published_at


SITEMAPS = {"home": FrontPageSitemap, "sections": SectionSitemap, "articles": ArticleSitemap}


@cacheable()
def index(request):
    """/sitemap.xml: one entry per sitemap page, on the public origin like the addresses inside them."""
    coarse(NAV, cachekeys.ALL, cachekeys.ANY)
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        url = absolute_url(reverse("sitemap", kwargs={"section": name}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(url, lastmod))
        entries += [
            SitemapIndexItem(f"{url}?p={page}", lastmod) for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@cacheable(parameters=("p",))
def sitemap_view(request, **kwargs):
    """Django's sitemap view, cached like the pages: `?p=2` is another page of the same sitemap."""
    return sitemap_views.sitemap(request, **kwargs)
