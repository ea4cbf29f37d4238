"""The newsroom's roles: Django groups holding real permissions.

The data migration creates them; load_demo and the tests call ensure_roles again, because a database flush (as
between transactional tests) keeps the permissions but drops the groups.
"""

from django.apps import apps as global_apps

MODEL_ACTIONS = frozenset({"add", "change", "delete", "view"})
EDIT = ["add", "change", "delete", "view"]

ROLES = {
    "Reporters": {
        "articles.article": ["add", "change", "view", "submit_article"],
        "articles.articlebyline": EDIT,
        "articles.photo": EDIT,
        "articles.pullquote": EDIT,
        "articles.byline": ["view"],
        "articles.tag": ["view"],
        "sections.section": ["view"],
    },
    "Editors": {
        "articles.article": [
            *EDIT,
            "submit_article",
            "approve_article",
            "publish_article",
            "unpublish_article",
            "correct_article",
            "assign_reviewer",
            "edit_all_articles",
            "share_preview",
        ],
        "articles.articlebyline": EDIT,
        "articles.photo": EDIT,
        "articles.pullquote": EDIT,
        "articles.byline": EDIT,
        "articles.tag": EDIT,
        "articles.articletransition": ["view"],
        "sections.section": EDIT,
    },
}


def ensure_roles(apps=global_apps):
    """Create the groups if missing and give them their permissions; idempotent. Returns {name: group}."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {}
    for group_name, grants in ROLES.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for label, actions in grants.items():
            app_label, model = label.split(".")
            codenames = [f"{action}_{model}" if action in MODEL_ACTIONS else action for action in actions]
            permissions = list(
                Permission.objects.filter(
                    content_type__app_label=app_label, content_type__model=model, codename__in=codenames
                )
            )
            if len(permissions) != len(codenames):
                found = {permission.codename for permission in permissions}
                raise LookupError(f"{label} lacks the permissions {sorted(set(codenames) - found)}")
            group.permissions.add(*permissions)
        groups[group_name] = group
    return groups
