from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from articles import sitemaps
from pagecache import views as pagecache_views
from readership import views as readership_views

from . import views

# The admin is the newsroom's own desk, named for the paper rather than for Django.
admin.site.site_header = format_lazy("{} · {}", settings.NEWSROOM["SITE_NAME"], _("Newsroom"))
admin.site.site_title = format_lazy("{} · {}", settings.NEWSROOM["SITE_NAME"], _("Newsroom"))
admin.site.index_title = _("Editorial desk")

handler403 = "newsroom.views.permission_denied"
handler500 = "newsroom.views.server_error"

# Machine-read addresses stay at the root in every language: a crawler finds them where robots.txt says.
urlpatterns = [
    path("_health/", pagecache_views.health, name="health"),
    path("api/v1/", include("api.urls")),
    path("_edge/session/", pagecache_views.edge_session, name="edge_session"),
    path("_hit/<int:pk>/", readership_views.hit, name="hit"),
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap_view,
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap",
    ),
    path(
        "news-sitemap.xml",
        sitemaps.sitemap_view,
        {"sitemaps": {"news": sitemaps.NewsSitemap}, "section": "news", "template_name": "sitemaps/news.xml"},
        name="news_sitemap",
    ),
]

# Vietnamese lives at the root (the stable URL contract); English under /en/.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("pagecache.urls")),
    path("", include("articles.urls")),
    path("", include("sections.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns = [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
        *urlpatterns,
    ]

if settings.BENCHMARK:
    from . import bench

    urlpatterns = [path("__bench__/floor/", bench.floor), *urlpatterns]
