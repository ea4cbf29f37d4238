"""Editors add and change redirects; reporters do not (articles.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.roles import ensure_roles


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps, skip_missing=True)


class Migration(migrations.Migration):
    dependencies = [
        ("redirects", "0001_redirects"),
        ("articles", "0010_last_editor_and_movable_slug"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
