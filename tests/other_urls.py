"""URL patterns of another site layout, for tests/test_addresses.py: sections under /chuyen-muc/."""

from django.urls import include, path

from sections.views import SectionView

sections = ([path("<slug:slug>/", SectionView.as_view(), name="detail")], "sections")

urlpatterns = [path("chuyen-muc/", include(sections))]
