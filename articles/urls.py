from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

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
    # Translators: the address of the corrections page, lower case, no accents, ending in a slash.
    path(_("corrections/"), views.CorrectionsView.as_view(), name="corrections"),
    # Translators: the address of the corrections feed: the corrections page's address, then "feed/".
    path(_("corrections/feed/"), feeds.CorrectionsFeed(), name="corrections_feed"),
    # Translators: the address of the corrections Atom feed: the corrections page's address, then "feed/atom/".
    path(_("corrections/feed/atom/"), feeds.CorrectionsAtomFeed(), name="corrections_feed_atom"),
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
