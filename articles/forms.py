from django import forms

from . import renditions
from .models import Photo


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
