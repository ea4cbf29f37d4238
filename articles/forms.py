from django import forms

from . import renditions
from .models import Byline, Photo

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
        return upload

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "accept" in attrs:  # the file picker offers what the server accepts, not every image/*
            attrs["accept"] = ",".join(sorted(set(CONTENT_TYPES.values())))
        return attrs


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "alt_text", "placement", "is_lead", "position"]
        field_classes = {"image": VerifiedImageField}


class BylineForm(forms.ModelForm):
    class Meta:
        model = Byline
        fields = ["name", "slug", "role", "bio", "photo", "user"]
        field_classes = {"photo": VerifiedImageField}
