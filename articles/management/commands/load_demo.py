"""Load the demo newsroom: sections, people, the reference article and a few hundred everyday articles.

Idempotent: everything is looked up before it is created, so a second run changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from articles import search
from articles.demo import images
from articles.demo.newsroom import BYLINES, SECTIONS, generated_articles
from articles.demo.reference import OTHER_NEWS_ARTICLE, REFERENCE_ARTICLE
from articles.models import Article, ArticleByline, Byline, Photo, PullQuote, Status
from sections.models import Section

DEMO_ACCOUNTS = [
    # username, password, group, byline, superuser
    ("reporter", "reporter-demo-2026", "Reporters", "Phạm Tăng", False),
    ("editor", "editor-demo-2026", "Editors", "Hoàng Nga", False),
    ("admin", "admin-demo-2026", None, None, True),
]


class Command(BaseCommand):
    help = "Load the demo newsroom (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, default=360, help="How many everyday articles to generate."
        )

    def handle(self, *args, articles, **options):
        # Each article is indexed once, after its photos, quotes, bylines and tags, not after each of them.
        with transaction.atomic(), search.deferred():
            sections = self.load_sections()
            bylines = self.load_bylines()
            self.load_accounts(bylines)
            created = 0
            for number, data in enumerate([REFERENCE_ARTICLE, OTHER_NEWS_ARTICLE]):
                published_at = datetime.datetime(
                    *data["published_at"], tzinfo=timezone.get_default_timezone()
                )
                data = {**data, "bylines": [data["byline"]]}
                created += self.load_article(data, published_at, sections, bylines, photo_seed=number)
            now = timezone.now().replace(second=0, microsecond=0)
            for number, data in enumerate(generated_articles(articles), start=100):
                published_at = now - datetime.timedelta(minutes=data["minutes_ago"])
                created += self.load_article(data, published_at, sections, bylines, photo_seed=number)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo newsroom ready: {Section.objects.count()} sections, {Byline.objects.count()} bylines, "
                f"{Article.objects.count()} articles ({created} new)."
            )
        )
        self.stdout.write("Demo logins (http://127.0.0.1:8000/admin/):")
        for username, password, group, _byline, _superuser in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<9} {password:<20} {group or 'superuser'}")

    def load_sections(self):
        sections = {}
        for position, (name, slug, description) in enumerate(SECTIONS, start=1):
            sections[slug], _ = Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "position": position * 10}
            )
        return sections

    def load_bylines(self):
        bylines = {}
        for name, role, bio in BYLINES:
            byline = Byline.objects.filter(name=name).first()
            bylines[name] = byline or Byline.objects.create(name=name, role=role, bio=bio)
        return bylines

    def load_accounts(self, bylines):
        User = get_user_model()
        for username, password, group_name, byline_name, superuser in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, email=f"{username}@example.com", is_staff=True)
                user.is_superuser = superuser
                user.set_password(password)
                user.save()
            if group_name:
                user.groups.add(Group.objects.get_or_create(name=group_name)[0])
            if byline_name and bylines[byline_name].user_id is None:
                bylines[byline_name].user = user
                bylines[byline_name].save(update_fields=["user"])

    def load_article(self, data, published_at, sections, bylines, photo_seed):
        """Create one published article with its children, unless it is already there."""
        section = sections[data["section"]]
        if Article.objects.filter(section=section, title=data["title"]).exists():
            return 0
        article = Article.objects.create(
            title=data["title"],
            section=section,
            lead=data["lead"],
            body="\n".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in data["body"]),
            status=Status.PUBLISHED,
            published_at=published_at,
        )
        article.tags.set(data["tags"])
        for position, name in enumerate(data["bylines"]):
            ArticleByline.objects.create(article=article, byline=bylines[name], position=position)
        if data.get("pull_quote"):
            PullQuote.objects.create(article=article, **data["pull_quote"])
        if data.get("photo"):
            size = (1200, 800) if photo_seed < 100 else (960, 640)
            Photo.objects.create(
                article=article, image=images.bay_photo(photo_seed, *size), is_lead=True, **data["photo"]
            )
        return 1
