"""The admin login: lock-out after repeated failures, staff sessions that expire, passwords Django's validators accept."""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-test-password-2026"


@pytest.fixture
def reporter():
    return make_user("reporter", password=PASSWORD, groups=["Reporters"])


def sign_in(client, username="reporter", password=PASSWORD, address="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client):
    return client.get("/admin/").status_code == 200


def fail(client, times, username="reporter", address="198.51.100.7"):
    return [sign_in(client, username, "wrong-password", address).status_code for _ in range(times)]


def test_the_fifth_wrong_password_locks_the_account_from_that_address(client, reporter):
    assert fail(client, 4) == [200, 200, 200, 200]  # the login form again, with its error
    locked = sign_in(client, password="wrong-password")
    assert locked.status_code == 429
    assert sign_in(client).status_code == 429  # even the right password, while locked
    assert not signed_in(client)


def test_the_lock_out_page_says_what_happened_in_vietnamese(client, reporter):
    fail(client, 5)
    response = sign_in(client)
    assert "admin/locked_out.html" in [template.name for template in response.templates]
    page = response.content.decode()
    with translation.override("vi"):
        title = gettext("Sign-in temporarily locked")
        wait = gettext(
            "Try again in %(minutes)s minutes. Every new attempt before then starts the wait again."
        )
    assert title != "Sign-in temporarily locked"  # translated, not the English msgid
    assert title in page and wait % {"minutes": 15} in page
    assert 'lang="vi"' in page and 'href="/admin/login/"' in page


def test_the_lock_holds_only_that_username_from_that_address(client, reporter):
    make_user("editor", password=PASSWORD, groups=["Editors"])
    fail(client, 5)
    assert sign_in(client, address="203.0.113.9").status_code == 302  # the reporter, from another address
    client.logout()
    assert sign_in(client, username="editor").status_code == 302  # another account, from the same address


def test_the_lock_lifts_after_the_cool_off(client, reporter):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail(client, 5)
        clock.shift(datetime.timedelta(minutes=14))
        assert sign_in(client).status_code == 429  # and this attempt starts the 15 minutes again
        clock.shift(datetime.timedelta(minutes=14))
        assert sign_in(client).status_code == 429
        clock.shift(datetime.timedelta(minutes=16))
        assert sign_in(client).status_code == 302
        assert signed_in(client)


def test_a_successful_login_resets_the_count(client, reporter):
    fail(client, 4)
    assert sign_in(client).status_code == 302
    client.logout()
    assert fail(client, 4) == [200, 200, 200, 200]
    assert sign_in(client).status_code == 302


def test_the_failure_limit_is_a_setting(client, reporter, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert fail(client, 2) == [200, 429]


def through_proxy(client, client_address, password, proxy="127.0.0.1", claimed="10.9.9.9"):
    """A login through a proxy: the client may send its own X-Forwarded-For; the proxy appends what it really saw."""
    data = {"username": "reporter", "password": password}
    forwarded = f"{claimed}, {client_address}"
    return client.post(LOGIN, data, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded).status_code


def test_by_default_a_proxy_on_our_own_network_does_not_lock_everyone_out(client, reporter, settings):
    """The set-up that locked the newsroom out: nginx in front, nothing configured (TRUSTED_PROXY_COUNT unset)."""
    assert settings.TRUSTED_PROXY_COUNT is None
    assert [through_proxy(client, "203.0.113.5", "wrong") for _ in range(5)][-1] == 429
    # The guesser stays locked however it fills in its own part of the header…
    assert through_proxy(client, "203.0.113.5", PASSWORD, claimed="198.51.100.20") == 429
    # …and the reporter, from an address with no failures, signs in with the right password.
    assert through_proxy(client, "198.51.100.20", PASSWORD) == 302
    client.logout()
    # The same through a proxy on a private network.
    assert through_proxy(client, "198.51.100.21", PASSWORD, proxy="10.0.0.1") == 302


def test_directly_on_the_internet_a_forged_header_cannot_escape_the_lock(client, reporter, settings):
    assert settings.TRUSTED_PROXY_COUNT is None

    def forged(number, password):
        data = {"username": "reporter", "password": password}
        header = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{number}"}
        return client.post(LOGIN, data, REMOTE_ADDR="203.0.113.5", **header).status_code

    assert [forged(number, "wrong") for number in range(5)][-1] == 429
    assert forged(99, PASSWORD) == 429  # the lock is on the address that connected
    assert sign_in(client, address="198.51.100.20").status_code == 302  # the reporter, elsewhere


def test_behind_a_counted_proxy_the_lock_follows_the_forwarded_client(client, reporter, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert [through_proxy(client, "203.0.113.5", "wrong", proxy="10.0.0.1") for _ in range(5)][-1] == 429
    assert through_proxy(client, "203.0.113.5", PASSWORD, proxy="10.0.0.1", claimed="1.2.3.4") == 429
    assert through_proxy(client, "198.51.100.20", PASSWORD, proxy="10.0.0.1") == 302


def test_a_count_of_zero_reads_only_the_connecting_address(client, reporter, settings):
    """For Django facing the internet with no proxy at all: the header is never read."""
    settings.TRUSTED_PROXY_COUNT = 0
    assert [through_proxy(client, "203.0.113.5", "wrong") for _ in range(5)][-1] == 429
    assert through_proxy(client, "198.51.100.20", PASSWORD) == 429  # everyone behind 127.0.0.1 is one client


def test_staff_sessions_expire_after_eight_hours(client, reporter):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert sign_in(client).status_code == 302
        clock.shift(datetime.timedelta(hours=7, minutes=59))
        assert signed_in(client)
        clock.shift(datetime.timedelta(minutes=2))
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


WEAK = [
    ("short", "Ab1!xyz", "password_too_short"),
    ("common", "password123", "password_too_common"),
    ("numeric", "48213957620", "password_entirely_numeric"),
    ("like the username", "reporter2026", "password_too_similar"),
]


@pytest.mark.parametrize(("label", "weak", "code"), WEAK, ids=[label for label, _weak, _code in WEAK])
def test_the_admin_refuses_a_weak_password_for_a_colleague(client, reporter, label, weak, code):
    client.force_login(make_user("admin", superuser=True))
    url = f"/admin/auth/user/{reporter.pk}/password/"
    response = client.post(url, {"password1": weak, "password2": weak, "usable_password": "true"})
    assert response.status_code == 200
    assert code in {error.code for error in response.context["form"].errors.as_data()["password2"]}
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


def test_the_admin_refuses_a_weak_password_for_oneself_and_accepts_a_strong_one(client, reporter):
    client.force_login(reporter)
    url = "/admin/password_change/"
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    codes = {error.code for error in weak.context["form"].errors.as_data()["new_password2"]}
    assert {"password_too_short", "password_too_common", "password_entirely_numeric"} <= codes
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)
    strong = "ngày-mai-trời-lại-sáng-7"
    assert (
        client.post(
            url, {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong}
        ).status_code
        == 302
    )
    reporter.refresh_from_db()
    assert reporter.check_password(strong)
