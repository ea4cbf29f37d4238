"""The newsroom's roles as groups holding real permissions, and the workflow stamps of existing articles.

Permissions are normally created after `migrate` (post_migrate); the groups need them now, so they are created
here for every app first. The role definitions live in articles.roles, which load_demo and the tests also call.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce

from articles.roles import ROLES, ensure_roles


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps, skip_missing=True)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


def stamp_existing_articles(apps, schema_editor):
    # The dashboard orders each queue by when the article entered its state; older rows get their best guess.
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(status_changed_at__isnull=True).update(
        status_changed_at=Coalesce(F("published_at"), F("modified_at"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow"),
        ("sections", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(stamp_existing_articles, migrations.RunPython.noop),
    ]
