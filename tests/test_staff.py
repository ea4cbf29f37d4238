"""Roles and staff accounts: the data migration's groups, `create_staff`, and the demo's workflow articles."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article, ArticleTransition, Byline, Status

from .factories import make_byline, make_user

User = get_user_model()


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_creates_the_roles_with_their_permissions():
    call_command("migrate", "articles", "0004_workflow", verbosity=0)  # unapplies the apps built on it too
    assert not Group.objects.filter(name__in=["Reporters", "Editors"]).exists()
    call_command("migrate", verbosity=0)  # every app: those that depend on articles went back with it
    reporters, editors = codenames("Reporters"), codenames("Editors")
    assert {"add_article", "change_article", "view_article", "submit_article", "add_photo"} <= reporters
    assert not reporters & {
        "approve_article",
        "publish_article",
        "unpublish_article",
        "correct_article",
        "assign_reviewer",
        "edit_all_articles",
        "delete_article",
        "change_section",
        "add_redirect",
        "view_redirect",
    }
    assert {
        "approve_article",
        "publish_article",
        "unpublish_article",
        "correct_article",
        "assign_reviewer",
        "edit_all_articles",
        "share_preview",
        "change_section",
        "change_byline",
        "view_articletransition",
        "add_redirect",
        "change_redirect",
    } <= editors


def run_create_staff(*args, **env):
    output = StringIO()
    call_command("create_staff", *args, stdout=output, stderr=output)
    return output.getvalue()


@pytest.mark.django_db
def test_create_staff_reads_the_password_from_the_environment(roles, monkeypatch):
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "Biển-Hạ-Long-2026")
    output = run_create_staff(
        "thanhhang", "--role", "reporter", "--name", "Thanh Hằng", "--email", "th@example.com"
    )
    user = User.objects.get(username="thanhhang")
    assert user.is_staff and not user.is_superuser and user.check_password("Biển-Hạ-Long-2026")
    assert [group.name for group in user.groups.all()] == ["Reporters"]
    assert user.get_full_name() == "Thanh Hằng" and user.email == "th@example.com"
    assert Byline.objects.get(user=user).name == "Thanh Hằng"
    assert "Created reporter “thanhhang” with the byline “Thanh Hằng”." in output
    assert user.has_perm("articles.submit_article") and not user.has_perm("articles.publish_article")


@pytest.mark.django_db
def test_create_staff_links_an_existing_byline(roles, monkeypatch):
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "Biển-Hạ-Long-2026")
    byline = make_byline(name="Hoàng Nga")
    run_create_staff("nga", "--role", "editor", "--byline", "Hoàng Nga")
    byline.refresh_from_db()
    assert byline.user.username == "nga" and byline.user.has_perm("articles.publish_article")


@pytest.mark.django_db
def test_create_staff_refuses_a_weak_password_from_the_environment(roles, monkeypatch):
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="NEWSROOM_STAFF_PASSWORD"):
        run_create_staff("yeu", "--role", "reporter")
    assert not User.objects.filter(username="yeu").exists()


@pytest.mark.django_db
def test_create_staff_asks_until_the_password_is_good(roles, monkeypatch):
    monkeypatch.delenv("NEWSROOM_STAFF_PASSWORD", raising=False)
    answers = iter(
        ["Mot-Mat-Khau-Dai", "khac-hẳn", "password", "password", "Cảng-Cái-Rồng-9", "Cảng-Cái-Rồng-9"]
    )
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    output = run_create_staff("manhtruong", "--role", "editor")
    assert "The two passwords differ; try again." in output
    assert "Mật khẩu này quá phổ biến." in output  # Django's own validators said why
    assert User.objects.get(username="manhtruong").check_password("Cảng-Cái-Rồng-9")
    assert next(answers, None) is None


@pytest.mark.django_db
def test_create_staff_refuses_what_exists(roles, monkeypatch):
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "Biển-Hạ-Long-2026")
    make_user("dacco", role="Reporters")
    with pytest.raises(CommandError, match="already exists"):
        run_create_staff("dacco", "--role", "editor")
    taken = make_byline(name="Lê Tùng", user=make_user("letung2"))
    with pytest.raises(CommandError, match="belongs to another account"):
        run_create_staff("letung", "--role", "reporter", "--byline", taken.name)
    assert not User.objects.filter(username="letung").exists()  # all or nothing
    with pytest.raises(CommandError):
        run_create_staff("ai-do", "--role", "admin")


@pytest.mark.django_db
def test_the_demo_has_an_article_at_each_step(frozen_now):
    call_command("load_demo", articles=0, stdout=StringIO())
    states = dict(Article.objects.filter(created_by__username="reporter").values_list("title", "status"))
    assert sorted(states.values()) == sorted(
        [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED, Status.DRAFT]
    )
    in_review = Article.objects.get(status=Status.IN_REVIEW, created_by__username="reporter")
    assert in_review.assigned_editor.username == "editor"
    scheduled = Article.objects.get(status=Status.PUBLISHED, created_by__username="reporter")
    assert timezone.localtime(scheduled.published_at) == frozen_now.replace(hour=6) + datetime.timedelta(
        days=1
    )
    sent_back = ArticleTransition.objects.get(name="send_back")
    assert sent_back.user.username == "editor" and "Ban Quản lý" in sent_back.comment
    # the archive is published through the workflow too
    reference = Article.objects.get(slug="xac-dinh-nhiem-vu-trong-tam-cu-the")
    assert list(reference.transitions.values_list("name", flat=True).order_by("at", "pk")) == [
        "submit",
        "publish",
    ]
    assert reference.published_at == datetime.datetime(
        2017, 9, 29, 7, 7, tzinfo=timezone.get_default_timezone()
    )
