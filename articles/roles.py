"""The newsroom's roles: Django groups holding real permissions (reporters, editors, chief editors).

The data migration creates them; load_demo and the tests call ensure_roles again, because a database flush (as
between transactional tests) keeps the permissions but drops the groups.
"""

from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

MODEL_ACTIONS = frozenset({"add", "change", "delete", "view"})
EDIT = ["add", "change", "delete", "view"]

ROLES = {
    "Reporters": {
        "articles.article": ["add", "change", "view", "submit_article"],
        "articles.articlebyline": EDIT,
        "articles.photo": EDIT,
        "articles.embed": EDIT,
        "articles.pullquote": EDIT,
        "articles.byline": ["view"],
        "articles.tag": ["view"],
        "sections.section": ["view"],
        # The front page's arrangement, read-only: editors arrange it.
        "frontpage.frontpage": ["view"],
        "frontpage.slot": ["view"],
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
        "articles.embed": EDIT,
        "articles.pullquote": EDIT,
        "articles.byline": EDIT,
        "articles.tag": EDIT,
        "articles.articletransition": ["view"],
        "sections.section": EDIT,
        "redirects.redirect": EDIT,
        "frontpage.frontpage": ["change", "view"],
        "frontpage.slot": EDIT,
    },
}
# A chief editor is an editor who may also approve and publish their own work (the four-eyes rule does not bind
# them), works on every section's desk, and decides who sits on which desk.
ROLES["Chief editors"] = {
    **ROLES["Editors"],
    "articles.article": [*ROLES["Editors"]["articles.article"], "publish_own_article", "cover_all_desks"],
    "sections.section": [*ROLES["Editors"]["sections.section"], "assign_desk"],
}


# What each role is for, in the words a staff member reads when the site refuses them something (the admin's 403).
DUTIES = {
    "Reporters": _(
        "As a reporter you write articles, edit your own drafts and submit them for review, and take a submission "
        "back while no editor has started on it. You can read your own articles in any state and every published "
        "article. Editors review, publish and correct articles."
    ),
    "Editors": _(
        "As an editor you review, send back, approve, publish, schedule, correct and unpublish articles (those of "
        "your desk's sections, when you have a desk), share preview links, and manage sections, bylines and topics. "
        "You do not approve or publish what you wrote or last edited yourself: another editor does."
    ),
    "Chief editors": _(
        "As a chief editor you cover every section's desk, seat editors on desks, and may approve and publish your "
        "own work."
    ),
}


NO_ROLE = _(
    "Your account has no newsroom role yet: ask the site's administrator to make you a reporter or an editor."
)


def duties(user):
    """What this staff member's roles let them do, one sentence per role."""
    if user.is_superuser:
        return [_("As the site's administrator you can do everything here.")]
    names = set(user.groups.values_list("name", flat=True))
    return [DUTIES[name] for name in DUTIES if name in names] or [NO_ROLE]


def ensure_roles(apps=global_apps, skip_missing=False):
    """Create the groups if missing and give them their permissions; idempotent. Returns {name: group}.

    A migration passes `skip_missing`: it runs against the models of its time, which may lack permissions that
    later migrations add (each of those grants them again).
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {
        group_name: {
            (*label.split("."), f"{action}_{label.split('.')[1]}" if action in MODEL_ACTIONS else action)
            for label, actions in grants.items()
            for action in actions
        }
        for group_name, grants in ROLES.items()
    }
    app_labels = {app_label for keys in wanted.values() for app_label, _model, _codename in keys}
    known = {
        (permission.content_type.app_label, permission.content_type.model, permission.codename): permission
        for permission in Permission.objects.filter(content_type__app_label__in=app_labels).select_related(
            "content_type"
        )
    }
    groups = {}
    for group_name, keys in wanted.items():
        missing = keys - known.keys()
        if skip_missing:
            keys -= missing
        elif missing:
            raise LookupError(f"{group_name}: no such permissions {sorted(missing)}")
        group, _created = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*(known[key] for key in keys))
        groups[group_name] = group
    return groups
