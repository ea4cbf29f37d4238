from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _

from articles.people import display_name
from articles.views import front_page_context

from .models import FEATURED_PLACES, FrontPage, Place, Slot


class SlotForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("place") == Place.SECTION:
            if not data.get("section"):
                self.add_error("section", _("A section block's slot needs its section."))
        else:
            data["section"] = None  # only a section block's slot belongs to a section
        return data


class SlotFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if not form.errors and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        leads = [data for data in kept if data["place"] == Place.LEAD]
        if len(leads) > 1:
            raise ValidationError(_("The front page has one lead story: keep one lead slot."))
        positions = [data["position"] for data in kept if data["place"] == Place.FEATURED]
        if len(positions) != len(set(positions)):
            raise ValidationError(_("Two featured slots have the same position: give each its own."))
        if any(not 1 <= position <= FEATURED_PLACES for position in positions):
            raise ValidationError(
                _("The featured row has %(count)d places: positions run from 1 to %(count)d.")
                % {"count": FEATURED_PLACES}
            )
        sections = [data["section"] for data in kept if data["place"] == Place.SECTION]
        if None in sections:
            raise ValidationError(_("A section block's slot needs its section."))
        if len(sections) != len(set(sections)):
            raise ValidationError(
                _("Each section block has one chosen story: two slots name the same section.")
            )
        for data in kept:
            if data["place"] != Place.SECTION:
                data["section"] = None  # only a section block's slot belongs to a section


class SlotInline(admin.TabularInline):
    model = Slot
    form = SlotForm
    formset = SlotFormSet
    fields = ["place", "position", "section", "article", "until"]
    autocomplete_fields = ["article"]
    extra = 3
    ordering = ["place", "position", "section__position", "pk"]


@admin.register(FrontPage)
class FrontPageAdmin(admin.ModelAdmin):
    """The one arrangement of the home page: editors change it, reporters look at it."""

    inlines = [SlotInline]
    fields = ["changed_by_name", "changed_at"]
    readonly_fields = ["changed_by_name", "changed_at"]
    change_form_template = "admin/frontpage/frontpage/change_form.html"

    @admin.display(description=FrontPage._meta.get_field("changed_by").verbose_name)
    def changed_by_name(self, obj):
        # People are named by their display name wherever staff see them, not by their login.
        return display_name(obj.changed_by) or "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # There is one arrangement: its list would be a page with one link on it.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect("admin:frontpage_frontpage_change", FrontPage.current().pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        FrontPage.current()  # the one arrangement exists before anyone opens it
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:object_id>/preview/", preview, name="frontpage_frontpage_preview"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        # Called on every save of the form, also when only its slots changed: it stamps who and when.
        obj.changed_by = request.user
        obj.save()

    def preview_view(self, request, object_id):
        """The home page as the form on screen would make it, before it is saved: for editors, never cached."""
        arrangement = self.get_object(request, object_id)
        if (
            request.method != "POST"
            or arrangement is None
            or not self.has_change_permission(request, arrangement)
        ):
            raise PermissionDenied
        form = self.get_form(request, arrangement, change=True)(request.POST, instance=arrangement)
        formsets, _inlines = self._create_formsets(request, arrangement, change=True)
        valid = form.is_valid() & all(formset.is_valid() for formset in formsets)
        if not valid:
            errors = [error for formset in formsets for error in formset.non_form_errors()]
            errors += [
                f"{field}: {message}"
                for formset in formsets
                for each in formset.errors
                for field, messages in each.items()
                for message in messages
            ]
            response = render(
                request,
                "admin/frontpage/frontpage/preview_errors.html",
                {**self.admin_site.each_context(request), "errors": errors, "title": _("Preview")},
                status=400,
            )
        else:
            now = timezone.now()
            slots = [
                (
                    data["place"],
                    data["section"].pk if data["section"] else None,
                    data["position"],
                    data["article"].pk,
                )
                for formset in formsets
                for data in (each.cleaned_data for each in formset.forms)
                if data
                and not data.get("DELETE")
                and data.get("article")
                and (data.get("until") is None or data["until"] > now)
            ]
            context = {**front_page_context(slots), "front_page_preview": True}
            response = render(request, "articles/home.html", context)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
