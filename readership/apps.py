from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadershipConfig(AppConfig):
    name = "readership"
    verbose_name = _("Readership")

    def ready(self):
        from exchange.kinds import Kind, register
        from pagecache import holes

        # The folded counts travel in the content archive, so that its pages come back the same.
        register(Kind("article_read_count", "readership.ArticleReadCount", after=("article",)))

        from .counting import block_context

        # A hole, not part of the pages: the block changes every few minutes, the pages around it only on edits.
        holes.register("read", "readership/most_read.html", block_context)
