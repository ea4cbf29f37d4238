"""Rebuild the stored search documents: after a bulk import or a raw UPDATE that sent no signals."""

from django.core.management.base import BaseCommand

from articles import search
from articles.models import Article


class Command(BaseCommand):
    help = "Recompute the search document of every article (or of the given ids)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Only these article ids.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, ids, batch_size, **options):
        articles = Article.objects.filter(pk__in=ids) if ids else Article.objects.all()
        count = search.reindex_many(articles, batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"Search documents rebuilt for {count} article(s)."))
