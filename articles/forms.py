from django import forms
from django.utils.translation import gettext_lazy as _

from sections.models import Section

from . import renditions, search
from .models import Byline, Photo


class PhotoForm(forms.ModelForm):
    """Decodes every upload with Pillow before it is accepted: the name and content type prove nothing."""

    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "alt_text", "placement", "is_lead", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            renditions.open_verified(image)
            image.seek(0)
        return image


class SearchForm(forms.Form):
    """`/search/?q=…&section=…&from=YYYY-MM-DD&to=YYYY-MM-DD&author=…`: the words and optional filters."""

    # `from` is a Python keyword: the fields carry longer names and answer to the short ones in the URL.
    URL_NAMES = {"date_from": "from", "date_to": "to"}

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "maxlength": search.MAX_QUERY_LENGTH, "placeholder": _("e.g. nhiem vu")}
        ),
    )
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
        error_messages={"invalid_choice": _("There is no such section.")},
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date as YYYY-MM-DD, e.g. 2017-09-29.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date as YYYY-MM-DD, e.g. 2017-09-29.")},
    )
    author = forms.ModelChoiceField(
        label=_("Author"),
        queryset=Byline.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All authors"),
        error_messages={"invalid_choice": _("There is no such author.")},
    )

    def __init__(self, data=None, **kwargs):
        # What the page prints back is what was searched: no control characters, no over-long paste.
        if data is not None:
            data = {
                name: search.clean(data.get(name, "")) for name in ("q", "section", "from", "to", "author")
            }
        super().__init__(data, **kwargs)

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
