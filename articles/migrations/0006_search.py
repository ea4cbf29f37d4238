import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

from articles import search


class CreateUnaccent(UnaccentExtension):
    """Django's operation checks the database only going forwards; unapplying it on SQLite asked for pg_extension."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_gin_index(apps, schema_editor):
    """A GIN index over the published articles' documents; SQLite has no such index and needs none."""
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    schema_editor.execute(
        f"CREATE INDEX article_search_vector ON {table} USING gin (search_vector) WHERE status = 'published'"
    )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector")


def index_existing_articles(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    search.reindex_many(Article._default_manager.using(schema_editor.connection.alias).all())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_newsroom_roles"),
    ]

    operations = [
        # Both are no-ops on SQLite. unaccent is a trusted extension: the database owner may create it.
        CreateUnaccent(),
        migrations.AddField(
            model_name="article",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_title",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_gin_index, drop_gin_index, elidable=False),
        migrations.RunPython(index_existing_articles, migrations.RunPython.noop, elidable=True),
    ]
