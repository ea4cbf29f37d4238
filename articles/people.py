"""How the newsroom names its staff to each other: by their full name, else their username.

Used wherever staff see a person (the desk's queues, the workflow history, revisions and their diff, preview
links, the audit log and its filters, the reviewer chooser, e-mails), so a colleague is "Hoàng Nga" everywhere,
never "hoangnga" in one place and "Hoàng Nga" in another.
"""

from django.contrib import admin
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim


def display_name(user):
    """ "Hoàng Nga", or "hoangnga" for an account without a name; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def display_name_of(path):
    """display_name() as a database expression, for the user at `path` ("user", "created_by")."""
    full = Trim(Concat(F(f"{path}__first_name"), Value(" "), F(f"{path}__last_name")))
    return Coalesce(NullIf(full, Value("")), F(f"{path}__username"))


class PersonFilter(admin.RelatedOnlyFieldListFilter):
    """A list filter over the people who occur in the list, by display name."""

    def field_choices(self, field, request, model_admin):
        ids = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        people = field.remote_field.model._default_manager.filter(pk__in=ids)
        return sorted(((person.pk, display_name(person)) for person in people), key=lambda choice: choice[1])
