"""Embedded videos and posts in Chromium: a placeholder that asks nothing of the provider, the player on click, and a
policy that admits the page's players and no other frame."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.factories import make_article, make_embed, make_photo

pytestmark = pytest.mark.django_db(transaction=True)

PLAYER_STUB = (
    "<!DOCTYPE html><title>player</title>"
    '<body style="margin:0;background:#000;color:#fff;font:20px sans-serif;display:grid;place-items:center;'
    'height:100vh">{name} player</body>'
)


@pytest.fixture
def article(db):
    article = make_article(
        title="Carnaval Hạ Long 2026: đêm hội trên bờ vịnh",
        lead="Hàng nghìn người dân và du khách xem diễu hành trên đường bao biển Trần Quốc Nghiễn.",
        body="<p>Đoàn diễu hành xuất phát lúc 19 giờ.</p><p>Màn pháo hoa kết thúc đêm hội.</p><p>Hẹn năm sau.</p>",
    )
    make_photo(
        article, is_lead=True, placement=0, caption="Đoàn diễu hành", alt_text="Đoàn diễu hành trên phố"
    )
    make_embed(
        article,
        url="https://www.youtube.com/watch?v=M7lc1UVf-VE",
        caption="Toàn cảnh màn diễu hành (video của Báo Quảng Ninh)",
        placement=1,
    )
    make_embed(article, url="https://twitter.com/Interior/status/463440424141459456", placement=2)
    return article


def watch(page):
    """Every request the page makes, and a stand-in answer for the players' origins (no network here)."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.route("https://www.youtube-nocookie.com/**", _stand_in("YouTube"))
    page.route("https://platform.twitter.com/**", _stand_in("X"))
    return requests


def _stand_in(name):
    def fulfil(route):
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=PLAYER_STUB.format(name=name))

    return fulfil


def third_party(requests, base_url):
    ours = urlsplit(base_url).netloc
    return [url for url in requests if urlsplit(url).netloc not in (ours, "")]


def violations(page):
    return page.evaluate("() => window.__cspViolations")


def test_the_player_loads_only_when_the_reader_asks(browser_page, article):
    page = browser_page
    page.add_init_script(RECORD_VIOLATIONS)
    requests = watch(page)
    response = page.goto(page.base_url + article.get_absolute_url())
    policy = response.headers["content-security-policy"]
    assert "frame-src https://platform.twitter.com https://www.youtube-nocookie.com" in policy
    page.wait_for_load_state("networkidle")
    # Nothing is asked of YouTube or X before the reader chooses.
    assert third_party(requests, page.base_url) == []
    assert page.locator("iframe").count() == 0
    video = page.locator("figure.embed-youtube")
    video.scroll_into_view_if_needed()
    assert "Xem video" in video.inner_text() and "YouTube" in video.inner_text()
    page.shot("article-with-embeds-1280")
    video.screenshot(
        path=str(SCREENSHOTS / "test_the_player_loads_only_when_the_reader_asks" / "placeholder.png")
    )

    video.locator("a.embed-placeholder").click()
    player = video.locator("iframe.embed-player")
    player.wait_for()
    assert player.get_attribute("src") == "https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?autoplay=1"
    frame = page.frame_locator("figure.embed-youtube iframe")
    assert frame.locator("body").inner_text() == "YouTube player"  # the frame was let in and loaded
    assert [urlsplit(url).netloc for url in third_party(requests, page.base_url)] == [
        "www.youtube-nocookie.com"
    ]
    assert page.locator("figure.embed-x iframe").count() == 0  # the other one still waits
    page.shot("video-playing-1280")

    # The keyboard works too: the placeholder is a link.
    page.locator("figure.embed-x a.embed-placeholder").focus()
    page.keyboard.press("Enter")
    page.frame_locator("figure.embed-x iframe").locator("body").wait_for()
    assert violations(page) == []
    assert page.console.errors == []

    # Any other frame is refused by the page's policy: another provider, or anywhere else.
    for source in ("https://www.facebook.com/plugins/video.php?href=x", "https://evil.example/"):
        page.evaluate(
            """(source) => { const f = document.createElement("iframe"); f.src = source;
                             document.querySelector(".article-body").append(f); }""",
            source,
        )
    page.wait_for_function("() => window.__cspViolations.length >= 2")
    blocked = sorted(entry.split(" at ")[0] for entry in violations(page))
    # Chromium reports only the origin of a cross-origin address it blocked.
    assert blocked == ["frame-src blocked https://evil.example", "frame-src blocked https://www.facebook.com"]


def test_on_a_phone_the_placeholder_fits_and_plays(chromium, live_server, article):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        requests = watch(page)
        page.goto(live_server.url + article.get_absolute_url())
        video = page.locator("figure.embed-youtube")
        video.scroll_into_view_if_needed()
        box = video.bounding_box()
        assert box["width"] <= 390 and box["height"] > 150
        folder = SCREENSHOTS / "test_on_a_phone_the_placeholder_fits_and_plays"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "01-placeholder-390.png"))
        assert third_party(requests, live_server.url) == []
        video.locator("a.embed-placeholder").tap()
        page.frame_locator("figure.embed-youtube iframe").locator("body").wait_for()
        page.screenshot(path=str(folder / "02-playing-390.png"))
        print(f"\nScreenshots: {folder}")
    finally:
        context.close()
