from django.shortcuts import get_object_or_404

from articles.cachekeys import section_list
from articles.views import ArticleListView
from pagecache.context import depends_on

from .models import Section


class SectionView(ArticleListView):
    """A section's dated listing, newest first."""

    template_name = "sections/section_detail.html"
    card_shows_section = False

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        depends_on(*self.listing_keys())
        return self.published_articles().filter(section=self.section)

    def listing_keys(self):
        return {section_list(self.section.pk)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section, current_section_slug=self.section.slug, **kwargs
        )
