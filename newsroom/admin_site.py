"""The newsroom's admin site: Django's, with two guards every model's admin gets.

- A "view on site" redirect that asks the model's admin first. Django's own `admin/r/<content type>/<id>/`
  redirects any staff member to any object's get_absolute_url(). For an article that readers cannot see, that
  address carries the slug (the title) of a draft, so a reporter could read the titles of a colleague's drafts by
  counting ids.
- A date drill-down (`date_hierarchy`) that answers every real date. Django's computes the end of the chosen year,
  month or day, and the moment it starts in UTC, without bounds: `?published_at__year=9999` (no year 10000) and
  `?published_at__year=1` (before year 1 in UTC) answered 500.
"""

import datetime

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.urls import path
from django.utils import timezone


class BoundedDateChangeList(ChangeList):
    """Django's change list, with the date drill-down's range computed within the calendar's ends.

    The last year, month or day of the calendar has no end to stop before: it is open-ended; a first moment that
    UTC cannot hold (1 January of year 1 east of Greenwich) has no start. Anything that is not a date at all is
    Django's "incorrect lookup" (the list shows that it ignored the filter).
    """

    def get_filters(self, request):
        original = self.filter_params
        self.filter_params = self._bounded_dates(original)
        try:
            return super().get_filters(request)
        finally:
            self.filter_params = original

    def _bounded_dates(self, params):
        field_name = self.date_hierarchy
        names = [f"{field_name}__{part}" for part in ("year", "month", "day")] if field_name else []
        if not names or names[0] not in params:
            return params
        year, month, day = (params.get(name) for name in names)
        try:
            start = datetime.date(int(year[-1]), int(month[-1]) if month else 1, int(day[-1]) if day else 1)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        try:
            if day:
                end = start + datetime.timedelta(days=1)
            elif month:
                end = (start + datetime.timedelta(days=32)).replace(day=1)
            else:
                end = start.replace(year=start.year + 1)
        except (ValueError, OverflowError):
            end = None
        field = get_fields_from_path(self.model, field_name)[-1]
        bounded = {name: values for name, values in params.items() if name not in names}
        for lookup, day_ in (("gte", start), ("lt", end)):
            moment = _moment(day_, field)
            if moment is not None:
                bounded[f"{field_name}__{lookup}"] = [moment]
        return bounded


def _moment(day, field):
    """The first moment of `day` as `field` stores it, or None when there is no such day or the database's UTC
    cannot hold it."""
    if day is None or not isinstance(field, models.DateTimeField):
        return day
    moment = datetime.datetime.combine(day, datetime.time.min)
    if not settings.USE_TZ:
        return moment
    moment = timezone.make_aware(moment)
    try:
        moment.astimezone(datetime.UTC)
    except OverflowError:
        return None
    return moment


class BoundedDateHierarchy:
    """Mixed into every model's admin by NewsroomAdminSite.register."""

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if changelist is ChangeList:
            return BoundedDateChangeList
        if issubclass(changelist, BoundedDateChangeList):
            return changelist
        return type(changelist.__name__, (BoundedDateChangeList, changelist), {})


class NewsroomAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        # Every admin, the project's and the installed apps' (django-axes has date drill-downs too).
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BoundedDateHierarchy):
            admin_class = type(
                admin_class.__name__,
                (BoundedDateHierarchy, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        urls = super().get_urls()
        guarded = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [guarded if getattr(url, "name", None) == "view_on_site" else url for url in urls]

    def view_on_site(self, request, content_type_id, object_id):
        """Only objects this user may see in the admin, and only where their admin offers a public page."""
        # Imported here: this module is loaded with the app registry, before any model may be.
        from django.contrib.contenttypes import views as contenttype_views
        from django.contrib.contenttypes.models import ContentType

        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        try:
            obj = model_admin.get_object(request, object_id)
        except PermissionDenied:
            raise Http404 from None  # the same answer as for an id that does not exist
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404
        if not model_admin.get_view_on_site_url(obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"
