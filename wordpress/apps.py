from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordPressConfig(AppConfig):
    name = "wordpress"
    verbose_name = _("WordPress import")

    def ready(self):
        from exchange.kinds import USER, Kind, register

        # Where imported articles came from travels with them: a later import stays idempotent on the new site,
        # and the old addresses can still be answered.
        register(Kind("wordpress_site", "wordpress.Site"))
        register(
            Kind("wordpress_author", "wordpress.ImportedAuthor", after=("wordpress_site", "byline", USER))
        )
        register(Kind("wordpress_post", "wordpress.ImportedPost", after=("wordpress_site", "article")))
