from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from . import views

urlpatterns = [
    path("favicon.ico", views.favicon),
]

# Vietnamese lives at the root (the stable URL contract); English under /en/.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
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
