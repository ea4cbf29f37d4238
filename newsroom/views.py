from django.conf import settings
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse

from articles.seo import absolute_url
from pagecache.middleware import cacheable


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the real icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@cacheable()
def robots_txt(request):
    """Crawlers may read every public page; the admin and staff previews are not for them."""
    context = {
        "sitemap_url": absolute_url(reverse("sitemap_index")),
        "news_sitemap_url": absolute_url(reverse("news_sitemap")),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


def server_error(request):
    """The 500 page: rendered from settings alone, because the database may be what failed."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"site_name": settings.NEWSROOM["SITE_NAME"]}))
