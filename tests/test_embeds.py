"""Embedded videos and posts: the providers' address forms, what is refused, the placeholder, the policy, feeds,
JSON-LD and revisions."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from articles import embeds, revisions
from articles.models import Embed, Revision
from articles.sanitizer import sanitize

from .factories import add_inline_rows, form_data, make_article, make_article_in, make_embed, make_section
from .pages import json_ld, main_column, tags

YOUTUBE_ID = "M7lc1UVf-VE"
NOCOOKIE = f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}"

ACCEPTED = [
    # (pasted, provider, kind, the provider's page, the player)
    *(
        (pasted, "youtube", "video", f"https://www.youtube.com/watch?v={YOUTUBE_ID}", NOCOOKIE)
        for pasted in (
            f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
            f"https://youtube.com/watch?v={YOUTUBE_ID}&list=PL123&index=2",
            f"http://m.youtube.com/watch?feature=share&v={YOUTUBE_ID}",
            f"www.youtube.com/watch?v={YOUTUBE_ID}",
            f"https://youtu.be/{YOUTUBE_ID}",
            f"https://youtu.be/{YOUTUBE_ID}?si=XyZ123",
            f"https://www.youtube.com/embed/{YOUTUBE_ID}",
            f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
            f"https://www.youtube.com/shorts/{YOUTUBE_ID}",
            f"https://www.youtube.com/live/{YOUTUBE_ID}?feature=shared",
            f"  https://www.youtube.com/v/{YOUTUBE_ID}  ",
        )
    ),
    (
        f"https://youtu.be/{YOUTUBE_ID}?t=1m30s",
        "youtube",
        "video",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=90s",
        f"{NOCOOKIE}?start=90",
    ),
    (
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=75",
        "youtube",
        "video",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=75s",
        f"{NOCOOKIE}?start=75",
    ),
    *(
        (
            pasted,
            "facebook",
            "video",
            page,
            "https://www.facebook.com/plugins/video.php?href=" + quoted + "&show_text=false&width=560",
        )
        for pasted, page, quoted in (
            (
                "https://www.facebook.com/facebook/videos/10153231379946729/",
                "https://www.facebook.com/facebook/videos/10153231379946729/",
                "https%3A%2F%2Fwww.facebook.com%2Ffacebook%2Fvideos%2F10153231379946729%2F",
            ),
            (
                "https://m.facebook.com/BaoQuangNinh/videos/le-hoi-den-cua-ong/10153231379946729",
                "https://www.facebook.com/BaoQuangNinh/videos/10153231379946729/",
                "https%3A%2F%2Fwww.facebook.com%2FBaoQuangNinh%2Fvideos%2F10153231379946729%2F",
            ),
            (
                "https://www.facebook.com/watch/?v=10153231379946729&ref=sharing",
                "https://www.facebook.com/watch/?v=10153231379946729",
                "https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D10153231379946729",
            ),
            (
                "https://www.facebook.com/reel/1234567890123456",
                "https://www.facebook.com/reel/1234567890123456",
                "https%3A%2F%2Fwww.facebook.com%2Freel%2F1234567890123456",
            ),
        )
    ),
    *(
        (
            pasted,
            "facebook",
            "post",
            page,
            "https://www.facebook.com/plugins/post.php?href=" + quoted + "&show_text=true&width=560",
        )
        for pasted, page, quoted in (
            (
                "https://www.facebook.com/20531316728/posts/10154009990506729/",
                "https://www.facebook.com/20531316728/posts/10154009990506729",
                "https%3A%2F%2Fwww.facebook.com%2F20531316728%2Fposts%2F10154009990506729",
            ),
            (
                "https://www.facebook.com/BaoQuangNinh/posts/pfbid02abcDEF123?__cft__=x",
                "https://www.facebook.com/BaoQuangNinh/posts/pfbid02abcDEF123",
                "https%3A%2F%2Fwww.facebook.com%2FBaoQuangNinh%2Fposts%2Fpfbid02abcDEF123",
            ),
            (
                "https://www.facebook.com/permalink.php?story_fbid=10154009990506729&id=20531316728",
                "https://www.facebook.com/permalink.php?story_fbid=10154009990506729&id=20531316728",
                "https%3A%2F%2Fwww.facebook.com%2Fpermalink.php%3Fstory_fbid%3D10154009990506729%26id%3D20531316728",
            ),
            (
                "https://www.facebook.com/photo.php?fbid=10154009990506729&set=a.1",
                "https://www.facebook.com/photo/?fbid=10154009990506729",
                "https%3A%2F%2Fwww.facebook.com%2Fphoto%2F%3Ffbid%3D10154009990506729",
            ),
        )
    ),
    *(
        (pasted, "tiktok", "video", page, "https://www.tiktok.com/player/v1/6718335390845095173?rel=0")
        for pasted, page in (
            (
                "https://www.tiktok.com/@scout2015/video/6718335390845095173?is_from_webapp=1&sender_device=pc",
                "https://www.tiktok.com/@scout2015/video/6718335390845095173",
            ),
            (
                "https://m.tiktok.com/v/6718335390845095173.html",
                "https://www.tiktok.com/embed/v2/6718335390845095173",
            ),
            (
                "https://www.tiktok.com/embed/v2/6718335390845095173",
                "https://www.tiktok.com/embed/v2/6718335390845095173",
            ),
            (
                "https://www.tiktok.com/player/v1/6718335390845095173",
                "https://www.tiktok.com/embed/v2/6718335390845095173",
            ),
        )
    ),
    *(
        (
            pasted,
            "x",
            "post",
            page,
            "https://platform.twitter.com/embed/Tweet.html?id=463440424141459456&dnt=true",
        )
        for pasted, page in (
            (
                "https://twitter.com/Interior/status/463440424141459456",
                "https://x.com/Interior/status/463440424141459456",
            ),
            (
                "https://x.com/Interior/status/463440424141459456?s=20&t=abc",
                "https://x.com/Interior/status/463440424141459456",
            ),
            (
                "https://mobile.twitter.com/Interior/status/463440424141459456/photo/1",
                "https://x.com/Interior/status/463440424141459456",
            ),
            (
                "https://twitter.com/Interior/statuses/463440424141459456",
                "https://x.com/Interior/status/463440424141459456",
            ),
            (
                "https://x.com/i/web/status/463440424141459456",
                "https://x.com/i/status/463440424141459456",
            ),
        )
    ),
]


@pytest.mark.parametrize(("pasted", "provider", "kind", "page", "player"), ACCEPTED)
def test_each_providers_address_forms_are_recognised(pasted, provider, kind, page, player):
    found = embeds.recognise(pasted)
    assert (found.provider, found.kind, found.url, found.player_url) == (provider, kind, page, player)
    assert embeds.recognise(found.url) == found  # the stored address is recognised as the same thing


@pytest.mark.parametrize(
    ("pasted", "says"),
    [
        ("https://vimeo.com/76979871", "only a YouTube video, a Facebook video or post"),
        ("https://www.dailymotion.com/video/x7tgad0", "only a YouTube video"),
        ("https://evil.example/youtube.com/watch?v=M7lc1UVf-VE", "only a YouTube video"),
        ("https://youtube.com.evil.example/watch?v=M7lc1UVf-VE", "only a YouTube video"),
        ("javascript:alert(1)//youtube.com/watch?v=M7lc1UVf-VE", "only a YouTube video"),
        ("data:text/html,<b>x</b>", "embed code"),
        ("Xem video ở đây", "only a YouTube video"),
        (
            f'<iframe width="560" height="315" src="https://www.youtube.com/embed/{YOUTUBE_ID}"></iframe>',
            "embed code",
        ),
        ('<blockquote class="twitter-tweet"><a href="https://twitter.com/x/status/1">', "embed code"),
        ("https://fb.watch/abcDEF12/", "short link"),
        ("https://vm.tiktok.com/ZSabc123/", "short link"),
        ("https://www.youtube.com/@BaoQuangNinh", "does not lead to a single video or post"),
        ("https://www.youtube.com/watch?v=short", "does not lead to a single video or post"),
        (
            "https://www.youtube.com/watch?v=M7lc1UVf-VE%22onload%3D",
            "does not lead to a single video or post",
        ),
        ("https://www.facebook.com/BaoQuangNinh", "does not lead to a single video or post"),
        ("https://www.tiktok.com/@scout2015", "does not lead to a single video or post"),
        ("https://x.com/Interior", "does not lead to a single video or post"),
    ],
)
def test_other_addresses_and_embed_code_are_refused_with_a_clear_message(pasted, says):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            embeds.recognise(pasted)
        assert says in " ".join(error.value.messages)


def test_pasted_iframe_code_is_still_stripped_from_the_body():
    body = f'<p>Trước.</p><iframe src="{NOCOOKIE}" allowfullscreen></iframe><p>Sau.</p>'
    assert sanitize(body) == "<p>Trước.</p><p>Sau.</p>"


# The admin.


ARTICLE_ADD = "/admin/articles/article/add/"


def post_article_with_embeds(client, section, *rows):
    data = form_data(client.get(ARTICLE_ADD), "article_form")
    data.update(title="Lễ hội Carnaval Hạ Long", lead="Một đoạn mở đầu.", section=str(section.pk))
    data["body"] = "<p>Một.</p><p>Hai.</p>"
    add_inline_rows(data, "embeds", rows)
    return client.post(ARTICLE_ADD, data)


@pytest.mark.django_db
def test_a_reporter_adds_an_embed_by_pasting_its_address(reporter_client, reporter):
    response = post_article_with_embeds(
        reporter_client,
        make_section(),
        {"url": f"https://youtu.be/{YOUTUBE_ID}", "caption": "Màn diễu hành", "placement": "1"},
    )
    assert response.status_code == 302
    embed = Embed.objects.get()
    assert (embed.url, embed.provider, embed.caption, embed.placement) == (
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        "youtube",
        "Màn diễu hành",
        1,
    )


@pytest.mark.django_db
def test_an_address_the_newsroom_does_not_embed_is_a_form_error_naming_the_providers(reporter_client):
    response = post_article_with_embeds(
        reporter_client, make_section(), {"url": "https://vimeo.com/76979871", "placement": "0"}
    )
    assert response.status_code == 200
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "embeds"
    ]
    assert "Tòa soạn chỉ nhúng video YouTube" in " ".join(formset.forms[0].errors["url"])
    assert not Embed.objects.exists()


# The readers' page.


@pytest.fixture
def article_with_embeds():
    article = make_article(
        title="Carnaval Hạ Long 2026",
        body="<p>Đoạn một.</p><p>Đoạn hai.</p><p>Đoạn ba.</p>",
        lead="Hàng nghìn người xem diễu hành.",
    )
    make_embed(article, url=f"https://youtu.be/{YOUTUBE_ID}", caption="Màn diễu hành trên đường", placement=1)
    make_embed(article, url="https://twitter.com/Interior/status/463440424141459456", placement=2)
    return article


def external_resources(html):
    """Every address a reader's browser would load by itself (not links it may follow)."""
    loaded = []
    for tag, attrs in tags(html):
        for attribute in ("src", "srcset", "data"):
            if attrs.get(attribute):
                loaded.append((tag, attrs[attribute]))
        if tag == "link" and attrs.get("rel") in (
            "stylesheet",
            "preload",
            "preconnect",
            "dns-prefetch",
            "icon",
        ):
            loaded.append((tag, attrs.get("href")))
    return [(tag, url) for tag, url in loaded if re.match(r"^(https?:)?//", url or "")]


@pytest.mark.django_db
def test_readers_get_a_placeholder_that_asks_nothing_of_the_provider(client, article_with_embeds):
    response = client.get(article_with_embeds.get_absolute_url())
    html = response.content.decode()
    body = main_column(html)
    assert "<iframe" not in html
    assert external_resources(html) == []
    placeholders = [attrs for _tag, attrs in tags(body, "a") if "data-player" in attrs]
    assert [(link["href"], link["data-player"]) for link in placeholders] == [
        (f"https://www.youtube.com/watch?v={YOUTUBE_ID}", f"{NOCOOKIE}?autoplay=1"),
        (
            "https://x.com/Interior/status/463440424141459456",
            "https://platform.twitter.com/embed/Tweet.html?id=463440424141459456&dnt=true",
        ),
    ]
    assert "Xem video" in body and "YouTube" in body and "Màn diễu hành trên đường" in body
    assert "Xem bài đăng" in body and "@Interior" in body
    # Placed between the blocks like photos: after the first and the second paragraph.
    assert body.index("Đoạn một.") < body.index(NOCOOKIE) < body.index("Đoạn hai.") < body.index("Tweet.html")
    assert body.index("Tweet.html") < body.index("Đoạn ba.")
    assert ("script", "/static/js/embeds.js") in [
        (tag, attrs.get("src")) for tag, attrs in tags(html, "script")
    ]


@pytest.mark.django_db
def test_the_policy_lets_in_exactly_the_players_of_the_page(client, article_with_embeds):
    policy = client.get(article_with_embeds.get_absolute_url())["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    assert directives["frame-src"].split() == [
        "https://platform.twitter.com",
        "https://www.youtube-nocookie.com",
    ]
    assert (
        directives["script-src"] == "'self'"
    )  # the player's loader is a file of ours; still no inline script
    assert directives["default-src"] == "'none'"


@pytest.mark.django_db
def test_a_page_without_embeds_allows_no_frame_and_loads_no_script(client):
    html_response = client.get(make_article().get_absolute_url())
    assert "frame-src" not in html_response["Content-Security-Policy"]
    assert "embeds.js" not in html_response.content.decode()


@pytest.mark.django_db
def test_the_preview_shows_the_placeholder_under_the_same_policy(editor_client, editor):
    article = make_article_in("draft", title="Bài nháp có video")
    make_embed(article, url="https://www.tiktok.com/@scout2015/video/6718335390845095173")
    response = editor_client.get(reverse("articles:preview", args=[article.pk]))
    assert (
        "https://www.tiktok.com/player/v1/6718335390845095173?rel=0&amp;autoplay=1"
        in response.content.decode()
    )
    assert "frame-src https://www.tiktok.com" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_english_page_says_it_in_english(client, article_with_embeds):
    html = client.get("/en" + article_with_embeds.get_absolute_url()).content.decode()
    assert "Play the video" in html and "Video: YouTube" in html and "Show the post" in html


@pytest.mark.django_db
def test_json_ld_describes_embedded_videos_not_posts(client, article_with_embeds):
    html = client.get(article_with_embeds.get_absolute_url()).content.decode()
    [data] = json_ld(html)
    assert data["video"] == [
        {
            "@type": "VideoObject",
            "name": "Màn diễu hành trên đường",
            "description": "Màn diễu hành trên đường",
            "embedUrl": NOCOOKIE,
            "url": f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
            "thumbnailUrl": [f"https://i.ytimg.com/vi/{YOUTUBE_ID}/hqdefault.jpg"],
        }
    ]


@pytest.mark.django_db
def test_feeds_give_a_link_in_place_of_the_player(client, article_with_embeds):
    for url in ("/feeds/latest/", "/feeds/latest/atom/"):
        feed = ET.fromstring(client.get(url).content)
        descriptions = [
            element.text for element in feed.iter() if element.tag.endswith(("description", "summary"))
        ]
        [text] = [text for text in descriptions if text and text.startswith("Hàng nghìn người xem")]
        assert text == (
            "Hàng nghìn người xem diễu hành.\n\n"
            f"Video (YouTube) · Màn diễu hành trên đường: https://www.youtube.com/watch?v={YOUTUBE_ID}\n\n"
            "Bài đăng (X (Twitter)): https://x.com/Interior/status/463440424141459456"
        )


# Revisions.


@pytest.mark.django_db
def test_revisions_keep_compare_and_restore_embeds(editor, article_with_embeds):
    article = article_with_embeds
    before = revisions.record(article, editor, Revision.Kind.SAVED)
    assert [embed["url"] for embed in before.snapshot["embeds"]] == [
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        "https://x.com/Interior/status/463440424141459456",
    ]
    article.embeds.filter(provider="x").delete()
    article.embeds.update(caption="Chú thích mới")
    after = revisions.record(article, editor, Revision.Kind.SAVED)
    [field] = [
        field for field in revisions.compare(before.snapshot, after.snapshot) if field.name == "embeds"
    ]
    assert field.changed
    changed_text = " ".join(text for row in field.rows for text, marked in row.new + row.old if marked)
    assert "Chú thích mới" in changed_text and "Interior" in changed_text
    revisions.restore(article, before, editor)
    assert list(article.embeds.values_list("provider", "caption", "placement")) == [
        ("youtube", "Màn diễu hành trên đường", 1),
        ("x", "", 2),
    ]


@pytest.mark.django_db
def test_a_snapshot_from_before_embeds_restores_to_none(editor, article_with_embeds):
    old = revisions.record(article_with_embeds, editor, Revision.Kind.SAVED)
    del old.snapshot["embeds"]
    revisions.restore(article_with_embeds, old, editor)
    assert not article_with_embeds.embeds.exists()
