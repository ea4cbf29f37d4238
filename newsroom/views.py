import sys

from django.conf import settings
from django.contrib import admin
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from articles import roles
from articles.seo import absolute_url
from pagecache.middleware import cacheable

from .security import is_admin_request


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


# How long a reader or the desk is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 10


def server_error(request):
    """The 500 page, or the 503 page when what failed is the database: rendered from settings alone."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"site_name": settings.NEWSROOM["SITE_NAME"]}))


# What the database driver raises when the server is down, restarting or unreachable (psycopg2's errors are these).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(request):
    """503 with Retry-After, in the site's (or the admin's) look and the reader's language, touching no database."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        admin = request.path_info.startswith(("/admin/", f"/{language}/admin/"))
        context = {
            "site_name": settings.NEWSROOM["SITE_NAME"],
            "language": language,
            "home_url": reverse("articles:home"),
            "admin_url": reverse("admin:index"),
        }
        body = loader.get_template("admin/503.html" if admin else "503.html").render(context)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def permission_denied(request, exception=None):
    """The 403 page. Staff in the admin get it in the admin's look and their language: why, what their role lets
    them do, and the way back. Everyone else gets the public site's page."""
    user = getattr(request, "user", None)
    if user is None or not (user.is_active and user.is_staff and is_admin_request(request)):
        return render(request, "403.html", status=403)
    referer = request.headers.get("referer", "")
    context = {
        **admin.site.each_context(request),
        "title": _("You cannot open this page"),
        # The workflow and the article admin raise with a sentence written for staff; Django's own refusals say
        # nothing, and the page then says it in general terms.
        "reason": str(exception or ""),
        "duties": roles.duties(user),
        "back_url": referer
        if referer != request.build_absolute_uri()
        and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure())
        else "",
    }
    return render(request, "admin/403.html", context, status=403)
