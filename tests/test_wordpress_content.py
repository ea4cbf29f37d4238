"""The conversion of WordPress content into an article's blocks, photos, pull-quotes and embeds."""

import io

from newsroom.progress import Progress
from wordpress import wxr
from wordpress.content import Context, autop, convert, parse_blocks, split_credit


def test_classic_paragraphs_and_line_breaks():
    assert autop("Một.\n\nHai\nba.") == "<p>Một.</p>\n<p>Hai<br />\nba.</p>\n"
    converted = convert("Một.\n\n<h1>Tiêu đề</h1>\nHai.\n\n<pre>dòng 1\n\ndòng 2</pre>")
    assert converted.blocks == [
        "<p>Một.</p>",
        "<h2>Tiêu đề</h2>",
        "<p>Hai.</p>",
        "<p>dòng 1<br><br>dòng 2</p>",
    ]
    assert converted.notes.reshaped == {"preformatted text": 1}


def test_block_comments_go_and_blocks_keep_their_content():
    content = (
        "<!-- wp:paragraph --><p>Đoạn <strong>một</strong>.</p><!-- /wp:paragraph -->"
        '<!-- wp:latest-posts {"postsToShow":5} /-->'
        '<!-- wp:group --><div class="wp-block-group"><!-- wp:heading {"level":5} --><h5>Nhỏ</h5>'
        "<!-- /wp:heading --></div><!-- /wp:group -->"
        "<!-- wp:jetpack/slideshow --><div><p>Chữ của plugin</p></div><!-- /wp:jetpack/slideshow -->"
        "<!-- wp:separator --><hr/><!-- /wp:separator -->"
    )
    converted = convert(content)
    assert converted.blocks == ["<p>Đoạn <strong>một</strong>.</p>", "<h4>Nhỏ</h4>", "<p>Chữ của plugin</p>"]
    assert converted.notes.site_blocks == {"latest-posts": 1}
    assert converted.notes.unknown_blocks == {"jetpack/slideshow": 1}
    assert [block.name for block in parse_blocks(content) if not isinstance(block, str)][:2] == [
        "core/paragraph",
        "core/latest-posts",
    ]


def test_captions_become_photos_placed_where_they_stood():
    content = (
        "Trước.\n\n"
        '[caption id="attachment_7" width="600"]<a href="/x.jpg"><img class="wp-image-7" src="https://x/wp-content/'
        'uploads/2020/01/a-300x200.jpg" alt="Mô tả" /></a> Chú thích. Ảnh: Minh Đức[/caption]\n\nSau.'
    )
    converted = convert(content)
    assert converted.blocks == ["<p>Trước.</p>", "<p>Sau.</p>"]
    (photo,) = converted.photos
    assert (photo.attachment_id, photo.alt, photo.caption, photo.placement) == (
        7,
        "Mô tả",
        "Chú thích. Ảnh: Minh Đức",
        1,
    )
    assert split_credit(photo.caption) == ("Chú thích.", "Minh Đức")
    assert split_credit("Ảnh minh họa") == ("Ảnh minh họa", "")


def test_an_image_inside_a_paragraph_goes_before_or_after_it():
    converted = convert(
        '<p><img src="https://x/a.jpg" alt="a"> Chữ bên cạnh.</p><p>Chữ <img src="https://x/b.jpg" alt="b"></p>'
    )
    assert [(photo.alt, photo.placement) for photo in converted.photos] == [("a", 0), ("b", 2)]
    assert converted.blocks == ["<p> Chữ bên cạnh.</p>", "<p>Chữ </p>"]


def test_galleries_become_photos_in_order():
    context = Context(
        post_id=5,
        attachments={
            1: wxr.Attachment(1, "https://x/wp-content/uploads/2020/01/a.jpg", menu_order=2),
            2: wxr.Attachment(2, "https://x/wp-content/uploads/2020/01/b.jpg", menu_order=1),
        },
        children={5: [2, 1]},
    )
    assert [p.attachment_id for p in convert("[gallery]", context).photos] == [2, 1]
    assert [p.attachment_id for p in convert('[gallery ids="1,2"]', context).photos] == [1, 2]
    assert [p.attachment_id for p in convert('[gallery ids="1,2" exclude="2"]', context).photos] == [1]


def test_pull_quotes_and_quotes():
    content = (
        '<!-- wp:pullquote --><figure class="wp-block-pullquote"><blockquote><p>Câu nói.</p><cite>Ông A</cite>'
        "</blockquote></figure><!-- /wp:pullquote -->"
        '<!-- wp:quote --><blockquote class="wp-block-quote"><p>Trích.</p><cite>Bà B</cite></blockquote>'
        "<!-- /wp:quote -->"
    )
    converted = convert(content)
    assert [(q.text, q.name, q.placement) for q in converted.quotes] == [("Câu nói.", "Ông A", 0)]
    assert converted.blocks == ["<blockquote><p>Trích.</p><p>— Bà B</p></blockquote>"]


def test_embeds_become_links_and_are_listed():
    content = (
        "https://youtu.be/abc\n\n"
        '<iframe src="https://www.facebook.com/plugins/video.php?v=1"></iframe>\n\n'
        '<!-- wp:embed {"url":"https://www.tiktok.com/@bao/video/1","providerNameSlug":"tiktok"} -->'
        '<figure class="wp-block-embed"><div>https://www.tiktok.com/@bao/video/1</div></figure><!-- /wp:embed -->'
    )
    classic = convert(content.split("<!-- wp:")[0])
    assert [(e.provider, e.placement) for e in classic.embeds] == [("youtube", 1), ("facebook", 2)]
    assert (
        classic.blocks[0]
        == '<p><a href="https://youtu.be/abc" rel="noopener noreferrer">https://youtu.be/abc</a></p>'
    )
    block = convert(content[content.index("<!-- wp:") :])
    assert [e.provider for e in block.embeds] == ["tiktok"]


def test_shortcodes_unknown_escaped_and_media():
    converted = convert(
        '[[gallery]] [note]Chữ trong[/note] [toc] [sic] [cf7 id="3"] [audio src="a.mp3"] [video]'
    )
    assert converted.blocks == ["<p>[gallery] Chữ trong [toc] [sic]   </p>"]
    assert converted.notes.unknown_shortcodes == {"note": 1, "cf7": 1}
    assert converted.notes.bracketed_text == {"[toc]": 1, "[sic]": 1}
    assert converted.notes.left_out == {"audio": 1, "video": 1}


def test_tables_become_rows_of_text_and_scripts_vanish():
    converted = convert(
        "<table><caption>Kết quả</caption><tr><th>Đội</th><th>Điểm</th></tr><tr><td>A</td><td>3</td></tr></table>"
        '<script>alert(1)</script><p onclick="x()">An toàn</p>'
    )
    assert converted.blocks == [
        "<p><em>Kết quả</em></p>",
        "<p><strong>Đội</strong> · <strong>Điểm</strong></p>",
        "<p>A · 3</p>",
        "<p>An toàn</p>",
    ]


def test_upload_paths():
    assert wxr.upload_path("https://x.vn/wp-content/uploads/2008/06/a%20b.jpg?w=300") == "2008/06/a b.jpg"
    assert wxr.upload_path("https://x.files.wordpress.com/2008/06/a.jpg") == "2008/06/a.jpg"
    assert wxr.original_path("2008/06/a-300x200.jpg") == "2008/06/a.jpg"
    assert wxr.original_path("2020/01/big-scaled.jpeg") == "2020/01/big.jpeg"


class _Terminal(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty

    def write(self, text, style_func=None, ending=None):
        return super().write(text + (ending or ""))


def test_the_progress_bar_only_on_a_terminal():
    terminal, log = _Terminal(True), _Terminal(False)
    for stream in (terminal, log):
        progress = Progress(stream, 200, "bài")
        progress.update(100)
        progress.update(200)
        progress.finish()
    assert "100/200 bài" in terminal.getvalue() or "200/200 bài" in terminal.getvalue()
    assert "[" + "#" * Progress.WIDTH + "]" in terminal.getvalue()
    assert log.getvalue() == ""
