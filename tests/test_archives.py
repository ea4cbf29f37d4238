"""Dated archives and "view by date": local days in Asia/Ho_Chi_Minh, counts, neighbours, the form's bad input."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from .factories import make_article, make_section
from .pages import main_column

LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def local(*parts):
    return datetime.datetime(*parts, tzinfo=LOCAL)


@pytest.fixture
def around_midnight():
    """Three articles near the night of 28 to 29 September 2017, local time."""
    section = make_section(name="Địa phương", slug="dia-phuong")
    return {
        "late": make_article(
            section=section, title="Tin lúc 23 giờ 59", published_at=local(2017, 9, 28, 23, 59)
        ),
        "early": make_article(
            section=section, title="Tin lúc 0 giờ 01", published_at=local(2017, 9, 29, 0, 1)
        ),
        "morning": make_article(
            section=section, title="Tin lúc 6 giờ 30", published_at=local(2017, 9, 29, 6, 30)
        ),
    }


def test_an_article_belongs_to_its_local_day_not_its_utc_day(client, around_midnight):
    morning = around_midnight["morning"]
    assert morning.published_at.astimezone(datetime.UTC).date() == datetime.date(
        2017, 9, 28
    )  # UTC says the 28th
    assert morning.get_absolute_url().startswith("/2017/09/29/")
    assert around_midnight["early"].get_absolute_url().startswith("/2017/09/29/")
    assert around_midnight["late"].get_absolute_url().startswith("/2017/09/28/")

    day28 = main_column(client.get("/2017/09/28/").content.decode())
    day29 = main_column(client.get("/2017/09/29/").content.decode())
    assert "Tin lúc 23 giờ 59" in day28
    assert "Tin lúc 0 giờ 01" not in day28 and "Tin lúc 6 giờ 30" not in day28
    assert "Tin lúc 0 giờ 01" in day29 and "Tin lúc 6 giờ 30" in day29
    assert "Tin lúc 23 giờ 59" not in day29
    assert ">06:30 | 29/09/2017</time>" in day29
    assert "Có 2 bài được đăng trong ngày này." in day29


def test_the_month_counts_articles_per_local_day(client, around_midnight):
    html = client.get("/2017/09/").content.decode()
    assert re.search(
        r'href="/2017/09/28/"><span class="day-number">28</span> <span class="count">1 bài</span>', html
    )
    assert re.search(
        r'href="/2017/09/29/"><span class="day-number">29</span> <span class="count">2 bài</span>', html
    )
    assert 'href="/2017/09/30/"' not in html  # a day without news is not a link
    assert '<td class="no-news"><span class="day-number">30</span></td>' in html


def test_the_year_lists_twelve_months_with_counts(client, around_midnight):
    make_article(published_at=local(2017, 1, 1, 0, 0))  # New Year's first minute belongs to January
    make_article(published_at=local(2016, 12, 31, 23, 59))  # and the last minute of 2016 does not
    html = client.get("/2017/").content.decode()
    assert html.count('<li class="has-news">') == 2
    assert html.count('<li class="no-news">') == 10
    assert re.search(
        r'href="/2017/09/"><span class="month-name">09/2017</span> <span class="count">3 bài', html
    )
    assert re.search(
        r'href="/2017/01/"><span class="month-name">01/2017</span> <span class="count">1 bài', html
    )
    assert '<a rel="prev" href="/2016/">' in html  # the year before has news


def test_the_day_links_to_the_nearest_days_with_news(client, around_midnight):
    make_article(published_at=local(2017, 9, 20, 9, 0))
    make_article(published_at=local(2017, 10, 3, 9, 0))
    html = client.get("/2017/09/29/").content.decode()
    assert '<a rel="prev" href="/2017/09/28/">' in html
    assert '<a rel="next" href="/2017/10/03/">' in html
    html = client.get("/2017/09/28/").content.decode()
    assert '<a rel="prev" href="/2017/09/20/">' in html
    assert '<a rel="next" href="/2017/09/29/">' in html


def test_a_day_without_news_says_so_and_points_to_the_nearest_days(client, around_midnight):
    response = client.get("/2017/09/25/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có tin nào được đăng ngày 25/09/2017." in html
    assert '<div class="listing">' not in html
    assert '<a rel="next" href="/2017/09/28/">' in html


def test_the_day_archive_has_the_date_picker_set_to_that_day(client, around_midnight):
    html = client.get("/2017/09/29/").content.decode()
    assert 'id="by-date-date" class="day-input" type="text" name="date" required value="29/09/2017"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/2017/02/30/",  # no such day
        "/2017/13/01/",  # no such month
        "/2017/00/10/",
        "/0000/01/01/",  # no year zero
        "/2017/9/29/",  # the URL contract pads with zeros
        "/2099/01/01/",  # the future has no news yet
        "/2099/",  # a year without news
        "/2016/05/",  # a month without news
    ],
)
def test_impossible_or_empty_periods_answer_404(client, around_midnight, url):
    assert client.get(url).status_code == 404


def test_a_future_day_of_this_year_answers_404(client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    make_article(published_at=timezone.now() - datetime.timedelta(hours=1))
    assert client.get(f"/{tomorrow:%Y/%m/%d}/").status_code == 404


def test_the_section_filter_narrows_every_archive(client, around_midnight):
    sport = make_section(name="Thể thao", slug="the-thao")
    make_article(section=sport, title="Tin thể thao ngày 29", published_at=local(2017, 9, 29, 10, 0))
    make_article(section=sport, title="Tin thể thao ngày 27", published_at=local(2017, 9, 27, 10, 0))

    html = main_column(client.get("/2017/09/29/?section=the-thao").content.decode())
    assert "Tin thể thao ngày 29" in html
    assert "Tin lúc 6 giờ 30" not in html
    assert "Chuyên mục: Thể thao" in html
    assert '<a rel="prev" href="/2017/09/27/?section=the-thao">' in html  # the 28th has no sport

    html = client.get("/2017/09/29/").content.decode()
    assert "Tin thể thao ngày 29" in html and "Tin lúc 6 giờ 30" in html

    html = client.get("/2017/09/?section=dia-phuong").content.decode()
    assert 'href="/2017/09/27/' not in html
    assert (
        'href="/2017/09/29/?section=dia-phuong"><span class="day-number">29</span> <span class="count">2 bài'
        in html
    )

    html = client.get("/2017/?section=the-thao").content.decode()
    assert re.search(
        r'href="/2017/09/\?section=the-thao"><span class="month-name">09/2017</span> <span class="count">2 bài',
        html,
    )


def test_an_unknown_section_filter_answers_404(client, around_midnight):
    assert client.get("/2017/09/29/?section=khong-co").status_code == 404
    assert client.get("/2017/?section=khong-co").status_code == 404


def test_archives_in_english_use_english_dates(client, around_midnight):
    html = client.get("/en/2017/09/29/").content.decode()
    assert '<html lang="en">' in html
    assert "Friday, September 29, 2017" in html
    assert ">06:30 | Sep 29, 2017</time>" in html
    assert 'href="/en/2017/09/28/"' in html
    html = client.get("/en/2017/").content.decode()
    assert "September 2017" in html and "3 articles" in html


def test_the_vietnamese_day_heading_names_the_weekday(client, around_midnight):
    html = client.get("/2017/09/29/").content.decode()
    assert '<h1 class="archive-title">Thứ Sáu, 29/09/2017</h1>' in html


# View by date -----------------------------------------------------------------------------------------------


def test_by_date_redirects_to_the_day(client, around_midnight):
    response = client.get("/by-date/", {"date": "2017-09-29"})
    assert response.status_code == 302
    assert response["Location"] == "/2017/09/29/"


def test_by_date_keeps_the_section(client, around_midnight):
    response = client.get("/by-date/", {"date": "2017-09-29", "section": "dia-phuong"})
    assert response["Location"] == "/2017/09/29/?section=dia-phuong"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "typed",
    ["29/09/2017", "29/9/2017", "29-09-2017", "29.09.2017", " 29/09/2017 ", "2017-09-29", "Sep 29, 2017"],
)
def test_by_date_reads_the_day_as_readers_write_it(client, around_midnight, typed):
    """Day first, as the paper prints dates; the ISO date of the address contract (`?date=2017-09-29`) still works."""
    response = client.get("/by-date/", {"date": typed})
    assert response.status_code == 302
    assert response["Location"] == "/2017/09/29/"


@pytest.mark.parametrize(("prefix", "placeholder"), [("", "ngày/tháng/năm"), ("/en", "dd/mm/yyyy")])
def test_the_date_field_says_day_month_year_in_the_page_language(
    client, around_midnight, prefix, placeholder
):
    """Not a browser date input, which shows its own language's order (mm/dd/yyyy in an English browser)."""
    html = client.get(f"{prefix}/2017/").content.decode()
    field = re.search(r'<input id="by-date-date"[^>]*>', html).group()
    assert 'type="text"' in field and 'type="date"' not in field
    assert f'placeholder="{placeholder}"' in field


def test_by_date_in_english_stays_in_english(client, around_midnight):
    response = client.get("/en/by-date/", {"date": "2017-09-29"})
    assert response["Location"] == "/en/2017/09/29/"


def test_by_date_accepts_today(client):
    today = timezone.localdate()
    response = client.get("/by-date/", {"date": today.isoformat()})
    assert response["Location"] == f"/{today:%Y/%m/%d}/"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date": "2017-02-30"}, "Hãy nhập một ngày có thật theo dạng ngày/tháng/năm, ví dụ 29/09/2017."),
        ({"date": "30/02/2017"}, "Hãy nhập một ngày có thật theo dạng ngày/tháng/năm"),
        ({"date": "abc"}, "Hãy nhập một ngày có thật theo dạng ngày/tháng/năm"),
        ({"date": "29/09/17"}, "Hãy nhập một ngày có thật theo dạng ngày/tháng/năm"),
        ({"date": "99999-01-01"}, "Hãy nhập một ngày có thật theo dạng ngày/tháng/năm"),
        ({"date": ""}, "Hãy chọn một ngày."),
        ({}, "Hãy chọn một ngày."),
        ({"date": "9999-12-31"}, "Ngày này chưa tới; hãy chọn hôm nay hoặc một ngày trước đó."),
        ({"date": "2017-09-29", "section": "khong-co"}, "Không có chuyên mục này."),
    ],
)
def test_by_date_bad_input_answers_400_with_the_form_and_the_reason(client, around_midnight, query, message):
    response = client.get("/by-date/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert '<form class="by-date-form" action="/by-date/" method="get">' in html
    assert 'aria-invalid="true" aria-describedby="by-date-errors"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_by_date_rejects_tomorrow(client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.get("/by-date/", {"date": tomorrow.isoformat()})
    assert response.status_code == 400


def test_by_date_shows_what_was_typed_escaped(client):
    response = client.get("/by-date/", {"date": '"><script>alert(1)</script>'})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_by_date_explains_in_english_too(client):
    response = client.get("/en/by-date/", {"date": "2017-02-30"})
    assert response.status_code == 400
    assert "Enter a real day as day/month/year, e.g. 29/09/2017." in response.content.decode()


def test_a_busy_day_is_listed_a_page_at_a_time(client):
    local = timezone.get_default_timezone()
    start = datetime.datetime(2024, 3, 8, 6, 0, tzinfo=local)
    home, other = make_section(name="Thời sự", slug="thoi-su"), make_section(name="Kinh tế", slug="kinh-te")
    for number in range(35):
        make_article(
            title=f"Tin số {number:02d}",
            section=home if number % 12 else other,
            published_at=start + datetime.timedelta(minutes=10 * number),
        )
    first = main_column(client.get("/2024/03/08/").content.decode())
    assert "Có 35 bài được đăng trong ngày này." in first
    assert re.findall(r"Tin số (\d\d)", first) == [f"{n:02d}" for n in range(34, 4, -1)]  # the newest 30
    assert 'rel="next" href="?page=2"' in first
    second = main_column(client.get("/2024/03/08/?page=2").content.decode())
    assert re.findall(r"Tin số (\d\d)", second) == ["04", "03", "02", "01", "00"]
    filtered = main_column(client.get("/2024/03/08/?section=thoi-su").content.decode())
    assert (
        "Có 32 bài được đăng trong ngày này." in filtered and 'href="?section=thoi-su&amp;page=2"' in filtered
    )
    assert client.get("/2024/03/08/?page=3").status_code == 404
    assert client.get("/2024/03/08/?page=abc").status_code == 404
