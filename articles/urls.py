from django.urls import path, register_converter

from . import feeds, views


class FixedDigits:
    """A zero-padded number of a fixed width: 2017, 09, 29."""

    width = 2

    @property
    def regex(self):
        return f"[0-9]{{{self.width}}}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):0{self.width}d}"


class FourDigits(FixedDigits):
    width = 4


register_converter(FourDigits, "yyyy")
register_converter(FixedDigits, "mm")
register_converter(FixedDigits, "dd")

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("by-date/", views.by_date, name="by_date"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="feed"),
    path("feeds/latest/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("preview/s/<str:token>/", views.shared_preview, name="shared_preview"),
    path("<yyyy:year>/", views.ArticleYearArchiveView.as_view(), name="archive_year"),
    path("<yyyy:year>/<mm:month>/", views.ArticleMonthArchiveView.as_view(), name="archive_month"),
    path("<yyyy:year>/<mm:month>/<dd:day>/", views.ArticleDayArchiveView.as_view(), name="archive_day"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
]
