"""Image sizes: the stored original and the widths the pages ask for in `srcset`.

An upload is decoded with Pillow (never trusted by its name or content type), turned upright from its EXIF
orientation, and re-encoded without any metadata (GPS included) under a name the server chooses.
"""

import io
import posixpath
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

ACCEPTED_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
RENDITION_FORMAT = ("JPEG", ".jpg")
JPEG_QUALITY = 85
RENDITION_QUALITY = 80


def widths():
    return tuple(settings.NEWSROOM["RENDITION_WIDTHS"])


def max_upload_bytes():
    return settings.NEWSROOM.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


def max_pixels():
    return settings.NEWSROOM.get("MAX_IMAGE_PIXELS", 50_000_000)


def open_verified(file) -> Image.Image:
    """Decode an uploaded file completely, or raise ValidationError saying why it is not a usable image."""
    size = getattr(file, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": round(size / 1_048_576, 1), "limit": max_upload_bytes() // 1_048_576},
        )
    file.seek(0)
    data = file.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            pixels = probe.width * probe.height
        if image_format not in ACCEPTED_FORMATS:
            raise ValidationError(
                _("Only JPEG, PNG, WebP and GIF images are accepted."), code="format", params={}
            )
        if pixels > max_pixels():
            raise ValidationError(
                _("The image has %(pixels)s megapixels; the limit is %(limit)s."),
                code="too_many_pixels",
                params={"pixels": pixels // 1_000_000, "limit": max_pixels() // 1_000_000},
            )
        image = Image.open(io.BytesIO(data))
        image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(_("The image is too large to decode safely."), code="bomb") from error
    except Exception as error:  # Pillow raises many kinds for broken files; all mean the same to a reporter.
        raise ValidationError(
            _("The file is not a valid image or is damaged; upload a JPEG, PNG, WebP or GIF photo."),
            code="invalid_image",
        ) from error
    return image


def normalised_upload(file) -> ContentFile:
    """The upload as a clean file: upright, metadata stripped, re-encoded, named by the server."""
    image = open_verified(file)
    image_format = image.format
    image = ImageOps.exif_transpose(image)
    if image_format == "GIF" or (image_format == "PNG" and image.mode in ("RGBA", "LA", "P")):
        out_format, extension = "PNG", ".png"
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
    else:
        out_format, extension = "JPEG", ".jpg"
        image = image.convert("RGB")
    buffer = io.BytesIO()
    options = {"quality": JPEG_QUALITY, "optimize": True, "progressive": True} if out_format == "JPEG" else {}
    image.save(buffer, out_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}{extension}")


def rendition_name(original_name: str, width: int) -> str:
    stem = posixpath.splitext(posixpath.basename(original_name))[0]
    folder = posixpath.dirname(original_name).replace("photos", "renditions", 1)
    return posixpath.join(folder, f"{stem}-w{width}{RENDITION_FORMAT[1]}")


def make_renditions(image_field) -> list[int]:
    """Write the narrower renditions of a stored image; return the widths written."""
    storage = image_field.storage
    image_field.open("rb")
    try:
        with Image.open(image_field) as source:
            source.load()
            original = source.convert("RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB")
    finally:
        image_field.close()
    written = []
    for width in widths():
        if width >= original.width:
            continue
        height = round(original.height * width / original.width)
        resized = original.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        if resized.mode != "RGB":
            resized = resized.convert("RGB")
        resized.save(buffer, RENDITION_FORMAT[0], quality=RENDITION_QUALITY, progressive=True)
        name = rendition_name(image_field.name, width)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(buffer.getvalue()))
        written.append(width)
    return written


def srcset(image_field, rendition_widths, original_width) -> str:
    """The `srcset` value: every rendition and the original, narrowest first."""
    storage = image_field.storage or default_storage
    candidates = [f"{storage.url(rendition_name(image_field.name, w))} {w}w" for w in rendition_widths]
    candidates.append(f"{image_field.url} {original_width}w")
    return ", ".join(candidates)


def delete_files(image_field, rendition_widths):
    storage = image_field.storage
    for width in rendition_widths:
        storage.delete(rendition_name(image_field.name, width))
    if image_field.name:
        storage.delete(image_field.name)
