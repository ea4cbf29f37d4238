"""Old addresses that lead readers on: every address an article ever had, and those editors add by hand.

A redirect is asked only where the site has no page (redirects.middleware), so it can never hide a live page. The
table holds no chains: what a redirect leads to is a page, never another redirect's old address
(`Redirect.objects.point` follows a target that is an old address, and repoints the redirects that led to an
address which becomes an old address in its turn).

Other apps call `Redirect.objects.point(old_path, article, source=Source.IMPORT)`, or with `target_path=` for an
address that is no article.
"""

import datetime
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_save
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from articles.cachekeys import REDIRECTS
from articles.models import Article, Byline, Tag, article_path
from articles.signals import REPUBLISHED, SLUG_CHANGED
from pagecache.journal import invalidate
from sections.models import Section

MAX_LENGTH = 500
# Served as files before any view runs: a redirect there could never answer.
FILE_PREFIXES = ("/static/", "/media/")
# Parameters that tell a marketing campaign or a click, not a page: a shared link still finds its redirect.
TRACKING_PARAMETER = re.compile(r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|zarsrc|_ga)$")


class Source(models.TextChoices):
    SLUG_CHANGED = SLUG_CHANGED, _("Slug changed")
    REPUBLISHED = REPUBLISHED, _("Republished on another day")
    MANUAL = "manual", _("Added by hand")
    IMPORT = "import", _("Imported archive")


def _without_language_prefix(path):
    """ "/en/2017/…" -> "/2017/…": a redirect serves every language from one row."""
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if code != settings.LANGUAGE_CODE and path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


def _query(pairs):
    return urlencode(sorted(pairs))


def normalise(address):
    """The key of an address: path and query only, no host, no language prefix, the query's order settled.

    "https://old.example/en/Tin-t%E1%BB%A9c/?b=2&a=1" -> "/Tin-tức/?a=1&b=2"; "2017/09/29/x/" -> "/2017/09/29/x/".
    """
    parts = urlsplit(str(address).strip())
    path = "/" + unquote(parts.path).lstrip("/")  # one leading slash: "//host/x" is no local path
    query = _query(parse_qsl(parts.query, keep_blank_values=True))
    path = _without_language_prefix(path)
    return f"{path}?{query}" if query else path


def local_target(address):
    """A target typed by an editor, as a path on this site; ValidationError for another site's address."""
    parts = urlsplit(str(address).strip())
    ours = urlsplit(settings.NEWSROOM["SITE_URL"]).netloc
    if (parts.scheme and parts.scheme not in ("http", "https")) or (parts.netloc and parts.netloc != ours):
        raise ValidationError(
            _("Only addresses on this site can be a target, e.g. “/dia-phuong/”."), code="foreign"
        )
    return normalise(address)


def request_keys(path_info, query_string):
    """The keys a request may match, most specific first: with its query, without tracking tags, path alone."""
    path = _without_language_prefix(path_info)
    pairs = parse_qsl(query_string, keep_blank_values=True)
    keys = []
    if pairs:
        keys.append(f"{path}?{_query(pairs)}")
        kept = [(name, value) for name, value in pairs if not TRACKING_PARAMETER.match(name)]
        if kept:
            keys.append(f"{path}?{_query(kept)}")
    keys.append(path)
    return list(dict.fromkeys(keys))


def published_article_at(path):
    """The published article whose address `path` is, or None."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    if match.view_name != "articles:detail":
        return None
    kwargs = match.kwargs
    try:
        day = datetime.date(kwargs["year"], kwargs["month"], kwargs["day"])
    except ValueError:  # 30 February
        return None
    return Article.objects.published().filter(published_on=day, slug=kwargs["slug"]).first()


def shows_a_page(path):
    """Whether the site itself answers `path` (a path without query): a redirect from there would never be used."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(path)
        except Resolver404:
            return False
    slug = match.kwargs.get("slug")
    if match.view_name == "articles:detail":
        return published_article_at(path) is not None
    if match.view_name.startswith("sections:"):
        return Section.objects.filter(slug=slug).exists()
    if match.view_name == "articles:author":
        return Byline.objects.filter(slug=slug).exists()
    if match.view_name == "articles:tag":
        return Tag.objects.filter(slug=slug).exists()
    return True  # the front page, archives, search, feeds, the admin: the site's own addresses


class RedirectQuerySet(models.QuerySet):
    def point(self, old_path, article=None, *, target_path="", source=Source.MANUAL, user=None):
        """Make `old_path` answer 301 to `article` (wherever it moves later) or to `target_path` on this site.

        Creates the redirect, or repoints the one already there. A target that is itself an old address is
        followed, and the redirects that led to `old_path` now lead where it does: no chains. Raises
        ValidationError for a loop, an address where the site shows a page, or a target on another site.
        """
        key = normalise(old_path)
        redirect = self.filter(old_path=key).first() or self.model(old_path=key)
        redirect.article, redirect.target_path = article, target_path
        redirect.source, redirect.changed_by = source, user
        redirect.full_clean(validate_unique=False)
        redirect.save()
        self.collapse_onto(redirect)
        return redirect

    def collapse_onto(self, redirect):
        """The redirects that led to `redirect`'s old address lead straight to where it leads now."""
        self.filter(target_path=redirect.old_path).exclude(pk=redirect.pk).update(
            article=redirect.article, target_path=redirect.target_path
        )

    def for_request(self, path_info, query_string, *, with_query_only=False):
        """The redirects a request may match, most specific first, in one indexed query."""
        keys = request_keys(path_info, query_string)
        if with_query_only:
            keys = [key for key in keys if "?" in key]
        if not keys:
            return []
        found = {
            redirect.old_path: redirect
            for redirect in self.filter(old_path__in=keys)
            .order_by()  # at most three rows: no sort
            .select_related("article")
            .only(
                "old_path",
                "target_path",
                "article__slug",
                "article__published_on",
                "article__published_at",
                "article__status",
            )
        }
        return [found[key] for key in keys if key in found]


class Redirect(models.Model):
    old_path = models.CharField(
        _("old address"),
        max_length=MAX_LENGTH,
        unique=True,
        help_text=_(
            "The address readers still use, without the site's name: “/2017/09/29/old-title/” or “/?p=123”. "
            "It works in both languages."
        ),
        error_messages={"unique": _("A redirect from this address already exists.")},
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="redirects",
        help_text=_("Leads to the article wherever it moves later. Choose an article or type an address."),
    )
    target_path = models.CharField(
        _("new address"),
        max_length=MAX_LENGTH,
        blank=True,
        help_text=_("An address on this site, e.g. “/dia-phuong/”, when the target is not an article."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("at"), auto_now=True)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(article__isnull=False, target_path="")
                | (models.Q(article__isnull=True) & ~models.Q(target_path="")),
                name="redirect_has_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.old_path} → {self.destination() or '—'}"

    def clean(self):
        self.old_path = normalise(self.old_path)
        if self.old_path.startswith(FILE_PREFIXES):
            raise ValidationError(
                {"old_path": _("Files are served there, not pages: no redirect can answer.")}
            )
        if "?" not in self.old_path and shows_a_page(self.old_path):
            raise ValidationError(
                {
                    "old_path": _(
                        "“%(path)s” shows a page of the site: a redirect from it would never be used."
                    )
                    % {"path": self.old_path}
                }
            )
        if self.article_id is None:
            self._resolve_target()
        elif self.target_path:
            raise ValidationError(_("Choose an article or type an address, not both."))
        if self.destination_path() == self.old_path:
            raise ValidationError(_("This redirect would lead back to its own address."), code="loop")

    def _resolve_target(self):
        if not self.target_path.strip():
            raise ValidationError({"target_path": _("Choose an article or type the address to lead to.")})
        try:
            target = local_target(self.target_path)
        except ValidationError as error:
            raise ValidationError({"target_path": error.messages}) from None
        # A target that is an old address leads where that redirect leads (one step: the table holds no chains).
        onward = (
            Redirect.objects.filter(old_path=target).exclude(pk=self.pk).select_related("article").first()
        )
        if onward is not None:
            self.article, self.target_path = onward.article, onward.target_path
            return
        # An article's address becomes the article, so that the redirect follows it when it moves.
        article = published_article_at(target) if "?" not in target else None
        self.article, self.target_path = (article, "") if article else (None, target)

    def destination_path(self):
        """Where the redirect leads in the default language, whether or not its article is online."""
        if self.article_id:
            return (
                article_path(self.article.published_on, self.article.slug)
                if self.article.published_on
                else None
            )
        return self.target_path

    def destination(self, language=None):
        """Where the redirect leads now in `language`, or None while its article is not online."""
        if self.article_id and not self.article.is_published:
            return None
        path = self.destination_path()
        language = language or settings.LANGUAGE_CODE
        if language == settings.LANGUAGE_CODE:
            return path
        with translation.override(settings.LANGUAGE_CODE):
            return translate_url(path, language)


def follow_moved_article(sender, article, old_path, reason, **kwargs):
    """An article moved: its former address leads to it, and its new one is a page, no longer a redirect."""
    by = article.status_changed_by if reason == REPUBLISHED else article.last_edited_by
    Redirect.objects.point(old_path, article, source=Source(reason), user=by)
    Redirect.objects.filter(old_path=article_path(article.published_on, article.slug)).delete()


ANSWER_FIELDS = ("old_path", "article_id", "target_path")


def remember_answer(sender, instance, raw=False, **kwargs):
    """What the redirect answered before this save (nothing for a new one)."""
    if not raw and instance.pk is not None:
        instance._answer_before = sender.objects.filter(pk=instance.pk).values_list(*ANSWER_FIELDS).first()


def redirects_changed(sender, instance, raw=False, created=False, **kwargs):
    """Cached 301s and 404s name the redirects' key (articles.cachekeys.REDIRECTS): stale once what a redirect
    answers changes (a new one, a deleted one, another target); saving it unchanged changes nothing."""
    if raw:
        return
    now = tuple(getattr(instance, name) for name in ANSWER_FIELDS)
    if kwargs.get("signal") is post_save and not created and getattr(instance, "_answer_before", None) == now:
        return
    invalidate({REDIRECTS}, reason=f"redirect {instance.old_path}", using=kwargs.get("using"))
