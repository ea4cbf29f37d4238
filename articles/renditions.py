"""Image sizes: the stored original and the widths the pages ask for in `srcset`.

An upload is decoded with Pillow (never trusted by its name or content type), turned upright from its EXIF
orientation, and re-encoded without any metadata (GPS included) under a name the server chooses.

Memory: a decoded image costs 4 bytes a pixel, so a 48-megapixel photo (0.8 MB as a file) is 192 MB in memory. No
image larger than MAX_DECODED_PIXELS is ever held decoded: a larger JPEG is decoded at 1/2, 1/4 or 1/8 of its size
by the decoder itself (DCT scaling: the full size never exists in memory, and it is faster) and stored at that size;
other formats, which cannot be decoded reduced, are refused above it. docs/security.md has the measurements.
"""

import contextlib
import functools
import io
import logging
import posixpath
import uuid
import warnings
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

# The only Pillow plugins that ever parse an upload: EPS, PSD, TIFF and the rest never see one. Pillow's JPEG
# plugin names the files many phones write (a photo plus a depth map) "MPO"; only their first picture is kept.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ANIMATED_FORMATS = ("GIF", "PNG", "WEBP")
RENDITION_FORMAT = ("JPEG", ".jpg")
JPEG_QUALITY = 85
RENDITION_QUALITY = 80
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

logger = logging.getLogger(__name__)


# The media storage failing (a disk, or S3-compatible object storage that does not answer).

try:  # S3-compatible storage (django-storages) fails with botocore's errors
    from botocore.exceptions import BotoCoreError, ClientError

    STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
except ImportError:  # pragma: no cover - the s3 extra is not installed
    STORAGE_ERRORS = (OSError,)

_written = ContextVar("media_written", default=None)
_storage_failed = ContextVar("media_storage_failed", default=False)


def storage_answers(storage=None):
    """Whether the media storage answers at all: asked before an upload is taken, so that it fails as a form error."""
    try:
        (storage or default_storage).exists(".newsroom-storage-check")
    except STORAGE_ERRORS as error:
        logger.warning("Media storage unavailable: %s", error)
        return False
    return True


def storage_failed():
    """True while a form is shown again because the storage failed in the middle of saving it."""
    return _storage_failed.get()


@contextlib.contextmanager
def after_storage_failure():
    token = _storage_failed.set(True)
    try:
        yield
    finally:
        _storage_failed.reset(token)


@contextlib.contextmanager
def kept_only_if_saved():
    """Files written inside are deleted again if the block fails: a save that fails half-way leaves no file."""
    written = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        for storage, name in reversed(written):
            try:
                storage.delete(name)
            except STORAGE_ERRORS as error:
                logger.error("Could not remove %s after a failed save (%s): remove it by hand", name, error)
        raise
    finally:
        _written.reset(token)


def note_written(storage, name):
    written = _written.get()
    if written is not None:
        written.append((storage, name))


def widths():
    return tuple(settings.NEWSROOM["RENDITION_WIDTHS"])


def max_upload_bytes():
    return settings.NEWSROOM["MAX_UPLOAD_BYTES"]


def max_pixels():
    return settings.NEWSROOM["MAX_IMAGE_PIXELS"]


def max_decoded_pixels():
    return settings.NEWSROOM["MAX_DECODED_PIXELS"]


def _megabytes(size):
    return f"{size / 1_048_576:.3g}"


def open_verified(file) -> Image.Image:
    """Decode an uploaded file completely, or raise ValidationError saying why it is not a usable image.

    The byte and pixel limits are checked before any pixel is decoded: a small PNG may declare a size that would
    take gigabytes to decode (a decompression bomb).
    """
    limit = max_upload_bytes()
    size = getattr(file, "size", None)
    if size is None or size <= limit:  # a file that does not know its size is measured by reading it
        file.seek(0)
        data = file.read(limit + 1)
        file.seek(0)
        size = max(size or 0, len(data))
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": _megabytes(size), "limit": _megabytes(limit)},
        )
    invalid = ValidationError(
        _("The file is not a JPEG, PNG, WebP or GIF image, or it is damaged. Upload the photo again."),
        code="invalid_image",
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own threshold; the limit that matters is ours, checked just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as error:
        raise ValidationError(
            _("The image declares a size too large to decode safely; the limit is %(limit)s megapixels."),
            code="bomb",
            params={"limit": max_pixels() // 1_000_000},
        ) from error
    except (
        Exception
    ) as error:  # Pillow raises many kinds for unknown or broken files; all mean the same here.
        raise invalid from error
    if image.width * image.height > max_pixels():
        raise ValidationError(
            _("The image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels."),
            code="too_many_pixels",
            params={"width": image.width, "height": image.height, "limit": max_pixels() // 1_000_000},
        )
    if image.format in ANIMATED_FORMATS and getattr(image, "is_animated", False):
        # Stored images are stills; flattening would silently publish one frame of what the reporter chose.
        raise ValidationError(_("Animated images are not accepted; upload a still photo."), code="animated")
    _decode_within_budget(image)
    try:
        image.load()
    except Exception as error:  # a truncated or corrupt file fails here, after the header looked fine
        raise invalid from error
    return image


def _decode_within_budget(image: Image.Image) -> None:
    """Make the decoder produce at most MAX_DECODED_PIXELS: a JPEG scaled down by 2, 4 or 8; anything else refused."""
    budget = max_decoded_pixels()
    width, height = image.size
    if width * height <= budget:
        return
    if image.format in ("JPEG", "MPO"):
        for scale in (2, 4, 8):
            if (width // scale) * (height // scale) <= budget:
                image.draft(image.mode, (width // scale, height // scale))
                if image.width * image.height <= budget:
                    return
                break
    raise ValidationError(
        _(
            "The image is %(width)s × %(height)s pixels; a PNG, WebP or GIF can have at most %(limit)s megapixels. "
            "Save the photo as JPEG, or make it smaller."
        ),
        code="too_many_pixels_to_decode",
        params={"width": width, "height": height, "limit": budget // 1_000_000},
    )


def release(image: Image.Image) -> None:
    """Free the decoded pixels of an image that was only checked; its format and size stay readable."""
    image.close()


def _in_srgb(image: Image.Image) -> Image.Image:
    """The pixels converted to sRGB from an embedded colour profile, so the profile itself can be dropped."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        if output_mode == image.mode:  # converted where it lies: no second copy of the pixels
            ImageCms.profileToProfile(image, source, _SRGB, outputMode=output_mode, inPlace=True)
            return image
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: keep the pixels as they are


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def normalised_upload(file) -> ContentFile:
    """The upload as a clean file: upright, in sRGB, every piece of metadata dropped, named by the server.

    Images with transparency are stored as PNG, everything else (still GIFs included) as JPEG.
    """
    image = open_verified(file)
    ImageOps.exif_transpose(image, in_place=True)
    image = _in_srgb(image)
    if _has_alpha(image):
        out_format, extension, options = "PNG", ".png", {"optimize": True}
        image = _in_mode(image, "RGBA")
    else:
        out_format, extension = "JPEG", ".jpg"
        options = {"quality": JPEG_QUALITY, "optimize": True, "progressive": True}
        image = _in_mode(image, "RGB")
    # Pillow carries EXIF, XMP, comments, text chunks and the ICC profile in `info` and writes some of them back
    # on save: an empty `info` is what guarantees that nothing of the original file's metadata survives.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, out_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}{extension}")


def _in_mode(image: Image.Image, mode: str) -> Image.Image:
    """The image in `mode`; itself when it already is (Pillow's convert() copies even then)."""
    return image if image.mode == mode else image.convert(mode)


def rendition_name(original_name: str, width: int) -> str:
    stem = posixpath.splitext(posixpath.basename(original_name))[0]
    folder = posixpath.dirname(original_name).replace("photos", "renditions", 1)
    return posixpath.join(folder, f"{stem}-w{width}{RENDITION_FORMAT[1]}")


def make_renditions(image_field) -> list[int]:
    """Write the narrower renditions of a stored image; return the widths written."""
    storage = image_field.storage
    image_field.open("rb")
    try:
        source = Image.open(image_field)
        widest = max((width for width in widths() if width < source.width), default=None)
        if widest:
            # Decoded at no less than twice the widest rendition: enough for a sharp downscale, and less to hold.
            source.draft(source.mode, (2 * widest, round(source.height * 2 * widest / source.width)))
        source.load()
        original = _in_mode(source, "RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB")
    finally:
        image_field.close()
    written = []
    for width in widths():
        if width >= original.width:
            continue
        height = round(original.height * width / original.width)
        resized = original.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        if resized.mode == "RGBA":  # a transparent PNG: JPEG has no alpha, so lay it on the page's white
            flattened = Image.new("RGB", resized.size, "white")
            flattened.paste(resized, mask=resized.getchannel("A"))
            resized = flattened
        resized.info = {}  # the stored original is already clean; keep it that way whatever Pillow copies
        resized.save(buffer, RENDITION_FORMAT[0], quality=RENDITION_QUALITY, progressive=True)
        name = rendition_name(image_field.name, width)
        if storage.exists(name):
            storage.delete(name)
        note_written(storage, storage.save(name, ContentFile(buffer.getvalue())))
        written.append(width)
    return written


def srcset(image_field, rendition_widths, original_width) -> str:
    """The `srcset` value: every rendition and the original, narrowest first."""
    return _srcset(
        image_field.storage or default_storage, image_field.name, tuple(rendition_widths), original_width
    )


# A storage builds each address anew (FileSystemStorage: an urljoin, 10 µs; a card's srcset names five files). An
# upload's name is new for every upload (models.photo_upload_to) and its renditions are written once under names
# made from it, so a srcset depends only on the storage, the name and the widths: remembered.
@functools.lru_cache(maxsize=20_000)
def _srcset(storage, name, rendition_widths, original_width):
    candidates = [f"{storage.url(rendition_name(name, width))} {width}w" for width in rendition_widths]
    candidates.append(f"{storage.url(name)} {original_width}w")
    return ", ".join(candidates)


def delete_files(image_field, rendition_widths):
    storage = image_field.storage
    for width in rendition_widths:
        storage.delete(rendition_name(image_field.name, width))
    if image_field.name:
        storage.delete(image_field.name)
