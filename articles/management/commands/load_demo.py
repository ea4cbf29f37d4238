"""Load the demo newsroom: sections, people (a reporter, an editor for every section, an editor on the culture and
travel desk, a chief editor), the reference article, a few hundred everyday articles (a few with embedded videos and
posts, a few corrected), a few articles at each step of the editorial workflow, and the reference article's address
on the paper's previous site as a redirect, a front page arranged by the desk, and a week of readers for the "most
read" blocks.

Idempotent: everything is looked up before it is created, so a second run changes nothing. Articles are published
through articles.workflow like any other (submitted and published by the demo editor), without e-mails.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles import search, workflow
from articles.demo import images
from articles.demo.newsroom import BYLINES, SECTIONS, WORKFLOW_ARTICLES, generated_articles
from articles.demo.reference import OTHER_NEWS_ARTICLE, REFERENCE_ARTICLE
from articles.models import Article, ArticleByline, Byline, Embed, Photo, PullQuote
from articles.roles import ensure_roles
from frontpage.models import FrontPage, Place, Slot
from newsroom.site_url import site_url
from readership import counting
from readership.models import ArticleReadCount
from redirects.models import Redirect, Source
from sections.models import Section

DEMO_ACCOUNTS = [
    # username, password, group, byline (or the name of someone without one), superuser
    ("reporter", "reporter-demo-2026", "Reporters", "Phạm Tăng", False),
    ("editor", "editor-demo-2026", "Editors", "Hoàng Nga", False),
    ("vanhoa", "vanhoa-demo-2026", "Editors", "Ngọc Lan", False),
    ("chief", "chief-demo-2026", "Chief editors", "Trần Quang", False),
    ("admin", "admin-demo-2026", None, None, True),
]
# The editors who sit on a desk; the others work on every section.
DEMO_DESKS = {"vanhoa": ["van-hoa", "du-lich"]}
# A few corrections, made by the chief editor on generated articles (by their number).
DEMO_CORRECTIONS = {
    2: "Bản trước ghi nhầm tên xã là Hải Xuân; đúng là xã Hải Đông.",
    7: "Số liệu thu ngân sách được sửa từ 1.200 tỷ đồng thành 1.020 tỷ đồng theo báo cáo chính thức của Sở Tài chính.",
    10: "Ảnh trong bài được chú thích lại cho đúng địa điểm: khu vực cảng Cái Rồng, không phải cảng Vạn Hoa.",
}
# The address the reference article had on the paper's previous site.
DEMO_REDIRECT = "/tin-tuc/2017/09/xac-dinh-nhiem-vu-trong-tam-cu-the.htm"


class Command(BaseCommand):
    help = "Load the demo newsroom (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, default=360, help="How many everyday articles to generate."
        )
        parser.add_argument(
            "--url",
            default="",
            help="The address the site will be served at, for the printed login line (make run passes its own).",
        )

    def handle(self, *args, articles, url, **options):
        # Each article is indexed once, after its photos, quotes, bylines and tags, not after each of them.
        with transaction.atomic(), search.deferred():
            sections = self.load_sections()
            bylines = self.load_bylines()
            self.accounts = self.load_accounts(bylines)
            created = 0
            for number, data in enumerate([REFERENCE_ARTICLE, OTHER_NEWS_ARTICLE]):
                published_at = datetime.datetime(
                    *data["published_at"], tzinfo=timezone.get_default_timezone()
                )
                data = {**data, "bylines": [data["byline"]]}
                created += self.load_article(data, published_at, sections, bylines, photo_seed=number)
            now = timezone.now().replace(second=0, microsecond=0)
            generated = []
            for number, data in enumerate(generated_articles(articles), start=100):
                published_at = now - datetime.timedelta(minutes=data["minutes_ago"])
                created += self.load_article(data, published_at, sections, bylines, photo_seed=number)
                generated.append(data)
            created += self.load_workflow_articles(sections, bylines)
            self.load_desks(sections)
            self.load_corrections(generated, sections)
            self.load_redirect()
            self.load_front_page(sections)
            self.load_read_counts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo newsroom ready: {Section.objects.count()} sections, {Byline.objects.count()} bylines, "
                f"{Article.objects.count()} articles ({created} new)."
            )
        )
        admin_url = (url.rstrip("/") or site_url()) + reverse("admin:index")
        self.stdout.write(f"Demo logins ({admin_url}):")
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
        roles = ensure_roles()
        accounts = {}
        for username, password, group_name, byline_name, superuser in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                # Vietnamese names read family name first: the whole name goes in one field, in its order.
                user = User(
                    username=username,
                    email=f"{username}@example.com",
                    first_name=byline_name or "",
                    is_staff=True,
                )
                user.is_superuser = superuser
                user.set_password(password)
                user.save()
            if group_name:
                user.groups.add(roles[group_name])
            if byline_name in bylines and bylines[byline_name].user_id is None:
                bylines[byline_name].user = user
                bylines[byline_name].save(update_fields=["user"])
            accounts[username] = User.objects.get(pk=user.pk)  # fresh: permissions of the groups just added
        return accounts

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
        )
        article.tags.set(data["tags"])
        for position, name in enumerate(data["bylines"]):
            ArticleByline.objects.create(article=article, byline=bylines[name], position=position)
        if data.get("pull_quote"):
            PullQuote.objects.create(article=article, **data["pull_quote"])
        if data.get("embed"):
            Embed.objects.create(article=article, **data["embed"])
        if data.get("photo"):
            size = (1200, 800) if photo_seed < 100 else (960, 640)
            Photo.objects.create(
                article=article, image=images.bay_photo(photo_seed, *size), is_lead=True, **data["photo"]
            )
        # The chief editor publishes the archive: some of it carries the demo editor's own byline, and nobody
        # else may publish their own work (the four-eyes rule).
        chief = self.accounts["chief"]
        workflow.perform(article, "submit", chief, notify=False)
        workflow.perform(article, "publish", chief, when=published_at, notify=False)
        return 1

    def load_workflow_articles(self, sections, bylines):
        """A draft, one in review assigned to the editor, one approved, one scheduled, one sent back."""
        created = 0
        reporter = self.accounts["reporter"]
        for data in WORKFLOW_ARTICLES:
            section = sections[data["section"]]
            if Article.objects.filter(section=section, title=data["title"]).exists():
                continue
            article = Article.objects.create(
                title=data["title"],
                section=section,
                lead=data["lead"],
                body="\n".join(f"<p>{escape(text)}</p>" for text in data["body"]),
                created_by=reporter,
            )
            ArticleByline.objects.create(article=article, byline=bylines["Phạm Tăng"], position=0)
            for name, username, options in data["steps"]:
                options = dict(options)
                if "editor" in options:
                    options["editor"] = self.accounts[options["editor"]]
                if options.get("when") == "tomorrow 06:00":
                    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
                    options["when"] = datetime.datetime.combine(
                        tomorrow, datetime.time(6, 0), tzinfo=timezone.get_default_timezone()
                    )
                article = workflow.perform(article, name, self.accounts[username], notify=False, **options)
            created += 1
        return created

    def load_desks(self, sections):
        for username, slugs in DEMO_DESKS.items():
            self.accounts[username].desks.add(*(sections[slug] for slug in slugs))

    def load_corrections(self, generated, sections):
        """Corrections with a note for readers, listed on /dinh-chinh/ (once: a second run finds them there)."""
        for number, note in DEMO_CORRECTIONS.items():
            if number >= len(generated):
                continue
            data = generated[number]
            article = Article.objects.filter(section=sections[data["section"]], title=data["title"]).first()
            if article is None or article.corrections.exists() or not article.is_published:
                continue
            workflow.perform(article, "correct", self.accounts["chief"], note=note, notify=False)

    def load_front_page(self, sections):
        """The home page as an editor arranged it: a lead with a photo, a featured row, two sections' stories."""
        front_page = FrontPage.current()
        if front_page.slots.exists():
            return
        with_photo = list(
            Article.objects.published().filter(photos__is_lead=True).order_by("-published_at", "-pk")[:40]
        )
        if len(with_photo) < 8:
            return
        # Not simply the newest: what the desk finds most important today, a few hours old.
        lead, *featured = with_photo[3:9]
        slots = [Slot(place=Place.LEAD, article=lead)]
        slots += [
            Slot(place=Place.FEATURED, article=article, position=n) for n, article in enumerate(featured, 1)
        ]
        for slug in ("van-hoa", "du-lich"):
            chosen = next((a for a in with_photo[9:] if a.section_id == sections[slug].pk), None)
            if chosen is not None:
                slots.append(Slot(place=Place.SECTION, section=sections[slug], article=chosen))
        for slot in slots:
            slot.front_page = front_page
            slot.save()
        front_page.changed_by = self.accounts["editor"]
        front_page.save()

    def load_read_counts(self):
        """A week of readers, so that the "most read" blocks have something to show (once)."""
        if ArticleReadCount.objects.exists():
            return
        articles = list(Article.objects.published().order_by("-published_at", "-pk")[:80])
        hour = counting.hour_now()
        rows = []
        for rank, article in enumerate(articles):
            age = (timezone.now() - article.published_at).total_seconds() // 3600
            # Some stories draw more readers than others, and not the same ones today as earlier in the week.
            earlier, today = 5 + 997 * (rank + 3) % 89, 5 + 991 * (rank + 7) % 83
            for back in range(1, min(int(age), 24 * 7 - 1) + 1, 3):  # the hours since it came out
                reads = today if back < 24 else max(1, earlier // (back // 24))
                rows.append(
                    ArticleReadCount(article=article, hour=counting.hour_start(hour - back), count=reads)
                )
        ArticleReadCount.objects.bulk_create(rows, ignore_conflicts=True)

    def load_redirect(self):
        reference = Article.objects.get(slug="xac-dinh-nhiem-vu-trong-tam-cu-the", published_on__year=2017)
        Redirect.objects.point(DEMO_REDIRECT, reference, source=Source.IMPORT, user=self.accounts["admin"])
