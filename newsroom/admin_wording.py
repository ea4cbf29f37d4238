"""Django's admin in the newsroom's words: the strings of Django's own admin templates and code (and of
django-taggit's fields) that staff read, listed here so that `makemessages` keeps them in
locale/<language>/LC_MESSAGES/django.po.

LOCALE_PATHS come before Django's catalogues, so the translations written there replace Django's: its Vietnamese
catalogue lacks some of these ("Show counts", "Skip to main content", "Please correct the error below.") and words
others oddly ("Bản ghi nhớ" for History, "Thêm vào bài viết" for Add article). Nothing imports this module; each
msgid must stay exactly Django's. tests/test_admin_language.py reads the admin as a Vietnamese editor and reporter
and fails on English it finds, which is how a string missing here shows up.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

ADMIN_WORDING = [
    # Frame of every page
    gettext_noop("Skip to main content"),
    gettext_noop("Welcome,"),
    gettext_noop("View site"),
    gettext_noop("Change password"),
    gettext_noop("Log out"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Sidebar"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Add"),
    gettext_noop("Change"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("%(app)s administration"),
    gettext_noop("Recent actions"),
    gettext_noop("My actions"),
    gettext_noop("None available"),
    gettext_noop("History"),
    gettext_noop("View on site"),
    gettext_noop("Error:"),
    # Lists
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Filter"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Clear all filters"),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("Any date"),
    gettext_noop("All dates"),
    gettext_noop("Past 7 days"),
    gettext_noop("Action:"),
    gettext_noop("Go"),
    gettext_noop("Run the selected action"),
    gettext_noop("0 of %(cnt)s selected"),
    ngettext_lazy("%(total_count)s selected", "All %(total_count)s selected", 1),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Clear selection"),
    gettext_noop("Click here to select the objects across all pages"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Items must be selected in order to perform actions on them. No items have been changed."),
    gettext_noop("Toggle sorting"),
    gettext_noop("Remove from sorting"),
    gettext_noop("Sorting priority: %(priority_number)s"),
    gettext_noop("%(full_result_count)s total"),
    # Forms
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Save"),
    gettext_noop("Save and add another"),
    gettext_noop("Save and continue editing"),
    gettext_noop("Delete"),
    gettext_noop("Close"),
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", 1),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("Remove"),
    gettext_noop("Delete?"),
    gettext_noop("(Hidden field %(name)s) %(error)s"),
    gettext_noop(
        "ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may need to file a bug report if the issue persists."
    ),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    # History and deleting
    gettext_noop("Change history: %s"),
    gettext_noop("This object doesn’t have a change history. It probably wasn’t added via this admin site."),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following related items will be deleted:'
    ),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("No, take me back"),
    gettext_noop("Objects"),
    gettext_noop("Summary"),
    # Signing in and out, passwords
    gettext_noop("Logged out"),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note that both fields may be case-sensitive."
    ),
    gettext_noop("Password change"),
    gettext_noop("Change my password"),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password twice so we can verify you typed it in correctly."
    ),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    # django-taggit's fields, as the list of topics heads its columns
    pgettext_lazy("A tag name", "name"),
    pgettext_lazy("A tag slug", "slug"),
]
