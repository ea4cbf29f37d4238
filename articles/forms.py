import dataclasses

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from newsroom.text import single_line
from pagecache.fragments import fragment
from sections.models import NAV, Section

from . import cachekeys, desks, renditions, search, workflow
from .models import Article, Byline, Photo
from .people import display_name

CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}


class VerifiedImageField(forms.ImageField):
    """An upload accepted only if articles.renditions decodes it whole within the limits.

    Django's own ImageField lets every Pillow plugin look at the file and verifies only its structure; the file's
    name and content type prove nothing at all.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        upload.image = renditions.open_verified(upload)
        upload.content_type = CONTENT_TYPES[upload.image.format]
        # Checked; the model decodes it again when it stores it. Keeping these pixels until then would hold a
        # second decoded copy for the length of the save.
        renditions.release(upload.image)
        return upload

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "accept" in attrs:  # the file picker offers what the server accepts, not every image/*
            attrs["accept"] = ",".join(sorted(set(CONTENT_TYPES.values())))
        return attrs


STORAGE_UNAVAILABLE = _(
    "The photo could not be stored: the media storage is not answering. Nothing was saved; your text is kept "
    "here. Choose the file again and save in a moment."
)


class StoredImageMixin:
    """A new image is taken only if the media storage answers: otherwise a form error, and nothing saved."""

    image_field = "image"

    def clean(self):
        cleaned_data = super().clean()
        if self.image_field in self.changed_data and cleaned_data.get(self.image_field):
            if renditions.storage_failed() or not renditions.storage_answers():
                self.add_error(
                    self.image_field, forms.ValidationError(STORAGE_UNAVAILABLE, code="storage_unavailable")
                )
        return cleaned_data


class PhotoForm(StoredImageMixin, forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "alt_text", "placement", "is_lead", "position"]
        field_classes = {"image": VerifiedImageField}


class BylineForm(StoredImageMixin, forms.ModelForm):
    image_field = "photo"

    class Meta:
        model = Byline
        fields = ["name", "slug", "role", "bio", "photo", "user"]
        field_classes = {"photo": VerifiedImageField}


# Fields only articles.workflow writes; a POST that names one is crafted, not typed.
WORKFLOW_FIELDS = frozenset(
    {
        "status",
        "published_at",
        "published_on",
        "corrected_at",
        "correction_note",
        "assigned_editor",
        "desk",
        "last_edited_by",
        "review_started_by",
        "status_changed_at",
        "status_changed_by",
        "created_by",
        "version",
    }
)


CONFLICT_MESSAGE = _(
    "Someone else saved this article after you opened it (you opened version %(opened)s, it is now version "
    "%(current)s). Your changes were not saved, so nothing was overwritten; they are kept as a revision."
)


RELATED_NOT_VISIBLE = _("There is no article %(value)s among those you may link; choose one from the list.")


@dataclasses.dataclass
class Conflict:
    """A save refused because someone else saved the article after this form was opened."""

    opened: int
    current: int
    rejected: object = None  # the Revision keeping the refused submission, once recorded


class OrderedTagField(TagField):
    """Tags in the order typed: changed when the names or their order change (taggit's compares them sorted)."""

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            typed = self.clean(data)
        except forms.ValidationError:
            return True
        return [tag.name for tag in initial or []] != typed


class ArticleAdminForm(forms.ModelForm):
    """The article form of the admin: it refuses workflow fields and saves made from a stale version."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "section",
            "lead",
            "body",
            "seo_title",
            "seo_description",
            "tags",
            "related",
        ]
        field_classes = {"tags": OrderedTagField}
        widgets = {"seo_description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.locked_version = None
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version
            self.initial["tags"] = self.instance.ordered_tags  # taggit's own initial has no order
        # Empty means the title and the lead: show them there (static/js/article_aids.js keeps them current).
        for name, fallback in (("seo_title", "title"), ("seo_description", "lead")):
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    placeholder=getattr(self.instance, fallback, "") or "",
                    **{"data-falls-back-to": f"id_{fallback}"},
                )

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        for name in names:
            single_line(name)
        return names

    def clean_related(self):
        chosen = list(self.cleaned_data["related"])
        if not self.instance.pk:
            return chosen
        # The admin offers only what this user may see (ArticleAdmin.formfield_for_manytomany); links an editor
        # made to articles outside that stay, rather than vanish because this user could not see them.
        offered = self.fields["related"].queryset
        return chosen + list(self.instance.related.exclude(pk__in=offered.values("pk")))

    def clean(self):
        cleaned_data = super().clean()
        smuggled = sorted(WORKFLOW_FIELDS.intersection(self.data))
        if smuggled:
            raise forms.ValidationError(
                _(
                    "The state, the publication time and the correction change only through the workflow "
                    "buttons (%(fields)s)."
                ),
                code="workflow_field",
                params={"fields": ", ".join(smuggled)},
            )
        if self.instance.pk:
            self._check_version(cleaned_data.get("opened_version"))
        return cleaned_data

    def _check_version(self, opened):
        # Locked until the admin's transaction ends: a concurrent save waits here, then sees the new version.
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .get()
        )
        if opened != current:
            self.conflict = Conflict(opened=opened or 0, current=current)
            raise forms.ValidationError(
                CONFLICT_MESSAGE,
                code="conflict",
                params={"opened": opened or "?", "current": current},
            )
        self.locked_version = current


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed and shown in the newsroom's zone, whatever zone is active for the request."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

    def to_python(self, value):
        with timezone.override(timezone.get_default_timezone()):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(timezone.get_default_timezone()):
            return super().prepare_value(value)


class TransitionForm(forms.Form):
    """What one workflow step asks for: a comment, an editor, a time, a correction note."""

    def __init__(self, transition, article, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.takes_desk:
            self.fields["desk"] = forms.ModelChoiceField(
                label=_("Desk to review it"),
                queryset=Section.objects.active(),
                required=False,
                empty_label=_("The desk of its section (%(section)s)") % {"section": article.section.name},
                initial=article.desk_id,
                help_text=_("Send the article to another section's desk when its editors should review it."),
            )
        if transition.takes_editor:
            self.fields["editor"] = forms.ModelChoiceField(
                label=_("Editor to review it"),
                queryset=desks.reviewers(),
                required=False,
                empty_label=_("The desk (any editor)"),
                initial=article.assigned_editor_id,
            )
            self.fields["editor"].label_from_instance = display_name
        if transition.takes_time:
            self.fields["when"] = ZonedDateTimeField(
                label=_("Publication time"),
                required=transition.requires_time,
                initial=article.published_at,
            )
        if transition.takes_note:
            self.fields["note"] = forms.CharField(
                label=_("Correction note for readers"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=article.correction_note,
                help_text=_("Printed under the article. Leave it empty if the change needs no explanation."),
            )
        if transition.comment != workflow.NO_COMMENT:
            required = transition.comment == workflow.REQUIRED
            self.fields["comment"] = forms.CharField(
                label=_("Comment (required)") if required else _("Comment"),
                widget=forms.Textarea(attrs={"rows": 4}),
                required=required,
                error_messages={"required": _("Say why: the comment is required for this step.")},
            )

    def options(self):
        return {
            "comment": self.cleaned_data.get("comment", ""),
            "editor": self.cleaned_data.get("editor"),
            "when": self.cleaned_data.get("when"),
            "note": self.cleaned_data.get("note", ""),
            "desk": self.cleaned_data.get("desk"),
        }


class ListSelect(forms.Select):
    """Django's <select>, the same markup, with its options printed from the fragment cache (`cached_options`).

    The search page's author list has an option per byline: through the widget templates (an include per option,
    another per option's attributes) it took more time than the rest of the page, and the field's query ran on every
    render (docs/performance.md). Without `options`, Django's own rendering.
    """

    options = None  # a callable giving (value, label, printed option) for every choice

    def render(self, name, value, attrs=None, renderer=None):
        if self.options is None:
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        parts = [
            _option(choice, label, selected=True) if str(choice) in chosen else printed
            for choice, label, printed in self.options()
        ]
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            _attrs(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),  # noqa: S308 - each option went through format_html
        )


def _option(value, label, selected=False):
    """One <option> as Django's option template prints it."""
    return format_html(
        '\n  <option value="{}"{}>{}</option>\n', value, mark_safe(" selected") if selected else "", label
    )


def cached_options(field, name, query, key):
    """Print `field`'s options from the fragment cache: `query`'s (value, label) pairs, each with its markup, kept
    until `key` changes, after the field's empty choice. Validating a chosen value still asks the database."""

    def printed():
        return [(str(value), label, _option(value, label)) for value, label in query]

    def options():
        rows = fragment(f"options:{name}", printed, keys=(key,))
        if field.empty_label is None:
            return rows
        return [("", field.empty_label, _option("", field.empty_label)), *rows]

    field.widget.options = options


def _attrs(attrs):
    """As django/forms/widgets/attrs.html prints them: ` name="value"`, ` name` for True, nothing for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def section_choice():
    """An optional section, chosen by its slug as the address carries it (`?section=dia-phuong`)."""
    return forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
        error_messages={"invalid_choice": _("There is no such section.")},
        widget=ListSelect,
    )


def cached_sections(field):
    cached_options(field, "sections", Section.objects.values_list("slug", "name"), NAV)


# A day as readers write it. The page's own format comes first (day/month/year, as the paper prints dates), then
# the ISO form the addresses have always carried (/by-date/?date=2017-09-29) and English month names.
DAY_INPUT_FORMATS = [
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%B %d, %Y",
]
DAY_FORMAT = "%d/%m/%Y"
# Shown in the empty field; the by-date form in the site's footer (templates/articles/includes/by_date_form.html)
# prints the same words.
DAY_PLACEHOLDER = _("dd/mm/yyyy")


class PrintedInput:
    """An <input> as django/forms/widgets/input.html prints it, the same markup printed in Python: the reading
    site's forms (the search page's fields, the "view by date" picker on every page) are rendered for readers, and
    through the widget templates each field cost a template and an include for its attributes."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', str(widget["value"])) if widget["value"] is not None else "",
            _attrs(widget["attrs"]),
        )


class SearchInput(PrintedInput, forms.SearchInput):
    pass


class DayInput(PrintedInput, forms.DateInput):
    """A text field that reads day/month/year in the page's language.

    Not `<input type="date">`: browsers show it in their own language's order, so a Vietnamese page read in an
    English browser asked for mm/dd/yyyy while the paper prints and says day/month/year; a typed 09/10 meant a
    different day to the reader and to the field.
    """

    def __init__(self, attrs=None):
        attrs = {"class": "day-input", "placeholder": DAY_PLACEHOLDER, "autocomplete": "off", **(attrs or {})}
        super().__init__(attrs, DAY_FORMAT)


def day_field(label, required=False, required_message=None):
    """A day typed as day/month/year (29/09/2017), or as the ISO date the addresses carry (2017-09-29)."""
    error_messages = {"required": required_message} if required_message else {}
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DAY_INPUT_FORMATS,
        widget=DayInput,
        error_messages={
            "invalid": _("Enter a real day as day/month/year, e.g. 29/09/2017."),
            **error_messages,
        },
    )


class ByDateForm(forms.Form):
    """The "Xem tin theo ngày" form: a day that has come, and optionally a section."""

    date = day_field(_("Date"), required=True, required_message=_("Choose a date."))
    section = section_choice()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cached_sections(self.fields["section"])

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("That day has not come yet; choose today or an earlier date."))
        return date


class SearchForm(forms.Form):
    """`/search/?q=…&section=…&from=…&to=…&author=…&sort=newest`: the words, optional filters (days as `day_field`
    reads them) and the order (most relevant first unless asked)."""

    # `from` is a Python keyword: the fields carry longer names and answer to the short ones in the URL.
    URL_NAMES = {"date_from": "from", "date_to": "to"}
    # What the address says of a search, and nothing else: the page cache's key, the pages' links.
    PARAMETERS = ("q", "section", "from", "to", "sort", "author")

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=SearchInput(attrs={"maxlength": search.MAX_QUERY_LENGTH, "placeholder": _("e.g. nhiem vu")}),
    )
    section = section_choice()
    date_from = day_field(_("From"))
    date_to = day_field(_("To"))
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=[("", _("Most relevant")), ("newest", _("Newest first"))],
        required=False,
        error_messages={"invalid_choice": _("Results are sorted by relevance or newest first.")},
    )
    author = forms.ModelChoiceField(
        label=_("Author"),
        queryset=Byline.objects.only(
            "pk", "slug", "name"
        ),  # an option each: the rest of the row is never read
        to_field_name="slug",
        required=False,
        empty_label=_("All authors"),
        error_messages={"invalid_choice": _("There is no such author.")},
        widget=ListSelect,
    )

    def __init__(self, data=None, **kwargs):
        # What the page prints back is what was searched: no control characters, no over-long paste.
        if data is not None:
            data = {name: search.clean(data.get(name, "")) for name in self.PARAMETERS}
        super().__init__(data, **kwargs)
        cached_sections(self.fields["section"])
        cached_options(
            self.fields["author"], "bylines", Byline.objects.values_list("slug", "name"), cachekeys.BYLINES
        )

    def add_prefix(self, field_name):
        return self.URL_NAMES.get(field_name, field_name)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date comes after the end date."))
        return cleaned

    def filter(self, articles):
        """Narrow published articles to the chosen section, author and local days."""
        data = self.cleaned_data
        if data["section"]:
            articles = articles.filter(section=data["section"])
        if data["author"]:
            articles = articles.filter(byline_links__byline=data["author"])
        if data["date_from"]:
            articles = articles.filter(published_on__gte=data["date_from"])
        if data["date_to"]:
            articles = articles.filter(published_on__lte=data["date_to"])
        return articles

    @property
    def has_filters(self):
        return self.is_bound and any(self.data.get(name) for name in ("section", "from", "to", "author"))
