from django.db import migrations

from articles import search


def create_rum_index(apps, schema_editor):
    """The RUM index where PostgreSQL has the extension (docs/search.md); nothing on SQLite or without it."""
    if schema_editor.connection.vendor == "postgresql":
        search.create_rum_index(
            schema_editor.connection, apps.get_model("articles", "Article")._meta.db_table
        )


def drop_rum_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        search.drop_rum_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_desk_rules"),
    ]

    operations = [
        migrations.RunPython(create_rum_index, drop_rum_index, elidable=False),
    ]
