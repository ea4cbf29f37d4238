"""Create search's RUM index after the extension was enabled on a database that was migrated without it."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles import search
from articles.models import Article


class Command(BaseCommand):
    help = "Create the RUM extension (if allowed) and search's RUM index (docs/search.md)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The RUM index is for PostgreSQL; SQLite searches without it.")
        if not search.create_rum_index(connection, Article._meta.db_table):
            raise CommandError(
                "PostgreSQL has no RUM extension here, or this user may not create it: "
                "install postgresql-<version>-rum, or run CREATE EXTENSION rum as a superuser, then try again."
            )
        self.stdout.write(self.style.SUCCESS(f"Search uses the RUM index {search.RUM_INDEX}."))
