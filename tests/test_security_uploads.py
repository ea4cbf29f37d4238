"""Uploads through the real admin: only decodable images within the limits get in, stored clean and renamed."""

import io
import random
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, ImageFile

from articles.forms import VerifiedImageField
from articles.models import Article, Byline, Photo
from tests.factories import (
    add_inline_rows,
    form_data,
    image_bytes,
    make_article,
    make_photo,
    make_section,
    make_user,
)

pytestmark = pytest.mark.django_db

ARTICLE_ADD = "/admin/articles/article/add/"
BYLINE_ADD = "/admin/articles/byline/add/"
SERVER_NAME = re.compile(r"^photos/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png)$")


@pytest.fixture
def admin(client):
    client.force_login(make_user("admin", superuser=True))
    return client


@pytest.fixture
def section():
    return make_section()


def stored_files():
    media = Path(settings.MEDIA_ROOT)
    return sorted(path.relative_to(media).as_posix() for path in media.rglob("*") if path.is_file())


def post_article_with_photos(client, section, *uploads):
    """Submit the admin's "add article" form, as a reporter would fill it, with one photo row per upload."""
    data = form_data(client.get(ARTICLE_ADD), "article_form")
    data.update(title="Ảnh từ hiện trường", lead="Một đoạn mở đầu.", section=str(section.pk))
    rows = [
        {"image": upload, "alt_text": f"Ảnh số {number}", "position": str(number)}
        for number, upload in enumerate(uploads)
    ]
    add_inline_rows(data, "photos", rows)
    return client.post(ARTICLE_ADD, data)


def photo_errors(response):
    """The error codes and messages of each photo row of a rejected admin form."""
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "photos"
    ]
    return [form.errors.as_data().get("image", []) for form in formset.forms]


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_declaring(width, height):
    """A valid, tiny PNG whose header declares `width` × `height` pixels: a decompression bomb."""

    def chunk(kind, payload):
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def noisy_jpeg(width, height):
    """A JPEG that does not compress well, so its size in bytes is predictable enough for the limit test."""
    buffer = io.BytesIO()
    noise = random.Random(7).randbytes(width * height * 3)
    Image.frombytes("RGB", (width, height), noise).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def animation(image_format):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("red", "green", "blue")]
    frames[0].save(buffer, image_format, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(buffer).n_frames == 3
    return buffer.getvalue()


def phone_photo():
    """What a phone sends: a landscape sensor image, EXIF orientation 6 (turn right), GPS, maker, XMP, comment, ICC.

    The left half is red and the right half blue, so that once turned upright the top is red.
    """
    image = Image.new("RGB", (800, 600), (220, 20, 20))
    image.paste((20, 20, 220), (400, 0, 800, 600))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (21.0, 0.0, 0.0), 3: "E", 4: (107.0, 4.0, 0.0)}
    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(
        buffer,
        "JPEG",
        exif=exif,
        comment=b"home address",
        xmp=b"<x:xmpmeta>reporter</x:xmpmeta>",
        icc_profile=icc,
    )
    data = buffer.getvalue()
    probe = Image.open(io.BytesIO(data))
    assert probe.getexif().get_ifd(ExifTags.IFD.GPSInfo) and probe.getexif()[ExifTags.Base.Orientation] == 6
    return data


def assert_clean_portrait(path, width, height):
    """Upright (portrait, top red), and no metadata of any kind left in the file."""
    raw = Path(path).read_bytes()
    with Image.open(path) as image:
        assert image.size == (width, height)
        assert len(image.getexif()) == 0
        assert not set(image.info) & {"exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp"}
        rgb = image.convert("RGB")
        top, bottom = rgb.getpixel((width // 2, height // 8)), rgb.getpixel((width // 2, height * 7 // 8))
    assert top[0] > 150 and top[2] < 100, top  # red on top: the EXIF turn was applied to the pixels
    assert bottom[2] > 150 and bottom[0] < 100, bottom
    for secret in (b"Exif", b"PhoneCo", b"home address", b"xmpmeta", b"reporter", b"ICC_PROFILE"):
        assert secret not in raw


REFUSED = [
    pytest.param(
        "photo.jpg",
        b"<html><body><script>alert(1)</script></body></html>",
        "invalid_image",
        {},
        id="html-renamed-jpg",
    ),
    pytest.param(
        "chart.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>',
        "invalid_image",
        {},
        id="svg-renamed-png",
    ),
    pytest.param(
        "scan.jpg",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        "invalid_image",
        {},
        id="pdf-renamed-jpg",
    ),
    pytest.param("photo.jpg", noisy_jpeg(600, 400)[:40_000], "invalid_image", {}, id="truncated-jpeg"),
    pytest.param("bomb.png", png_declaring(100_000, 100_000), "bomb", {}, id="decompression-bomb"),
    pytest.param(
        "big.jpg", noisy_jpeg(400, 300), "too_large", {"MAX_UPLOAD_BYTES": 50_000}, id="over-byte-limit"
    ),
    pytest.param(
        "wide.jpg",
        image_bytes(400, 300),
        "too_many_pixels",
        {"MAX_IMAGE_PIXELS": 100_000},
        id="over-pixel-limit",
    ),
    pytest.param(
        "wide.png", png_declaring(12_000, 5_000), "too_many_pixels", {}, id="over-default-pixel-limit"
    ),
    pytest.param("moving.gif", animation("GIF"), "animated", {}, id="animated-gif"),
    pytest.param("moving.png", animation("PNG"), "animated", {}, id="animated-png"),
    pytest.param("moving.webp", animation("WEBP"), "animated", {}, id="animated-webp"),
    pytest.param("empty.jpg", b"", "empty", {}, id="empty-file"),
]


@pytest.mark.parametrize(("name", "content", "code", "limits"), REFUSED)
def test_the_admin_refuses_an_unusable_photo_with_a_clear_error_and_stores_nothing(
    admin, section, settings, name, content, code, limits
):
    settings.NEWSROOM = {**settings.NEWSROOM, **limits}
    response = post_article_with_photos(admin, section, upload(name, content))
    assert response.status_code == 200  # the form again, not a redirect and never a 500
    ((error,),) = photo_errors(response)
    assert error.code == code
    message = error.messages[0]
    assert message and str(message) in response.content.decode().replace("&#x27;", "'")
    assert Photo.objects.count() == 0 and Article.objects.count() == 0
    assert stored_files() == []


def test_the_limit_messages_name_the_numbers(admin, section, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_UPLOAD_BYTES": 50_000, "MAX_IMAGE_PIXELS": 100_000}
    big = post_article_with_photos(admin, section, upload("big.jpg", noisy_jpeg(400, 300)))
    ((too_large,),) = photo_errors(big)
    assert too_large.params["limit"] == "0.0477" and float(too_large.params["size"]) > 0.0477
    wide = post_article_with_photos(admin, section, upload("wide.jpg", image_bytes(400, 300)))
    ((too_many,),) = photo_errors(wide)
    assert (too_many.params["width"], too_many.params["height"]) == (400, 300)


@pytest.mark.parametrize(
    ("name", "image_format", "stored_extension"),
    [("a.jpg", "JPEG", "jpg"), ("a.png", "PNG", "jpg"), ("a.webp", "WEBP", "jpg"), ("a.gif", "GIF", "jpg")],
)
def test_the_admin_accepts_each_real_image_format(admin, section, name, image_format, stored_extension):
    response = post_article_with_photos(admin, section, upload(name, image_bytes(1000, 700, image_format)))
    assert response.status_code == 302, photo_errors(response)
    photo = Photo.objects.get()
    assert photo.image.name.endswith(f".{stored_extension}") and (photo.width, photo.height) == (1000, 700)
    assert photo.renditions == [320, 640, 960]


def test_transparent_images_stay_png_and_their_renditions_are_flattened_on_white(admin, section):
    buffer = io.BytesIO()
    Image.new("RGBA", (800, 400), (0, 0, 0, 0)).save(buffer, "PNG")
    assert (
        post_article_with_photos(
            admin, section, upload("logo.png", buffer.getvalue(), "image/png")
        ).status_code
        == 302
    )
    photo = Photo.objects.get()
    assert photo.image.name.endswith(".png")
    with Image.open(Path(settings.MEDIA_ROOT) / photo.image.name) as stored:
        assert stored.mode == "RGBA"
    rendition = next(Path(settings.MEDIA_ROOT, "renditions").rglob("*-w320.jpg"))
    with Image.open(rendition) as small:
        assert small.convert("RGB").getpixel((10, 10)) == (255, 255, 255)


def test_stored_names_are_chosen_by_the_server_and_never_overwrite(admin, section):
    colours = [(200, 0, 0), (0, 200, 0), (0, 0, 200)]
    uploads = [
        upload(name, image_bytes(700, 500, color=colour))
        for name, colour in zip(["../../etc/passwd.jpg", "photo.jpg", "photo.jpg"], colours, strict=True)
    ]
    response = post_article_with_photos(admin, section, *uploads)
    assert response.status_code == 302, photo_errors(response)
    photos = list(Photo.objects.order_by("position"))
    names = [photo.image.name for photo in photos]
    assert len(set(names)) == 3
    media = Path(settings.MEDIA_ROOT).resolve()
    for photo, colour in zip(photos, colours, strict=True):
        assert SERVER_NAME.match(photo.image.name), photo.image.name
        path = (media / photo.image.name).resolve()
        assert path.is_relative_to(media / "photos")
        with Image.open(path) as stored:  # each file still holds its own upload: nothing was overwritten
            assert all(abs(a - b) < 12 for a, b in zip(stored.getpixel((350, 250)), colour, strict=True))
    assert not any("passwd" in name or "photo" in name.rsplit("/", 1)[-1] for name in stored_files())
    assert not (media.parent / "etc").exists()


def test_gps_and_all_metadata_are_stripped_and_orientation_applied_in_file_and_renditions(admin, section):
    response = post_article_with_photos(admin, section, upload("IMG_0001.JPG", phone_photo()))
    assert response.status_code == 302, photo_errors(response)
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (600, 800)  # width and height swapped: turned upright
    media = Path(settings.MEDIA_ROOT)
    assert_clean_portrait(media / photo.image.name, 600, 800)
    assert photo.renditions == [320]
    (rendition,) = media.joinpath("renditions").rglob("*.jpg")
    assert_clean_portrait(rendition, 320, 427)


def test_the_change_form_keeps_a_stored_photo_when_no_new_file_is_sent(admin):
    article = make_article()
    photo = make_photo(article)
    url = f"/admin/articles/article/{article.pk}/change/"
    data = form_data(admin.get(url), "article_form")
    data["photos-0-caption"] = "Chú thích mới"
    response = admin.post(url, data)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "Chú thích mới" and (Path(settings.MEDIA_ROOT) / photo.image.name).is_file()


def test_the_file_picker_offers_only_the_accepted_types(admin):
    page = admin.get(ARTICLE_ADD).content.decode()
    assert 'accept="image/gif,image/jpeg,image/png,image/webp"' in page


def test_a_byline_portrait_is_checked_like_a_photo(admin):
    data = form_data(admin.get(BYLINE_ADD), "byline_form")
    data.update(name="Lan Anh", photo=upload("portrait.jpg", b"<html><script>alert(1)</script></html>"))
    response = admin.post(BYLINE_ADD, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["photo"][0].code == "invalid_image"
    assert Byline.objects.count() == 0 and stored_files() == []


def test_a_byline_portrait_is_stored_clean_upright_and_renamed(admin, settings):
    data = form_data(admin.get(BYLINE_ADD), "byline_form")
    data.update(name="Lan Anh", photo=upload("../me.jpg", phone_photo()))
    assert admin.post(BYLINE_ADD, data).status_code == 302
    byline = Byline.objects.get()
    assert re.match(r"^bylines/\d{4}/[0-9a-f]{32}\.jpg$", byline.photo.name), byline.photo.name
    assert_clean_portrait(Path(settings.MEDIA_ROOT) / byline.photo.name, 600, 800)
    too_big = form_data(admin.get(BYLINE_ADD), "byline_form")
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_IMAGE_PIXELS": 100_000}
    too_big.update(name="Minh", photo=upload("me.jpg", phone_photo()))
    response = admin.post(BYLINE_ADD, too_big)
    assert response.context["adminform"].form.errors.as_data()["photo"][0].code == "too_many_pixels"
    assert Byline.objects.count() == 1


# What one upload may cost: no image larger than MAX_DECODED_PIXELS is ever held decoded (docs/security.md).


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size of every image Pillow decodes from a file while the test runs."""
    sizes = []
    load = ImageFile.ImageFile.load

    def recording(image):
        pixels = load(image)
        sizes.append(image.size)
        return pixels

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording)
    return sizes


def test_a_jpeg_above_the_decoding_budget_is_decoded_reduced_and_stored_at_that_size(
    admin, section, settings, decoded_sizes
):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_DECODED_PIXELS": 300_000}
    response = post_article_with_photos(admin, section, upload("big.jpg", image_bytes(1600, 1200)))
    assert response.status_code == 302, photo_errors(response)
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (400, 300)  # 1.92 megapixels: decoded at a quarter of each side
    assert photo.renditions == [320]
    assert decoded_sizes and max(width * height for width, height in decoded_sizes) <= 300_000


def test_a_reduced_jpeg_is_still_turned_upright(admin, section, settings, decoded_sizes):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_DECODED_PIXELS": 200_000}
    phone = upload("phone.jpg", phone_photo())  # 800×600, to be turned right
    response = post_article_with_photos(admin, section, phone)
    assert response.status_code == 302, photo_errors(response)
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (300, 400)
    with Image.open(photo.image.path) as stored:
        assert stored.getpixel((150, 20))[0] > 150  # the red half on top
    assert max(width * height for width, height in decoded_sizes) <= 200_000


@pytest.mark.parametrize("image_format", ["PNG", "WEBP", "GIF"])
def test_other_formats_above_the_decoding_budget_are_refused_naming_the_numbers(
    admin, section, settings, decoded_sizes, image_format
):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_DECODED_PIXELS": 300_000}
    response = post_article_with_photos(
        admin, section, upload("big.png", image_bytes(800, 600, image_format))
    )
    ((error,),) = photo_errors(response)
    assert error.code == "too_many_pixels_to_decode"
    assert (error.params["width"], error.params["height"]) == (800, 600)
    assert decoded_sizes == []  # refused from its header, before a pixel is decoded
    assert Photo.objects.count() == 0 and stored_files() == []


def test_the_checked_upload_is_not_kept_decoded_while_it_is_stored(section, settings):
    """The form decodes the upload to check it; the pixels go at once: the model decodes it again to store it."""
    checked = VerifiedImageField().clean(upload("photo.jpg", image_bytes(400, 300)))
    assert checked.image.size == (400, 300) and checked.image.format == "JPEG"
    with pytest.raises(ValueError, match="closed image"):
        checked.image.getpixel((0, 0))


def test_a_48_megapixel_jpeg_costs_less_than_150_mb_end_to_end():
    """The upload that took 570 MB: measured in a process of its own by scripts/measure-upload."""
    script = Path(settings.BASE_DIR) / "scripts" / "measure-upload"
    result = subprocess.run(
        [sys.executable, str(script), "8000", "6000", "JPEG"], capture_output=True, text=True, check=True
    )
    (line,) = result.stdout.strip().splitlines()
    peak = int(re.search(r"peak \+(\d+) MB", line).group(1))
    assert "stored 4000×3000" in line and peak < 150, line
