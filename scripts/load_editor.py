"""The newsroom of `make load`, run by scripts/load through `manage.py shell -c` with the site's settings.

LOAD_EDITOR_MODE=prepare: makes the editor's account and a pool of approved articles (seeded drafts, submitted and
approved through the workflow), the reporters' accounts with a draft each, and prints as JSON the addresses the
readers will rotate over and the articles the editor will correct.

LOAD_EDITOR_MODE=edit: for LOAD_SECONDS, every LOAD_EDIT_INTERVAL seconds, one step through articles.workflow, in
turn: publish an approved article now; correct a published one (a new title saved as a revision, then the
"correct" step with a note for readers); schedule an approved article a few seconds ahead; correct another. After
each publication and correction it reads the article's page as an anonymous reader (LOAD_READER_BASE, through the
edge) until the change shows, and records how long that took after the commit. Prints as JSON what it did, what
failed, what readers must now see and how soon they saw it.

LOAD_EDITOR_MODE=reporters: LOAD_REPORTERS reporters (threads), each saving their own draft every
LOAD_REPORTER_INTERVAL seconds for LOAD_SECONDS, as the admin's save does (a new text, a revision). Drafts change
nothing readers see: the edge's hit ratio must not notice them.

Not a module to import: everything runs at the top level, as `shell -c` executes it.
"""

import datetime
import html
import json
import os
import random
import threading
import time
import traceback
import urllib.error
import urllib.request

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from articles import revisions, workflow
from articles.models import Article, Revision, Status
from articles.roles import ensure_roles

SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
INTERVAL = float(os.environ.get("LOAD_EDIT_INTERVAL", "0.5"))
SCHEDULE_AHEAD = datetime.timedelta(seconds=float(os.environ.get("LOAD_SCHEDULE_AHEAD", "10")))
REPORTERS = int(os.environ.get("LOAD_REPORTERS", "10"))
REPORTER_INTERVAL = float(os.environ.get("LOAD_REPORTER_INTERVAL", "2"))
READER_BASE = os.environ.get("LOAD_READER_BASE", "")
SEARCH_WORDS = [
    "quang ninh",
    "hop tac xa",
    "du lich",
    "nong thon moi",
    "giao duc",
    "ha long",
    "bong da",
    "ocop",
    "cam pha",
    "mong cai",
    "van don",
    "uong bi",
]


def editor_account():
    groups = ensure_roles()
    user, created = get_user_model().objects.get_or_create(
        username="load-editor", defaults={"is_staff": True, "first_name": "Biên tập viên tải"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(groups["Editors"])
    return user


def prepare():
    editor = editor_account()
    steps = int(SECONDS / INTERVAL) + 1
    wanted = steps // 2 + 5  # half the steps publish or schedule; a few spare
    pool = list(Article.objects.filter(status=Status.DRAFT).order_by("pk")[:wanted])
    if len(pool) < wanted:
        raise SystemExit(f"only {len(pool)} drafts to approve, {wanted} needed: seed more articles")
    for article in pool:
        workflow.perform(article, "submit", editor, notify=False)
        workflow.perform(article, "approve", editor, notify=False)
    reporter_accounts()

    rng = random.Random(7)
    published = Article.objects.published().select_related("section")
    sample = list(published.order_by("-published_at")[:4000:20])
    articles = [article.get_absolute_url() for article in sample]
    sections = sorted({article.section.slug for article in sample})
    today = timezone.localdate()
    days = [today, *sorted({article.published_on for article in sample}, reverse=True)]
    kinds = {
        "article": articles,
        "section": [
            f"/{slug}/?page={page}" if page > 1 else f"/{slug}/" for slug in sections for page in (1, 2, 3)
        ],
        "day archive": [f"/{day:%Y/%m/%d}/" for day in days],
        "search": [f"/search/?q={word.replace(' ', '+')}" for word in SEARCH_WORDS],
    }
    for urls in kinds.values():
        rng.shuffle(urls)
    # Round robin over the kinds, so that every stretch of the run reads each kind alike.
    longest = max(len(urls) for urls in kinds.values())
    rotation = [urls[i % len(urls)] for i in range(longest) for urls in kinds.values()]
    corrections = [{"id": article.pk, "title": article.title} for article in sample[:40]]
    print(
        json.dumps(
            {
                "pool": len(pool),
                "urls": rotation,
                "kinds": {k: len(v) for k, v in kinds.items()},
                "corrections": corrections,
            }
        )
    )


def reporter_accounts():
    """The reporters and one draft of their own each (made once; reused by a later run on the same database)."""
    groups = ensure_roles()
    drafts = []
    for number in range(REPORTERS):
        user, created = get_user_model().objects.get_or_create(
            username=f"load-reporter-{number}",
            defaults={"is_staff": True, "first_name": f"Phóng viên {number}"},
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(groups["Reporters"])
        draft = Article.objects.filter(created_by=user, status=Status.DRAFT).first()
        if draft is None:
            section = Article.objects.published().values_list("section_id", flat=True).first()
            draft = Article.objects.create(
                title=f"Bản nháp của phóng viên {number}",
                lead="Đang viết.",
                body="<p>Bản nháp.</p>",
                section_id=section,
                created_by=user,
            )
        drafts.append((user.pk, draft.pk))
    return drafts


def write_drafts():
    """Every reporter saving their own draft every REPORTER_INTERVAL seconds, as the admin's save does."""
    drafts = reporter_accounts()
    saves, errors = [0] * len(drafts), []
    started = time.monotonic()

    def reporter(index, user_id, draft_id):
        from django.db import connection

        user = get_user_model().objects.get(pk=user_id)
        rounds = 0
        try:
            while time.monotonic() - started < SECONDS:
                with transaction.atomic():
                    draft = Article.objects.select_for_update().get(pk=draft_id)
                    draft.body = f"<p>Bản nháp, lần lưu {rounds} của phóng viên {index}.</p>"
                    draft.version += 1
                    draft.save()
                    revisions.record(draft, user, Revision.Kind.SAVED)
                saves[index] += 1
                rounds += 1
                time.sleep(max(0.0, started + rounds * REPORTER_INTERVAL + index * 0.1 - time.monotonic()))
        except Exception as error:
            errors.append(f"reporter {index}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=reporter, args=(i, *pair)) for i, pair in enumerate(drafts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"saves": sum(saves), "reporters": len(drafts), "errors": errors}))


def seen_after(item, committed_at, limit=5.0):
    """Seconds from the commit until an anonymous reader at the edge finds the title on the page (None: never)."""
    if not READER_BASE:
        return None
    wanted = html.escape(item["title"], quote=False)
    while time.monotonic() - committed_at < limit:
        try:
            with urllib.request.urlopen(READER_BASE + item["url"], timeout=5) as response:
                if wanted in response.read().decode():
                    return time.monotonic() - committed_at
        except OSError:  # an error page or a slow answer: not seen yet, and the reader tries again
            pass
        time.sleep(0.02)
    return None


def correct(editor, item, number):
    """What an editor does in the admin: save the fixed text (a revision), then mark the correction."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=item["id"])
        article.title = f"{item['title']} (đính chính {number})"
        article.version += 1
        article.save()
        revisions.record(article, editor, Revision.Kind.SAVED)
    article = workflow.perform(article, "correct", editor, note=f"Sửa tiêu đề, lần {number}.")
    return {"url": article.get_absolute_url(), "title": article.title}


def publish(editor, when=None):
    article = Article.objects.filter(status=Status.APPROVED).order_by("pk").first()
    if article is None:
        raise RuntimeError("no approved article left in the pool")
    article = workflow.perform(article, "publish", editor, when=when)
    return {"url": article.get_absolute_url(), "title": article.title, "at": article.published_at.isoformat()}


def edit():
    editor = editor_account()
    corrections = json.loads(os.environ["LOAD_CORRECTIONS"])
    done = {"publish": 0, "correct": 0, "schedule": 0}
    errors, published, scheduled, corrected = [], [], [], []
    visible_after, never_seen, seen_by_step = [], [], {}
    started = time.monotonic()
    step = 0
    while time.monotonic() - started < SECONDS:
        action = ("publish", "correct", "schedule", "correct")[step % 4]
        try:
            if action == "publish":
                published.append(publish(editor))
            elif action == "schedule":
                scheduled.append(publish(editor, when=timezone.now() + SCHEDULE_AHEAD))
            else:
                corrected.append(correct(editor, corrections[step % len(corrections)], step))
            committed_at = time.monotonic()
            done[action] += 1
            if action != "schedule" and READER_BASE:
                item = (published if action == "publish" else corrected)[-1]
                delay = seen_after(item, committed_at)
                if delay is None:
                    never_seen.append(item["url"])
                else:
                    visible_after.append(round(delay, 3))
                    seen_by_step.setdefault(action, []).append(round(delay, 3))
        except Exception as error:  # counted and reported: the run fails on any
            errors.append(f"{action}: {error!r}\n{traceback.format_exc(limit=3)}")
        step += 1
        next_step = min(started + step * INTERVAL, started + SECONDS)
        time.sleep(max(0.0, next_step - time.monotonic()))
    print(
        json.dumps(
            {
                "done": done,
                "errors": errors,
                "seconds": round(time.monotonic() - started, 1),
                "last_corrected": corrected[-1] if corrected else None,
                "last_published": published[-1] if published else None,
                "scheduled": scheduled,
                "visible_after": visible_after,
                "seen_by_step": seen_by_step,
                "never_seen": never_seen,
            },
            ensure_ascii=False,
        )
    )


{"prepare": prepare, "edit": edit, "reporters": write_drafts}[os.environ["LOAD_EDITOR_MODE"]]()
