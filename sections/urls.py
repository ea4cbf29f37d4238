from django.urls import path

from articles import feeds

from . import views

app_name = "sections"

urlpatterns = [
    path("<slug:slug>/", views.SectionView.as_view(), name="detail"),
    path("<slug:slug>/feed/", feeds.SectionFeed(), name="feed"),
    path("<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="feed_atom"),
]
