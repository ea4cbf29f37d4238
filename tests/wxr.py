"""Small WordPress exports for tests, written the way WordPress writes them; and images for their uploads."""

from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image

from wordpress import wxr as reader

SITE = "https://baocu.example.vn"
REAL_EXPORTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "wxr"


def real_export(name):
    """One of ../shared/data/wxr/ (the docs' ../shared is /work/shared on these machines)."""
    for folder in (REAL_EXPORTS, Path("/work/shared/data/wxr")):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(name)


def cdata(text):
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def post(
    post_id,
    title,
    content="<p>Nội dung.</p>",
    *,
    date="2024-03-05 08:30:00",
    date_gmt="2024-03-05 01:30:00",
    slug=None,
    status="publish",
    creator="letung",
    categories=(("thoi-su", "Thời sự"),),
    tags=(),
    excerpt="",
    post_type="post",
    password="",
    parent=0,
    attachment_url="",
    meta=(),
):
    slug = f"bai-{post_id}" if slug is None else slug
    terms = "".join(
        f'<category domain="category" nicename="{escape(nicename)}">{cdata(name)}</category>'
        for nicename, name in categories
    ) + "".join(f'<category domain="post_tag" nicename="t">{cdata(name)}</category>' for name in tags)
    metas = "".join(
        f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key><wp:meta_value>{cdata(value)}</wp:meta_value>"
        "</wp:postmeta>"
        for key, value in meta
    )
    attachment = f"<wp:attachment_url>{cdata(attachment_url)}</wp:attachment_url>" if attachment_url else ""
    return (
        f"<item><title>{cdata(title)}</title><link>{SITE}/{date[:10].replace('-', '/')}/{slug}/</link>"
        f"<dc:creator>{cdata(creator)}</dc:creator>"
        f"<content:encoded>{cdata(content)}</content:encoded><excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_date>{cdata(date)}</wp:post_date>"
        f"<wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt><wp:post_name>{cdata(slug)}</wp:post_name>"
        f"<wp:status>{cdata(status)}</wp:status><wp:post_parent>{parent}</wp:post_parent>"
        f"<wp:menu_order>0</wp:menu_order><wp:post_type>{cdata(post_type)}</wp:post_type>"
        f"<wp:post_password>{cdata(password)}</wp:post_password><wp:is_sticky>0</wp:is_sticky>"
        f"{attachment}{terms}{metas}</item>"
    )


def export(*items, authors=(("letung", "Lê Tùng"),), prologue=""):
    people = "".join(
        f"<wp:author><wp:author_login>{cdata(login)}</wp:author_login>"
        f"<wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>"
        for login, name in authors
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" ?>\n{prologue}'
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        f"<title>Báo cũ</title>\n<link>{SITE}</link>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
        f"<wp:base_site_url>{SITE}</wp:base_site_url>\n<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
        f"{people}\n" + "\n".join(items) + "\n</channel>\n</rss>\n"
    )


def write(path, *items, **options):
    path.write_text(export(*items, **options), encoding="utf-8")
    return path


def image(path, size=(64, 48), color=(30, 110, 160)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, "GIF" if path.suffix == ".gif" else "JPEG")
    return path


def uploads_for(export_path, folder):
    """A stand-in for the site's wp-content/uploads: a small image at the path of each image attachment."""
    for number, attachment in enumerate(reader.scan(export_path).attachments.values()):
        if attachment.path.lower().endswith((".jpg", ".jpeg", ".png", ".gif")):
            target = folder / attachment.path
            if not target.exists():
                image(target, color=(number * 37 % 256, 90, 140))
    return folder
