"""The media storage (a disk, or S3-compatible object storage) failing: pages still render, an upload gets a clear
form error with the reporter's text kept, and nothing half-saved remains (no row, no file)."""

import pytest
from django.core.files.storage import FileSystemStorage

from articles.models import Article, Photo

from .factories import image_bytes, make_article, make_photo, make_user, uploaded_image
from .test_security_uploads import photo_errors, post_article_with_photos, stored_files, upload

pytestmark = pytest.mark.django_db


class Failing:
    """Patches the default storage: every call to the named methods raises, as an unreachable bucket does."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def methods(self, *names, after=0):
        calls = {"count": 0}
        for name in names:
            original = getattr(FileSystemStorage, name)

            def failing(storage, *args, _original=original, **kwargs):
                calls["count"] += 1
                if calls["count"] > after:
                    raise OSError("storage.example.com: connection timed out")
                return _original(storage, *args, **kwargs)

            self.monkeypatch.setattr(FileSystemStorage, name, failing)


@pytest.fixture
def failing(monkeypatch):
    return Failing(monkeypatch)


@pytest.fixture
def admin(client):
    client.force_login(make_user("admin", superuser=True))
    return client


def test_pages_with_photos_render_while_the_storage_is_down(client, failing):
    article = make_article(title="Bài có ảnh")
    make_photo(article, is_lead=True)
    failing.methods("_open", "_save", "exists", "delete", "size")
    for url in ("/", article.get_absolute_url(), article.section.get_absolute_url(), "/feeds/latest/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert '<figure class="photo">' in client.get(article.get_absolute_url()).content.decode()


def test_an_upload_while_the_storage_is_down_is_a_form_error_and_keeps_the_text(admin, failing):
    section = make_article().section
    failing.methods("exists", "_save")
    response = post_article_with_photos(admin, section, upload("photo.jpg", image_bytes(800, 600)))
    assert response.status_code == 200
    ((error,),) = photo_errors(response)
    assert error.code == "storage_unavailable"
    assert "Ảnh từ hiện trường" in response.content.decode()  # the title typed is in the form again
    assert not Article.objects.filter(title="Ảnh từ hiện trường").exists() and Photo.objects.count() == 0


def test_a_storage_that_fails_half_way_through_a_save_leaves_nothing_behind(admin, failing):
    section = make_article().section
    # It answers, takes the first photo and two of its renditions, then stops answering.
    failing.methods("_save", after=3)
    response = post_article_with_photos(
        admin,
        section,
        upload("one.jpg", image_bytes(1600, 1000)),
        upload("two.jpg", image_bytes(1600, 1000)),
    )
    assert response.status_code == 200
    assert [errors[0].code for errors in photo_errors(response)] == ["storage_unavailable"] * 2
    assert not Article.objects.filter(title="Ảnh từ hiện trường").exists() and Photo.objects.count() == 0
    assert stored_files() == []  # the files written before it failed were removed again


def test_a_portrait_upload_while_the_storage_is_down_is_a_form_error(admin, failing):
    failing.methods("exists", "_save")
    response = admin.post(
        "/admin/articles/byline/add/",
        {"name": "Lê Tùng", "slug": "le-tung", "photo": uploaded_image()},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["photo"][0].code == "storage_unavailable"
    assert stored_files() == []
