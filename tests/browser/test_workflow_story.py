"""The newsroom's day in Chromium: a reporter writes and submits, an editor sends back, the reporter fixes and
resubmits, the editor publishes, and a reader finds the article at its dated URL, on the day archive and on the
section page. A screenshot of every step goes to artifacts/screenshots/test_workflow_story/."""

import re

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.models import Article, ArticleTransition, Status

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Cô Tô đón chuyến tàu cao tốc đầu tiên trong mùa gió bấc"
CKEDITOR_READY = (
    "() => window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready'"
)


def harbour_photo(folder):
    """A real JPEG, as a phone would send: a harbour at dawn."""
    image = Image.new("RGB", (1200, 800), (120, 170, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 520, 1200, 800], fill=(30, 90, 120))
    draw.polygon([(380, 520), (820, 520), (760, 600), (440, 600)], fill=(240, 240, 235))
    path = folder / "tau-cao-toc.jpg"
    image.save(path, "JPEG", quality=85)
    return path


def log_in(page, username, password):
    page.goto(page.base_url + "/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector(".editorial-dashboard")


def log_out(page):
    page.click("#logout-form button")
    page.wait_for_url(re.compile(r"/admin/logout/$"))


def open_from_dashboard(page, queue):
    page.goto(page.base_url + "/admin/")
    page.click(f".queue-{queue} a:text-is('{TITLE}')")
    page.wait_for_function(CKEDITOR_READY)


def set_body(page, html):
    page.wait_for_function(CKEDITOR_READY)
    page.evaluate(
        """html => new Promise(done => CKEDITOR.instances.id_body.setData(html, {callback() {
            CKEDITOR.instances.id_body.updateElement(); done();
        }}))""",
        html,
    )


def test_a_story_from_draft_to_the_readers(browser_page, demo, tmp_path):
    page = browser_page

    # The reporter writes the article, with a photo and a pull-quote.
    log_in(page, "reporter", "reporter-demo-2026")
    page.shot("reporter-dashboard")
    page.click("text=Viết bài mới")
    page.fill("#id_title", TITLE)
    page.select_option("#id_section", label="Địa phương")
    page.fill("#id_lead", "Sáng nay, tàu cao tốc đầu tiên của mùa gió bấc đã cập cảng Cô Tô an toàn.")
    set_body(
        page,
        "<p>Con tàu rời cảng Cái Rồng lúc 7 giờ, chở hơn 200 hành khách.</p>"
        "<h2>Biển động nhẹ</h2><p>Thuyền trưởng cho biết sóng cao khoảng một mét.</p>",
    )
    page.fill("#id_tags", "Cô Tô, Giao thông")
    page.click("#photos-group .add-row a")
    page.set_input_files("#id_photos-0-image", str(harbour_photo(tmp_path)))
    page.fill("#id_photos-0-caption", "Tàu cao tốc cập cảng Cô Tô")
    page.fill("#id_photos-0-credit", "Xuân Việt")
    page.fill("#id_photos-0-alt_text", "Tàu cao tốc màu trắng cập cảng buổi sáng")
    page.fill("#id_photos-0-placement", "1")
    page.check("#id_photos-0-is_lead")
    page.click("#pull_quotes-group .add-row a")
    page.fill("#id_pull_quotes-0-text", "“Biển lặng hơn dự báo, tàu chạy êm.”")
    page.fill("#id_pull_quotes-0-attribution_name", "Trần Văn Lợi")
    page.fill("#id_pull_quotes-0-attribution_title", "Thuyền trưởng")
    page.fill("#id_pull_quotes-0-placement", "2")
    page.shot("reporter-writes")
    page.click("button[name=_then][value=submit]")

    page.wait_for_selector(".transition-page")
    page.select_option("#id_editor", label="Hoàng Nga")
    page.fill("#id_comment", "Nhờ chị Nga duyệt giúp em.")
    page.shot("reporter-submits")
    page.click(".transition-page input[type=submit]")
    page.wait_for_selector(".workflow-panel .state-in_review")
    assert "Bài đang chờ duyệt: bạn chưa sửa được." in page.inner_text(".workflow-panel")
    page.shot("reporter-submitted")
    article = Article.objects.get(title=TITLE)
    assert article.status == Status.IN_REVIEW and article.assigned_editor.username == "editor"
    assert [byline.name for byline in article.ordered_bylines] == ["Phạm Tăng"]
    log_out(page)

    # The editor finds it assigned to her and sends it back.
    log_in(page, "editor", "editor-demo-2026")
    assert TITLE in page.inner_text(".queue-assigned")
    page.shot("editor-dashboard")
    open_from_dashboard(page, "assigned")
    page.click("button[name=_then][value=send_back]")
    page.wait_for_selector(".transition-page")
    page.fill("#id_comment", "Cần thêm số chuyến tàu mỗi ngày trong mùa gió bấc.")
    page.shot("editor-sends-back")
    page.click(".transition-page input[type=submit]")
    page.wait_for_selector(".workflow-panel .state-draft")
    log_out(page)

    # The reporter reads the comment, fixes the article and submits it again.
    log_in(page, "reporter", "reporter-demo-2026")
    assert "Cần thêm số chuyến tàu" in page.inner_text(".queue-sent_back")
    page.shot("reporter-sees-send-back")
    open_from_dashboard(page, "sent_back")
    assert "Cần thêm số chuyến tàu mỗi ngày" in page.inner_text(".workflow-sent-back")
    editable = page.frame_locator(".cke_wysiwyg_frame").locator("body")
    editable.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Trong mùa gió bấc, mỗi ngày có bốn chuyến tàu ra đảo.")
    page.shot("reporter-fixes")
    page.click("button[name=_then][value=submit]")
    page.wait_for_selector(".transition-page")
    assert page.input_value("#id_editor") == str(article.assigned_editor_id)
    page.click(".transition-page input[type=submit]")
    page.wait_for_selector(".workflow-panel .state-in_review")
    log_out(page)

    # The editor compares, previews and publishes.
    log_in(page, "editor", "editor-demo-2026")
    open_from_dashboard(page, "assigned")
    page.goto(page.base_url + f"/preview/{article.pk}/")
    assert "Chưa xuất bản" in page.inner_text(".preview-banner")
    page.shot("editor-previews")
    page.go_back()
    page.wait_for_function(CKEDITOR_READY)
    page.click("button[name=_then][value=publish]")
    page.wait_for_selector(".transition-page")
    assert "GMT+7" in page.inner_text(".field-when")
    page.shot("editor-publishes")
    page.click(".transition-page input[type=submit]")
    page.wait_for_selector(".workflow-panel .state-published")
    page.shot("editor-published")
    log_out(page)

    article.refresh_from_db()
    assert article.is_published
    assert "bốn chuyến tàu ra đảo" in article.body
    assert list(
        ArticleTransition.objects.filter(article=article).order_by("at", "pk").values_list("name", flat=True)
    ) == [
        "submit",
        "send_back",
        "submit",
        "publish",
    ]

    # A reader finds it at its dated address, on the day's archive and on the section page.
    page.goto(page.base_url + article.get_absolute_url())
    day = timezone.localdate(article.published_at)
    assert article.get_absolute_url().startswith(f"/{day:%Y/%m/%d}/")
    assert page.inner_text("h1.article-title") == TITLE
    photo = page.locator("figure.photo img")
    photo.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert page.inner_text("figure.photo .caption") == "Tàu cao tốc cập cảng Cô Tô"
    assert page.inner_text("figure.photo .credit") == "Ảnh: Xuân Việt"
    assert page.inner_text(".quote-name") == "TRẦN VĂN LỢI"
    assert "bốn chuyến tàu ra đảo" in page.inner_text(".article-body")
    page.shot("reader-article")
    page.goto(page.base_url + f"/{day:%Y/%m/%d}/")
    assert (
        page.locator(f".listing a:text-is('{TITLE}')").count() == 1
    )  # the listing, not the latest-news column
    page.shot("reader-day-archive")
    page.goto(page.base_url + "/dia-phuong/")
    assert (
        page.locator(f".listing a:text-is('{TITLE}')").count() == 1
    )  # the listing, not the latest-news column
    page.shot("reader-section")
    assert page.console.errors == []
