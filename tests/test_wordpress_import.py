"""import_wordpress on small exports: idempotency, updates, dry runs, refusals and the edge cases of real archives."""

import dataclasses
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from articles import workflow
from articles.models import Article, ArticleTransition, Byline, Photo, Revision, Status, Tag
from sections.models import Section
from wordpress.importer import Importer, Options
from wordpress.models import ImportedPost, Site

from . import wxr
from .factories import make_section

pytestmark = pytest.mark.usefixtures("english")

TABLES = (Article, Photo, ArticleTransition, Revision, Byline, Tag, Section, ImportedPost, Site)


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def files(root):
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


def run(path, editor, **options):
    return Importer(path, Options(user=editor, **options)).run()


def command(path, editor, *extra):
    out = io.StringIO()
    call_command(
        "import_wordpress", str(path), "--user", editor.username, *extra, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    wxr.image(folder / "2024/03/cau-bai-chay.jpg", size=(800, 600))
    wxr.image(folder / "2024/03/ha-long.jpg", size=(700, 500), color=(200, 120, 40))
    return folder


def newsroom_export(path, title="Cầu Bãi Cháy sáng nay", extra=()):
    photo = (
        '[caption id="attachment_90" align="aligncenter" width="800"]<img class="wp-image-90" '
        f'src="{wxr.SITE}/wp-content/uploads/2024/03/cau-bai-chay-300x225.jpg" alt="Cầu Bãi Cháy nhìn từ trên cao" />'
        " Cầu Bãi Cháy lúc bình minh. Ảnh: Xuân Việt[/caption]"
    )
    content = (
        f"Đoạn mở đầu về cây cầu.\n\n{photo}\n\n<h2>Giao thông</h2>\nXe qua cầu đông đúc.\n\n"
        "[contact-form to='toa-soan@example.vn']\n\n[simple boat] vẫn là chữ, [toc] cũng vậy.\n\n"
        "https://www.youtube.com/watch?v=abc123\n\nĐoạn cuối."
    )
    return wxr.write(
        path,
        wxr.post(10, title, content, tags=("Hạ Long", "Giao thông"), meta=[("_thumbnail_id", "91")]),
        wxr.post(
            11, "Lễ hội Yên Tử", "<p>Mùa lễ hội.</p>", slug="le-hoi", categories=(("van-hoa", "Văn hóa"),)
        ),
        wxr.post(12, "Bài nháp", "Chưa xong.", status="draft", date_gmt="0000-00-00 00:00:00"),
        wxr.post(13, "Bài riêng tư", "Chỉ nội bộ.", status="private"),
        wxr.post(
            14,
            "Hẹn giờ",
            "Sắp đăng.",
            status="future",
            date="2027-01-01 06:00:00",
            date_gmt="2026-12-31 23:00:00",
        ),
        wxr.post(15, "Trong thùng rác", "Đã xóa.", status="trash"),
        wxr.post(16, "Giới thiệu", "Trang tĩnh.", post_type="page"),
        wxr.post(
            90,
            "cau-bai-chay",
            "",
            post_type="attachment",
            parent=10,
            status="inherit",
            attachment_url=f"{wxr.SITE}/wp-content/uploads/2024/03/cau-bai-chay.jpg",
        ),
        wxr.post(
            91,
            "ha-long",
            "",
            post_type="attachment",
            status="inherit",
            excerpt="Vịnh Hạ Long",
            attachment_url=f"{wxr.SITE}/wp-content/uploads/2024/03/ha-long.jpg",
            meta=[("_wp_attachment_image_alt", "Vịnh Hạ Long buổi sáng")],
        ),
        *extra,
    )


@pytest.mark.django_db
def test_a_newsroom_export(tmp_path, editor, uploads, frozen_now):
    report = run(newsroom_export(tmp_path / "export.xml"), editor, media_dir=uploads)
    assert report.outcomes == {"created": 5, "skipped": 1}
    assert dict(report.states) == {"published": 2, "scheduled": 1, "draft": 2}
    assert report.skipped[0].post_id == 15 and "trash" in report.skipped[0].reason
    assert report.pages == [(16, "Giới thiệu")]
    assert report.unknown_shortcodes == {"contact-form": 1}
    assert report.bracketed_text == {"[toc]": 1}  # left as text, and named in case it is a shortcode
    assert report.embeds == {"youtube": 1}

    bridge = ImportedPost.objects.get(post_id=10).article
    assert bridge.title == "Cầu Bãi Cháy sáng nay" and bridge.lead == "Đoạn mở đầu về cây cầu."
    assert bridge.ordered_bylines[0].name == "Lê Tùng"
    assert [tag.name for tag in bridge.ordered_tags] == ["Hạ Long", "Giao thông"]
    assert "[contact-form" not in bridge.body and "[simple boat] vẫn là chữ, [toc] cũng vậy." in bridge.body
    assert '<a href="https://www.youtube.com/watch?v=abc123"' in bridge.body
    lead, inline = bridge.photos.order_by("placement", "position")
    assert (lead.is_lead, lead.caption, lead.alt_text, lead.placement) == (
        True,
        "Vịnh Hạ Long",
        "Vịnh Hạ Long buổi sáng",
        0,
    )
    assert (inline.caption, inline.credit, inline.alt_text) == (
        "Cầu Bãi Cháy lúc bình minh.",
        "Xuân Việt",
        "Cầu Bãi Cháy nhìn từ trên cao",
    )
    # The original, not the 300 px copy the post showed; renditions made from it.
    assert (inline.width, inline.height) == (800, 600) and inline.renditions == [320, 640]
    page = Client().get(bridge.get_absolute_url()).content.decode()
    assert "Cầu Bãi Cháy lúc bình minh." in page and "Photo: Xuân Việt" in page

    assert Section.objects.get(slug="luu-tru").articles.count() == 5
    assert ImportedPost.objects.get(post_id=12).article.status == Status.DRAFT
    assert ImportedPost.objects.get(post_id=13).article.status == Status.DRAFT
    scheduled = ImportedPost.objects.get(post_id=14).article
    assert scheduled.is_scheduled and Client().get(scheduled.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_running_twice_changes_nothing(tmp_path, editor, uploads, settings):
    path = newsroom_export(tmp_path / "export.xml")
    run(path, editor, media_dir=uploads)
    before, stored = counts(), files(settings.MEDIA_ROOT)
    versions = dict(Article.objects.values_list("pk", "version"))
    report = run(path, editor, media_dir=uploads)
    assert report.outcomes == {"unchanged": 5, "skipped": 1}
    assert counts() == before and files(settings.MEDIA_ROOT) == stored
    assert dict(Article.objects.values_list("pk", "version")) == versions


@pytest.mark.django_db
def test_a_newer_export_updates_what_changed(tmp_path, editor, uploads):
    run(newsroom_export(tmp_path / "old.xml"), editor, media_dir=uploads)
    article = ImportedPost.objects.get(post_id=10).article
    slug, version = article.slug, article.version
    newer = newsroom_export(tmp_path / "new.xml", title="Cầu Bãi Cháy sáng nay (cập nhật)")
    report = run(newer, editor, media_dir=uploads)
    assert report.outcomes == {"updated": 1, "unchanged": 4, "skipped": 1}
    article.refresh_from_db()
    assert article.title == "Cầu Bãi Cháy sáng nay (cập nhật)" and article.slug == slug
    assert article.version > version and article.photos.count() == 2
    steps = list(article.transitions.order_by("pk").values_list("name", "comment"))
    assert [name for name, _comment in steps] == ["import", "import"]
    assert steps[1][1].startswith("Cập nhật từ bản xuất WordPress mới hơn") or "newer" in steps[1][1]


@pytest.mark.django_db
def test_what_editors_changed_here_is_never_overwritten(tmp_path, editor, uploads):
    run(newsroom_export(tmp_path / "old.xml"), editor, media_dir=uploads)
    edited = ImportedPost.objects.get(post_id=10).article
    workflow.perform(edited, "correct", editor, note="Sửa chính tả.", notify=False)
    ImportedPost.objects.get(post_id=11).article.delete()
    newer = newsroom_export(tmp_path / "new.xml", title="Tiêu đề khác")
    report = run(newer, editor, media_dir=uploads)
    reasons = {entry.post_id: entry.reason for entry in report.skipped}
    assert "edited here" in reasons[10] or "sửa ở đây" in reasons[10]
    assert 11 in reasons and not ImportedPost.objects.get(post_id=11).article
    assert Article.objects.get(pk=edited.pk).title == "Cầu Bãi Cháy sáng nay"


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_reports_the_same(tmp_path, editor, uploads, settings):
    path = newsroom_export(tmp_path / "export.xml")
    before = counts()
    dry = run(path, editor, media_dir=uploads, dry_run=True)
    assert counts() == before and files(settings.MEDIA_ROOT) == []
    real = run(path, editor, media_dir=uploads)

    def comparable(report):
        return {**dataclasses.asdict(report), "dry_run": None, "seconds": None}

    assert comparable(dry) == comparable(real)
    text = command(path, editor, "--dry-run", "--media-dir", str(uploads))
    assert "dry run" in text or "chạy thử" in text


@pytest.mark.django_db
def test_malformed_xml_names_the_line_and_writes_nothing(tmp_path, editor):
    path = tmp_path / "broken.xml"
    text = wxr.export(wxr.post(1, "Một", "Nội dung."), wxr.post(2, "Hai", "Nội dung."))
    lines = text.splitlines()
    broken_line = next(number for number, line in enumerate(lines, start=1) if "<wp:post_id>2<" in line)
    lines[broken_line - 1] = lines[broken_line - 1].replace("</wp:post_id>", "</wp:post_idx>")
    path.write_text("\n".join(lines))
    before = counts()
    with pytest.raises(CommandError, match=f"line {broken_line}"):
        command(path, editor)
    assert counts() == before


@pytest.mark.django_db
def test_an_export_with_no_items(tmp_path, editor):
    report = run(wxr.write(tmp_path / "empty.xml"), editor)
    assert report.items == 0 and report.posts == 0 and Article.objects.count() == 0
    assert "0" in "\n".join(report.lines())


@pytest.mark.django_db
def test_not_a_wordpress_export(tmp_path, editor):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>')
    with pytest.raises(CommandError, match="wxr_version"):
        command(path, editor)


@pytest.mark.django_db
def test_duplicate_slugs_on_one_day_each_keep_an_address(tmp_path, editor, frozen_now):
    path = wxr.write(
        tmp_path / "dupes.xml",
        *(
            wxr.post(number, f"Tin số {number}", f"<p>Tin {number}.</p>", slug="tin-moi")
            for number in (1, 2, 3)
        ),
    )
    run(path, editor)
    articles = Article.objects.order_by("pk")
    assert [article.slug for article in articles] == ["tin-moi", "tin-moi-2", "tin-moi-3"]
    client = Client()
    for article in articles:
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200 and article.title in page.content.decode()


@pytest.mark.django_db
def test_titles_of_only_emoji_or_punctuation(tmp_path, editor, frozen_now):
    path = wxr.write(
        tmp_path / "odd.xml",
        wxr.post(1, "🎉🎉🎉", "<p>Mừng năm mới.</p>", slug="%f0%9f%8e%89"),
        wxr.post(2, "?!…", "<p>Câu hỏi.</p>", slug=""),
        wxr.post(3, "&amp;&lt;&gt;", "<p>Ký hiệu.</p>", slug=""),
    )
    run(path, editor)
    client = Client()
    for title in ("🎉🎉🎉", "?!…", "&<>"):
        article = Article.objects.get(title=title)
        assert article.slug.startswith("bai-viet")
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200
        assert (
            f">{title.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</h1>"
            in page.content.decode()
        )


@pytest.mark.django_db
def test_a_billion_laughs_file_is_refused(tmp_path, editor):
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
            for n in range(1, 10)
        )
        + "]>\n"
    )
    path = tmp_path / "laughs.xml"
    path.write_text(wxr.export(wxr.post(1, "&lol9;", "&lol9;"), prologue=laughs))
    with pytest.raises(CommandError, match="DTD"):
        command(path, editor)
    assert Article.objects.count() == 0 and Site.objects.count() == 0


@pytest.mark.django_db
def test_an_external_entity_is_refused(tmp_path, editor):
    path = tmp_path / "xxe.xml"
    prologue = '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    path.write_text(wxr.export(wxr.post(1, "&secret;", "x"), prologue=prologue))
    with pytest.raises(CommandError, match="refused"):
        command(path, editor)
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_missing_media_are_reported_and_the_article_still_imported(tmp_path, editor):
    path = newsroom_export(tmp_path / "export.xml")
    (tmp_path / "no-uploads").mkdir()
    report = run(path, editor, media_dir=tmp_path / "no-uploads")
    assert report.outcomes["created"] == 5
    assert [entry.post_id for entry in report.missing_media] == [10, 10]
    assert len(report.missing_media) == 2 and Photo.objects.count() == 0
    assert ImportedPost.objects.get(post_id=10).article.is_published


@pytest.mark.django_db
def test_files_outside_the_media_folder_are_never_read(tmp_path, editor):
    secret = wxr.image(tmp_path / "secret.jpg")
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    content = f'<img src="{wxr.SITE}/wp-content/uploads/../../secret.jpg" alt="x">'
    report = run(wxr.write(tmp_path / "export.xml", wxr.post(1, "Thử", content)), editor, media_dir=uploads)
    assert secret.exists() and Photo.objects.count() == 0 and len(report.missing_media) == 1


@pytest.mark.django_db
def test_images_from_other_sites_are_not_fetched(tmp_path, editor, uploads):
    content = '<p>Ảnh ngoài:</p><img src="https://elsewhere.example.com/anh.jpg" alt="Ảnh">'
    report = run(wxr.write(tmp_path / "export.xml", wxr.post(1, "Thử", content)), editor, media_dir=uploads)
    assert [entry.source for entry in report.missing_media] == ["https://elsewhere.example.com/anh.jpg"]


@pytest.mark.django_db
def test_a_bad_post_is_skipped_and_never_half_written(tmp_path, editor, uploads, settings, monkeypatch):
    """A post whose photo cannot be stored fails alone: the others of its batch are imported, it leaves nothing."""
    real_save = Photo.save

    def failing_save(photo, *args, **kwargs):
        real_save(photo, *args, **kwargs)  # the files are written first, then the failure
        if photo.caption.startswith("Cầu Bãi Cháy"):
            raise RuntimeError("disk full")

    monkeypatch.setattr(Photo, "save", failing_save)
    report = run(newsroom_export(tmp_path / "export.xml"), editor, media_dir=uploads)
    assert report.outcomes == {"created": 4, "skipped": 2}
    assert any(entry.post_id == 10 and "disk full" in entry.reason for entry in report.skipped)
    assert not ImportedPost.objects.filter(post_id=10).exists()
    assert not Article.objects.filter(title="Cầu Bãi Cháy sáng nay").exists()
    assert Photo.objects.count() == 0 and files(settings.MEDIA_ROOT) == []
    assert ImportedPost.objects.get(post_id=11).article.is_published


@pytest.mark.django_db
def test_a_post_without_a_date_is_skipped_with_the_reason(tmp_path, editor):
    path = wxr.write(
        tmp_path / "export.xml",
        wxr.post(1, "Không ngày", "x", date="0000-00-00 00:00:00", date_gmt="0000-00-00 00:00:00"),
        wxr.post(2, "Có ngày", "y"),
    )
    report = run(path, editor)
    assert report.outcomes == {"created": 1, "skipped": 1}
    assert report.skipped[0].post_id == 1


@pytest.mark.django_db
def test_the_section_map_maps_merges_and_sends_the_rest_to_the_named_section(tmp_path, editor):
    make_section(name="Thời sự", slug="thoi-su")
    section_map = tmp_path / "sections.csv"
    section_map.write_text(
        "category,section,section name\n# hai chuyên mục cũ gộp làm một\nvan-hoa,van-hoa-du-lich,Văn hóa - Du lịch\n"
        "du-lich,van-hoa-du-lich\n"
    )
    path = wxr.write(
        tmp_path / "export.xml",
        wxr.post(1, "Thời sự", "a", categories=(("thoi-su", "Thời sự"),)),
        wxr.post(2, "Văn hóa", "b", categories=(("van-hoa", "Văn hóa"),)),
        wxr.post(3, "Du lịch", "c", categories=(("du-lich", "Du lịch"),)),
        wxr.post(4, "Khác", "d", categories=(("uncategorized", "Uncategorized"),)),
    )
    text = command(path, editor, "--section-map", str(section_map), "--default-section", "tin-cu")
    by_title = {article.title: article.section.slug for article in Article.objects.all()}
    assert by_title == {
        "Thời sự": "thoi-su",
        "Văn hóa": "van-hoa-du-lich",
        "Du lịch": "van-hoa-du-lich",
        "Khác": "tin-cu",
    }
    assert Section.objects.get(slug="van-hoa-du-lich").name == "Văn hóa - Du lịch"
    assert "van-hoa-du-lich" in text


@pytest.mark.django_db
def test_a_bad_section_map_names_its_line(tmp_path, editor):
    section_map = tmp_path / "sections.csv"
    section_map.write_text("category,section\nthoi-su,thoi-su\nvan-hoa,tag\n")
    path = wxr.write(tmp_path / "export.xml", wxr.post(1, "x", "y"))
    with pytest.raises(CommandError, match="line 3"):
        command(path, editor, "--section-map", str(section_map))
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_only_someone_who_may_publish_can_import(tmp_path, reporter, editor):
    path = wxr.write(tmp_path / "export.xml", wxr.post(1, "x", "y"))
    with pytest.raises(CommandError, match=reporter.username):
        command(path, reporter)
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_wordpress", str(path), "--user", "nobody", stdout=io.StringIO())
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_the_command_prints_the_report_and_writes_it_as_json(tmp_path, editor, uploads):
    path = newsroom_export(tmp_path / "export.xml")
    report_path = tmp_path / "report.json"
    text = command(path, editor, "--media-dir", str(uploads), "--report", str(report_path))
    data = json.loads(report_path.read_text())
    assert data["outcomes"] == {"created": 5, "skipped": 1} and data["posts"] == 6
    assert "contact-form" in text and "#15" in text


@pytest.mark.django_db
def test_posts_of_several_authors_and_unknown_logins(tmp_path, editor):
    path = wxr.write(
        tmp_path / "export.xml",
        wxr.post(1, "a", "x", creator="letung"),
        wxr.post(2, "b", "y", creator=">thuchung"),
        wxr.post(3, "c", "z", creator="khach"),
        authors=(("letung", "Lê Tùng"), ("thuchung", "Thu Chung")),
    )
    run(path, editor)
    names = {article.title: article.ordered_bylines[0].name for article in Article.objects.all()}
    assert names == {"a": "Lê Tùng", "b": "Thu Chung", "c": "khach"}
    bylines = Byline.objects.count()
    run(path, editor)
    assert Byline.objects.count() == bylines


@pytest.mark.django_db
def test_imported_articles_carry_the_search_document_a_reindex_would_write(tmp_path, editor, uploads):
    from articles import search

    run(newsroom_export(tmp_path / "export.xml"), editor, media_dir=uploads)
    columns = ["pk", "search_title", "search_text"]
    if connection.vendor == "postgresql":
        columns.append("search_vector")
    imported = list(Article.objects.order_by("pk").values_list(*columns))
    search.reindex_many(Article.objects.all())
    assert list(Article.objects.order_by("pk").values_list(*columns)) == imported
    found = search.results(search.parse("bình minh xuân việt"), Article.objects.published())
    assert [article.title for article in found] == ["Cầu Bãi Cháy sáng nay"]


@pytest.mark.django_db(transaction=True)
def test_batches_are_committed_as_they_go(tmp_path, editor, monkeypatch):
    """A run that dies half-way keeps the batches it finished: running it again picks up from there."""
    path = wxr.write(
        tmp_path / "export.xml", *(wxr.post(number, f"Tin {number}", "x") for number in range(1, 6))
    )
    real_batch = Importer.run_batch
    calls = []

    def dying_batch(importer, batch, done):
        calls.append(len(batch))
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_batch(importer, batch, done)

    monkeypatch.setattr(Importer, "run_batch", dying_batch)
    with pytest.raises(KeyboardInterrupt):
        run(path, editor, batch_size=2)
    assert Article.objects.count() == 4
    monkeypatch.setattr(Importer, "run_batch", real_batch)
    report = run(path, editor, batch_size=2)
    assert report.outcomes == {"unchanged": 4, "created": 1}


@pytest.mark.django_db
def test_readers_see_imported_articles_at_once(tmp_path, editor, page_cache, committed):
    run(wxr.write(tmp_path / "first.xml", wxr.post(1, "Tin đầu", "<p>Nội dung.</p>")), editor)
    client = Client()
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    # Same author, same section, no tag: nothing but the articles' own rows is written.
    second = wxr.write(
        tmp_path / "second.xml", wxr.post(1, "Tin đầu", "<p>Nội dung.</p>"), wxr.post(2, "Tin vừa nhập", "x")
    )
    with committed():  # each batch commits: what its articles joined is invalidated then
        run(second, editor)
    assert "Tin vừa nhập" in client.get("/").content.decode()


@pytest.mark.django_db
def test_two_sites_that_give_the_same_address_are_kept_apart(tmp_path, editor):
    first = wxr.write(tmp_path / "first.xml", wxr.post(163, "Bài của trang thứ nhất", "x"))
    second = wxr.write(tmp_path / "second.xml", wxr.post(163, "Bài của trang thứ hai", "y"))
    run(first, editor)
    report = run(second, editor, site_url="https://trang-thu-hai.example.vn")
    assert report.outcomes == {"created": 1}
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Bài của trang thứ hai",
        "Bài của trang thứ nhất",
    ]
    assert Site.objects.count() == 2
