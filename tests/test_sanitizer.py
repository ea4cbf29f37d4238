"""The body sanitizer: nothing executable survives, newsroom formatting does.

Every XSS payload in ``tests/data/xss_payloads.txt`` is sanitized and the output is checked by parsing it,
not by searching it for strings: a browser runs what it parses, so the check must parse too.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from articles.sanitizer import ALLOWED_TAGS, html_to_text, sanitize, split_blocks

from .factories import make_article

PAYLOAD_FILE = Path(__file__).parent / "data" / "xss_payloads.txt"

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# What the WHATWG URL parser ignores: C0 controls and spaces around a URL, tab and newline anywhere in it.
# NUL is dropped anywhere too, as old Internet Explorer did.
_URL_EDGE = "".join(map(chr, range(0x21)))
_URL_IGNORED = re.compile(r"[\t\n\r\x00]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def _load_payloads():
    """(line number, payload) for every line that is not a ``#`` comment; lines are split on \\n only."""
    lines = PAYLOAD_FILE.read_text(encoding="utf-8").split("\n")
    return [
        (number, line.removesuffix("\r"))
        for number, line in enumerate(lines, start=1)
        if line and not line.startswith("#")
    ]


PAYLOADS = _load_payloads()
PAYLOAD_IDS = [f"line{number}" for number, _ in PAYLOADS]


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        # html.parser has already HTML-unescaped the attribute values.
        for name, value in attrs:
            if tag != "a" or name not in {"href", "title", "rel"}:
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")
            elif name == "href" and not _safe_url(value or ""):
                self.problems.append(f"href {value!r}")

    def handle_endtag(self, tag):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"end tag </{tag}>")

    def handle_data(self, data):
        # The sanitizer escapes every "<" in text; a raw one is markup html.parser could not read.
        if "<" in data:
            self.problems.append(f"unparsed markup {data!r}")

    def handle_comment(self, data):
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"declaration {decl!r}")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data):
        self.problems.append(f"declaration {data!r}")


def _safe_url(value):
    url = _URL_IGNORED.sub("", value.strip(_URL_EDGE)).lower()
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1) in SAFE_SCHEMES


def assert_nothing_executable(html):
    """Parse sanitized HTML: only allow-listed tags, only href/title/rel on <a>, only safe link schemes."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, f"{checker.problems} in {html!r}"


def test_corpus_is_large_and_distinct():
    payloads = [payload for _, payload in PAYLOADS]
    assert len(payloads) >= 120
    assert len(set(payloads)) == len(payloads)


@pytest.mark.parametrize("payload", [payload for _, payload in PAYLOADS], ids=PAYLOAD_IDS)
def test_payload_is_neutralised(payload):
    assert_nothing_executable(sanitize(payload))


@pytest.mark.parametrize("payload", [payload for _, payload in PAYLOADS], ids=PAYLOAD_IDS)
def test_payload_inside_a_paragraph_is_neutralised(payload):
    assert_nothing_executable(sanitize(f"<p>before {payload} after</p>"))


@pytest.mark.parametrize("payload", [payload for _, payload in PAYLOADS], ids=PAYLOAD_IDS)
def test_sanitize_is_idempotent(payload):
    once = sanitize(payload)
    assert sanitize(once) == once


@pytest.mark.parametrize(
    "html",
    [
        '<script>alert(1)</script><a href="javascript:alert(1)">x</a>',
        '<img src=x onerror="alert(1)">',
        '<a href="https://ok.example" onclick="alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<p><!-- comment --></p>",
        "<p>a < b</p>",
    ],
)
def test_checker_rejects_unsanitized_markup(html):
    """The checker itself must fail on raw payloads, or the corpus tests prove nothing."""
    with pytest.raises(AssertionError):
        assert_nothing_executable(html)


@pytest.mark.parametrize(
    "href",
    [
        "https://baoquangninh.vn/x",
        "http://example.com",
        "mailto:toasoan@baoquangninh.vn",
        "tel:+842033835999",
        "/thoi-su/bai-viet",
        "bai-viet?x=1#doan-2",
    ],
)
def test_checker_accepts_safe_links(href):
    assert_nothing_executable(f'<p><a href="{href}" title="t" rel="noopener noreferrer">x</a></p>')


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<h2>Tiêu đề phụ</h2><h3>Mục nhỏ</h3><h4>Ý nhỏ hơn</h4>",
            "<h2>Tiêu đề phụ</h2><h3>Mục nhỏ</h3><h4>Ý nhỏ hơn</h4>",
        ),
        (
            "<p><strong>Đậm</strong>, <b>b</b>, <em>nghiêng</em>, <i>i</i>, "
            "<u>gạch chân</u>, <s>gạch ngang</s>, H<sub>2</sub>O, m<sup>2</sup></p>",
            "<p><strong>Đậm</strong>, <b>b</b>, <em>nghiêng</em>, <i>i</i>, "
            "<u>gạch chân</u>, <s>gạch ngang</s>, H<sub>2</sub>O, m<sup>2</sup></p>",
        ),
        (
            "<ul><li>Một<ol><li>Một chấm một</li><li>Một chấm hai</li></ol></li><li>Hai</li></ul>",
            "<ul><li>Một<ol><li>Một chấm một</li><li>Một chấm hai</li></ol></li><li>Hai</li></ul>",
        ),
        (
            "<blockquote><p>“Xác định nhiệm vụ trọng tâm, cụ thể”</p></blockquote>",
            "<blockquote><p>“Xác định nhiệm vụ trọng tâm, cụ thể”</p></blockquote>",
        ),
        (
            '<p>Xem <a href="https://baoquangninh.vn/x" title="t">bài gốc</a>.</p>',
            '<p>Xem <a href="https://baoquangninh.vn/x" title="t" rel="noopener noreferrer">bài gốc</a>.</p>',
        ),
        (
            '<p><a href="mailto:toasoan@baoquangninh.vn">Thư</a> – <a href="tel:+842033835999">Gọi</a></p>',
            '<p><a href="mailto:toasoan@baoquangninh.vn" rel="noopener noreferrer">Thư</a> – '
            '<a href="tel:+842033835999" rel="noopener noreferrer">Gọi</a></p>',
        ),
        (
            "<p>Dòng một<br>Dòng hai<br/>Dòng ba</p>",
            "<p>Dòng một<br>Dòng hai<br>Dòng ba</p>",
        ),
        (
            "<p>Sở Xây dựng &amp; Giao thông: “Gỡ nút thắt” cho HTX Đồng Tâm</p>",
            "<p>Sở Xây dựng &amp; Giao thông: “Gỡ nút thắt” cho HTX Đồng Tâm</p>",
        ),
        ("<p>5 &lt; 7 &gt; 3</p>", "<p>5 &lt; 7 &gt; 3</p>"),
        ("", ""),
    ],
)
def test_newsroom_formatting_survives_exactly(html, expected):
    assert sanitize(html) == expected
    assert_nothing_executable(expected)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p><span>Hạ Long</span></p>", "<p>Hạ Long</p>"),
        ("<div>Cẩm Phả</div>", "Cẩm Phả"),
        ('<p><font color="red">Uông Bí</font></p>', "<p>Uông Bí</p>"),
        ("<h1>Móng Cái</h1>", "Móng Cái"),
        ("<p><mark>Vân</mark> <small>Đồn</small></p>", "<p>Vân Đồn</p>"),
        ("<table><tr><td>Ô</td></tr></table>", "Ô"),
    ],
)
def test_disallowed_harmless_tags_keep_their_text(html, expected):
    assert sanitize(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<p>Tin<script>alert('ẩn')</script></p>",
        "<p>Tin<style>p { color: red } /* ẩn */</style></p>",
        "<p>Tin<template>ẩn</template></p>",
        "<p>Tin<noscript>ẩn</noscript></p>",
        "<p>Tin<iframe>ẩn</iframe></p>",
        "<p>Tin<svg><text>ẩn</text></svg></p>",
        "<p>Tin<math><mi>ẩn</mi></math></p>",
        "<p>Tin<object>ẩn</object></p>",
    ],
)
def test_dangerous_tags_lose_their_content(html):
    assert sanitize(html) == "<p>Tin</p>"


def test_attributes_other_than_link_href_and_title_are_dropped():
    html = (
        '<p class="lead" id="p1" style="color:red" title="t" lang="vi" dir="rtl" data-x="1">Đoạn</p>'
        '<a href="https://baoquangninh.vn/" title="t" class="c" target="_blank" lang="vi">Liên kết</a>'
    )
    assert sanitize(html) == (
        '<p>Đoạn</p><a href="https://baoquangninh.vn/" title="t" rel="noopener noreferrer">Liên kết</a>'
    )


@pytest.mark.django_db
def test_saving_an_article_sanitizes_its_body():
    article = make_article(
        body='<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">x</a></p>'
    )
    article.refresh_from_db()
    assert_nothing_executable(article.body)
    assert "Hi" in html_to_text(article.body)
    assert "alert" not in article.body


def test_html_to_text_drops_markup_and_decodes_entities():
    html = (
        "<h2>Tiêu đề</h2><p>Tin &amp; “bài” <strong>đậm</strong><br>dòng&nbsp;mới</p>"
        "<ul><li>a<ul><li>b</li></ul></li></ul><blockquote><p>5 &lt; 7</p></blockquote>"
    )
    assert html_to_text(html) == "Tiêu đề\nTin & “bài” đậm\ndòng mới\na\nb\n5 < 7"
    assert html_to_text("") == ""
    assert html_to_text(None) == ""


def test_split_blocks_returns_top_level_blocks():
    html = (
        "<h2>Tiêu đề</h2><p>Đoạn <strong>một</strong><br>tiếp</p>"
        "<ul><li>a<ul><li>b</li></ul></li></ul><blockquote><p>q</p></blockquote><p>Hết</p>"
    )
    assert split_blocks(html) == [
        "<h2>Tiêu đề</h2>",
        "<p>Đoạn <strong>một</strong><br>tiếp</p>",
        "<ul><li>a<ul><li>b</li></ul></li></ul>",
        "<blockquote><p>q</p></blockquote>",
        "<p>Hết</p>",
    ]
    assert "".join(split_blocks(html)) == html
    assert split_blocks("") == []
    assert split_blocks("Chỉ có chữ") == ["Chỉ có chữ"]


def test_split_blocks_of_a_sanitized_body():
    body = sanitize("<p>Một</p>\n<div>Hai</div>\n<h3>Ba</h3>")
    assert split_blocks(body) == ["<p>Một</p>", "Hai", "<h3>Ba</h3>"]
