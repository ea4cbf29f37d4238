"""The Content-Security-Policy in Chromium: readers' pages and the admin, CKEditor included, run without a violation."""

import json

import pytest

from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

# Installed before any page script runs: every violation the browser reports is kept on the window.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def page(browser_page):
    browser_page.add_init_script(RECORD_VIOLATIONS)
    return browser_page


def violations(page):
    return page.evaluate("() => window.__cspViolations")


def open_page(page, path):
    response = page.goto(page.base_url + path)
    assert response.status == 200, path
    assert response.headers["content-security-policy"], path
    return response


def sign_in(page, username, password):
    open_page(page, "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(page.base_url + "/admin/")


def test_public_pages_and_the_admin_with_ckeditor_run_without_csp_violations(page, demo):
    open_page(page, "/")
    assert page.locator(".card").count() > 0
    page.shot("home")
    assert violations(page) == []

    open_page(page, demo.get_absolute_url())
    photo = page.locator("figure.photo img").first
    photo.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    computed = page.evaluate("() => getComputedStyle(document.querySelector('h1.article-title')).fontFamily")
    assert computed  # the stylesheet applied: style-src 'self' lets the site's own CSS in
    page.shot("reference-article")
    assert violations(page) == []

    open_page(page, "/admin/login/")
    page.shot("admin-login")
    assert violations(page) == []

    sign_in(page, "admin", "admin-demo-2026")
    assert violations(page) == []
    response = open_page(page, f"/admin/articles/article/{demo.pk}/change/")
    assert (
        "'unsafe-inline'" in response.headers["content-security-policy"]
    )  # the editor's relaxation, here only
    # A function, not a string: Playwright evaluates string predicates with eval, which this policy forbids.
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready'"
    )
    editable = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    assert editable.inner_text().strip()  # the article's body is in the editor
    editable.click()
    page.keyboard.type(" Typed under CSP.")
    page.click(".cke_button__link")  # a dialog: more of the editor's UI, built the same way
    page.wait_for_selector(".cke_dialog_ui_input_text input", state="visible")
    page.shot("admin-article-ckeditor-link-dialog")
    page.keyboard.press("Escape")
    assert page.evaluate("() => CKEDITOR.instances.id_body.getData()").count("Typed under CSP.") == 1
    assert violations(page) == []

    open_page(page, "/admin/articles/article/")
    assert violations(page) == []
    assert page.console.errors == []


def test_the_lock_out_page_is_shown_in_vietnamese_without_violations(page):
    make_user("reporter", password="a-long-test-password-2026", is_staff=True)
    open_page(page, "/admin/login/")
    for _attempt in range(5):
        page.fill("#id_username", "reporter")
        page.fill("#id_password", "not-the-password")
        page.click("input[type=submit]")
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Tạm khóa đăng nhập"
    assert "15 phút" in page.locator("#content-main").inner_text()
    page.shot("lock-out")
    assert violations(page) == []
    # The browser reports the 429 status of the lock-out page itself as a failed resource; nothing else.
    assert [error for error in page.console.errors if "429" not in error] == []


def test_json_ld_is_data_and_inline_script_is_blocked_under_the_public_policy(page, demo):
    """Chromium does not apply script-src to JSON-LD, and does block a real inline script, with the site's header."""
    public_policy = open_page(page, "/").headers["content-security-policy"]
    structured = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": demo.title}
    )
    html = (
        "<!DOCTYPE html><html><head><title>probe</title>"
        f'<script type="application/ld+json">{structured}</script>'
        "<script>window.inlineRan = true;</script></head><body>probe</body></html>"
    )
    page.route(
        page.base_url + "/csp-probe/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": public_policy},
            body=html,
        ),
    )
    page.goto(page.base_url + "/csp-probe/")
    assert page.evaluate("() => window.inlineRan === undefined")
    recorded = violations(page)
    assert len(recorded) == 1 and recorded[0].startswith("script-src-elem blocked inline"), recorded
    json_ld = page.evaluate(
        "() => JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)"
    )
    assert json_ld["headline"] == demo.title


def test_the_api_docs_page_runs_swagger_ui_from_our_static_files_without_violations(page):
    make_article(title="Bài cho API")
    open_page(page, "/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 5  # every endpoint listed
    page.locator(".opblock-summary-path", has_text="/api/v1/articles").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    page.shot("api-docs")
    assert violations(page) == [], violations(page)
    assert page.console.errors == []
