"""export_content and import_content: the demo newsroom out to an archive and into an empty site, page for page."""

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleTransition, Byline, Photo, Revision, Tag, TaggedArticle
from exchange import archive, kinds
from frontpage.models import FrontPage
from sections.models import Section

from .factories import make_article, make_photo, make_section

pytestmark = pytest.mark.usefixtures("english")

MOMENT = "2026-11-28 09:00:00+07:00"


def public_addresses():
    """Every public address of the site as it stands: pages, archives, listings, feeds, sitemaps."""
    addresses = ["/", "/en/", "/feeds/latest/", "/feeds/latest/atom/", "/robots.txt", "/news-sitemap.xml"]
    addresses += ["/sitemap.xml", "/sitemap-home.xml", "/sitemap-sections.xml", "/sitemap-articles.xml"]
    for section in Section.objects.all():
        url = section.get_absolute_url()
        addresses += [url, f"{url}?page=2", f"/en{url}", reverse("sections:feed", args=[section.slug])]
    days = set()
    for article in Article.objects.published():
        url = article.get_absolute_url()
        addresses += [url, f"/en{url}"]
        days.add(article.published_on)
    for day in sorted(days):
        addresses += [f"/{day:%Y}/", f"/{day:%Y/%m}/", f"/{day:%Y/%m/%d}/", f"/by-date/?date={day:%Y-%m-%d}"]
    addresses += [byline.get_absolute_url() for byline in Byline.objects.all()]
    addresses += [tag.get_absolute_url() for tag in Tag.objects.all()]
    addresses += ["/search/?q=qu%E1%BA%A3ng+ninh", "/search/?q=hop+tac+xa", "/en/search/?q=ha+long"]
    return sorted(set(addresses))


def render(addresses):
    client = Client()
    pages = {}
    for address in addresses:
        response = client.get(address)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages[address] = (response.status_code, response.get("Location"), body)
    return pages


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def empty_the_site():
    """What a new database holds after migrate: no content, no accounts, no media."""
    Article.objects.all().delete()
    Section.objects.all().delete()
    Byline.objects.all().delete()
    Tag.objects.all().delete()
    FrontPage.objects.all().delete()
    get_user_model().objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    Path(settings.MEDIA_ROOT).mkdir(parents=True)


@pytest.mark.django_db
def test_demo_newsroom_round_trip_gives_byte_identical_pages(tmp_path):
    with time_machine.travel(MOMENT, tick=False):
        call_command("load_demo", articles=12, stdout=io.StringIO())
        # A correction and a related article, so that both travel too.
        corrected = Article.objects.published().order_by("pk")[3]
        Article.objects.filter(pk=corrected.pk).update(
            corrected_at=corrected.published_at, correction_note="Sửa tên người được trích dẫn."
        )
        corrected.related.add(Article.objects.published().order_by("pk")[4])
        addresses = public_addresses()
        before, files_before = render(addresses), media_files()
        rows_before = {kind.name: kind.get_model()._base_manager.count() for kind in kinds.registered()}
        assert sum(status == 200 for status, _location, _body in before.values()) > 100

        path = tmp_path / "newsroom.tar.gz"
        call_command("export_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        empty_the_site()
        assert Article.objects.count() == 0 and not media_files()
        out = io.StringIO()
        call_command("import_content", str(path), stdout=out, stderr=io.StringIO())

        after = render(addresses)
        assert "article 19" in out.getvalue()
    assert {kind.name: kind.get_model()._base_manager.count() for kind in kinds.registered()} == rows_before
    differing = [address for address in addresses if before[address] != after[address]]
    assert differing == []
    assert media_files() == files_before
    restored = Article.objects.get(pk=corrected.pk)
    assert restored.correction_note == "Sửa tên người được trích dẫn."
    assert list(restored.related.values_list("pk", flat=True)) == [
        Article.objects.published().order_by("pk")[4].pk
    ]


@pytest.mark.django_db
def test_the_audit_log_revisions_and_accounts_travel_without_passwords(tmp_path, editor):
    article = make_article(title="Bài có lịch sử")
    from articles import workflow

    draft = make_article(title="Bản nháp", status="draft", bylines=[editor.byline])
    workflow.perform(draft, "submit", editor, notify=False)
    transitions = list(ArticleTransition.objects.values_list("pk", "name", "user__username", "comment"))
    revisions = list(Revision.objects.values_list("pk", "kind", "transition", "snapshot"))
    path = tmp_path / "site.tar"
    call_command("export_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with tarfile.open(path) as tar:
        records = [
            json.loads(line)
            for member in tar.getmembers()
            if member.name.startswith("content/")
            for line in tar.extractfile(member).read().decode().splitlines()
        ]
    accounts = [record for record in records if record["@kind"] == "user"]
    assert accounts and all("password" not in record for record in accounts)
    assert {record["username"] for record in accounts} == {editor.username}
    empty_the_site()
    call_command("import_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert (
        list(ArticleTransition.objects.values_list("pk", "name", "user__username", "comment")) == transitions
    )
    assert list(Revision.objects.values_list("pk", "kind", "transition", "snapshot")) == revisions
    imported = get_user_model().objects.get(username=editor.username)
    assert not imported.has_usable_password()
    assert imported.groups.filter(name="Editors").exists()
    assert Byline.objects.get(user=imported).name == editor.byline.name
    assert Article.objects.get(pk=article.pk).title == "Bài có lịch sử"


@pytest.mark.django_db
def test_import_refuses_a_site_that_has_content(tmp_path):
    make_article()
    path = tmp_path / "site.tar"
    call_command("export_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="already has content"):
        call_command("import_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_an_incomplete_archive_loads_nothing_and_leaves_no_file(tmp_path):
    article = make_article()
    make_photo(article)
    path = tmp_path / "site.tar"
    call_command("export_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    # The same archive without its last chunk of records (a copy cut short).
    cut = tmp_path / "cut.tar"
    with tarfile.open(path) as source, tarfile.open(cut, "w") as target:
        for member in source.getmembers():
            if not (member.name.startswith("content/") and "article" in _kinds_in(source, member)):
                target.addfile(member, source.extractfile(member))
    empty_the_site()
    with pytest.raises(CommandError, match="incomplete"):
        call_command("import_content", str(cut), stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 0 and Section.objects.count() == 0
    assert media_files() == {}


def _kinds_in(tar, member):
    return {json.loads(line)["@kind"] for line in tar.extractfile(member).read().decode().splitlines()}


@pytest.mark.django_db
def test_bad_archives_get_a_clear_answer(tmp_path):
    not_an_archive = tmp_path / "notes.tar"
    not_an_archive.write_text("hello")
    with pytest.raises(CommandError, match="not a content archive"):
        call_command("import_content", str(not_an_archive), stdout=io.StringIO(), stderr=io.StringIO())
    newer = tmp_path / "newer.tar"
    with tarfile.open(newer, "w") as tar:
        data = json.dumps({"format": archive.FORMAT, "version": 99, "kinds": []}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="version 99"):
        call_command("import_content", str(newer), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_kinds_this_site_cannot_hold_are_refused_not_dropped(tmp_path):
    """An archive naming a kind this site has no app for (here: a poll, which this site does not have) is refused."""
    path = tmp_path / "future.tar"
    with tarfile.open(path, "w") as tar:
        manifest = {
            "format": archive.FORMAT,
            "version": 1,
            "kinds": ["section", "poll_answer"],
            "counts": {},
        }
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="poll_answer"):
        call_command("import_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_media_entries_are_checked(tmp_path):
    make_section()
    path = tmp_path / "site.tar"
    call_command("export_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    hostile = tmp_path / "hostile.tar"
    with tarfile.open(path) as source, tarfile.open(hostile, "w") as target:
        members = source.getmembers()
        target.addfile(members[0], source.extractfile(members[0]))
        page = b"<script>alert(1)</script>"
        info = tarfile.TarInfo("media/photos/page.html")
        info.size = len(page)
        target.addfile(info, io.BytesIO(page))
        for member in members[1:]:
            target.addfile(member, source.extractfile(member))
    empty_the_site()
    with pytest.raises(CommandError, match="refuses"):
        call_command("import_content", str(hostile), stdout=io.StringIO(), stderr=io.StringIO())
    assert media_files() == {}


def test_every_field_of_every_kind_is_exported_or_named_as_derived():
    """A field added to a model travels in archives unless it is declared derived (recomputed on import)."""
    for kind in kinds.registered():
        if kind.name in (kinds.USER, kinds.GROUP):
            continue
        model = kind.get_model()
        exported = {field.name for field in kind.fields()}
        assert exported | set(kind.derived) == {field.name for field in model._meta.concrete_fields}
    assert [kind.name for kind in kinds.registered()][:3] == ["group", "user", "section"]
    names = [kind.name for kind in kinds.registered()]
    for kind in kinds.registered():
        assert all(names.index(before) < names.index(kind.name) for before in kind.after if before in names)


@pytest.mark.django_db
def test_export_streams_in_bounded_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "CHUNK_RECORDS", 7)
    section = make_section()
    for number in range(20):
        make_article(section=section, title=f"Tin {number}", tags=[f"Chủ đề {number}"])
    path = tmp_path / "site.tar"
    call_command("export_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with tarfile.open(path) as tar:
        chunks = [member for member in tar.getmembers() if member.name.startswith("content/")]
        assert len(chunks) > 5
        assert all(len(tar.extractfile(chunk).read().splitlines()) <= 7 for chunk in chunks)
    empty_the_site()
    call_command("import_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 20 and TaggedArticle.objects.count() == 20
    # New rows after an import get ids past the imported ones.
    assert make_article(section=Section.objects.get()).pk > max(
        Article.objects.values_list("pk", flat=True)[1:]
    )


@pytest.mark.django_db
def test_imported_bodies_go_through_the_sanitizer(tmp_path):
    make_article(title="Bài sạch")
    path = tmp_path / "site.tar"
    call_command("export_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(path) as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("content/"):
                lines = [json.loads(line) for line in data.decode().splitlines()]
                for record in lines:
                    if record["@kind"] == "article":
                        record["body"] = '<p onclick="x()">Chữ</p><script>alert(1)</script>'
                data = "\n".join(json.dumps(record) for record in lines).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    empty_the_site()
    call_command("import_content", str(tampered), stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.get().body == "<p>Chữ</p>"


@pytest.mark.django_db
def test_photos_keep_their_files_and_renditions(tmp_path):
    article = make_article()
    photo = make_photo(article, caption="Chú thích", credit="Xuân Việt", is_lead=True)
    files = media_files()
    assert len(files) == 1 + len(photo.renditions)
    path = tmp_path / "site.tar"
    call_command("export_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    empty_the_site()
    call_command("import_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert media_files() == files
    restored = Photo.objects.get()
    assert (restored.image.name, restored.caption, restored.credit, restored.is_lead) == (
        photo.image.name,
        "Chú thích",
        "Xuân Việt",
        True,
    )
