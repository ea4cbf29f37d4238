"""The editor of `make load`, run by scripts/load through `manage.py shell -c` with the site's settings.

LOAD_EDITOR_MODE=prepare: makes the editor's account and a pool of approved articles (seeded drafts, submitted and
approved through the workflow), and prints as JSON the addresses the readers will rotate over and the articles the
editor will correct.

LOAD_EDITOR_MODE=edit: for LOAD_SECONDS, every LOAD_EDIT_INTERVAL seconds, one step through articles.workflow, in
turn: publish an approved article now; correct a published one (a new title saved as a revision, then the
"correct" step with a note for readers); schedule an approved article a few seconds ahead; correct another. Prints
as JSON what it did, what failed, and what readers must now see.

Not a module to import: everything runs at the top level, as `shell -c` executes it.
"""

import datetime
import json
import os
import random
import time
import traceback

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from articles import revisions, workflow
from articles.models import Article, Revision, Status
from articles.roles import ensure_roles

SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
INTERVAL = float(os.environ.get("LOAD_EDIT_INTERVAL", "0.5"))
SCHEDULE_AHEAD = datetime.timedelta(seconds=float(os.environ.get("LOAD_SCHEDULE_AHEAD", "10")))
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
            done[action] += 1
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
            },
            ensure_ascii=False,
        )
    )


{"prepare": prepare, "edit": edit}[os.environ["LOAD_EDITOR_MODE"]]()
