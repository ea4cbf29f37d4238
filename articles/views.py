import calendar
import datetime
import hashlib
import re

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncDay, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import DateDetailView, DayArchiveView, ListView, MonthArchiveView, YearArchiveView

from frontpage.models import FEATURED_PLACES, Place, live_slots
from pagecache.context import depends_on, expires_at
from pagecache.fragments import fragment, keeping
from pagecache.middleware import Policy, cacheable
from pagecache.templatetags.pagecache import fragment_name
from sections.models import Section, navigation

from . import cachekeys, cards, embeds, previews, search, workflow
from .forms import ByDateForm, SearchForm
from .models import Article, Byline, Correction, Tag, ids_in_one_query

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class PublishedArticleMixin:
    """Date-based views over what readers may see, optionally narrowed to one section (`?section=slug`)."""

    model = Article
    date_field = "published_on"
    month_format = "%m"
    day_format = "%d"
    # published() is the embargo gate: it compares the full time, not the date, so allow_future does no harm.
    allow_future = True
    # Emptiness is decided from the date list (one query), never by loading the articles.
    allow_empty = True
    ordering = ["-published_at", "-pk"]
    # A dated URL with nothing published is an answer about content too: cached, with its date's keys.
    pagecache = Policy(parameters=("section", "page"), not_found=True)

    def get_year(self):
        # Django reads the year with strptime's %Y, which wants four digits: /0999/ must not become "999".
        return f"{int(super().get_year()):04d}"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            depends_on(cachekeys.REDIRECTS)  # any address that finds nothing may become one that redirects
            raise

    def get_queryset(self):
        articles = Article.objects.published()
        if self.section_filter:
            articles = articles.filter(section=self.section_filter)
        return articles

    @property
    def section_filter(self):
        if not hasattr(self, "_section_filter"):
            slug = self.request.GET.get("section", "")
            if slug and not SLUG.fullmatch(slug):
                raise Http404(
                    _("There is no such section.")
                )  # before the database sees NUL bytes and the like
            self._section_filter = get_object_or_404(Section, slug=slug) if slug else None
        return self._section_filter

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """(date, number of articles) per month or day, in one query; 404 when there is none."""
        period = date_type or self.get_date_list_period()
        trunc = {"month": TruncMonth, "day": TruncDay}[period]
        rows = (
            queryset.order_by()
            .annotate(period=trunc(self.date_field))
            .values("period")
            .annotate(count=Count("pk"))
            .order_by("period" if ordering == "ASC" else "-period")
        )
        date_list = [(_as_date(row["period"]), row["count"]) for row in rows]
        if not date_list:
            raise Http404(_("No news was published in this period."))
        return date_list

    def nearest_day_with_news(self, before=None, after=None):
        """The closest publication date before or after a date, or None (kept as a fragment).

        The link it makes changes when anything is published in between: it depends on the span's keys.
        """
        section = self.section_filter.pk if self.section_filter else ""
        side = f"before:{before}" if before is not None else f"after:{after}"
        return fragment(f"nearest-day:{side}:{section}", lambda: self._nearest_day(before, after))

    def _nearest_day(self, before, after):
        if before is not None:
            articles, ordering = self.get_queryset().filter(published_on__lt=before), "-published_on"
        else:
            articles, ordering = self.get_queryset().filter(published_on__gte=after), "published_on"
        found = articles.order_by(ordering).values_list("published_on", flat=True).first()
        if before is not None:
            cachekeys.depends_on_window(found, before - datetime.timedelta(days=1) if found else None)
        else:
            cachekeys.depends_on_window(after, found)
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["section_filter"] = self.section_filter
        return context


def requested_date(view, day=True):
    """The date a dated URL names (the first of its month, or of its year), or None when there is no such date."""
    try:
        return datetime.date(
            int(view.get_year()),
            int(view.get_month()) if hasattr(view, "get_month") and view.kwargs.get("month") else 1,
            int(view.get_day()) if day and view.kwargs.get("day") else 1,
        )
    except (ValueError, TypeError, Http404):
        return None


def depends_on_date(key, date):
    if date is not None:
        depends_on(key(date))


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


class ArticleYearArchiveView(PublishedArticleMixin, YearArchiveView):
    """The twelve months of a year, each with how many articles it has."""

    def get_dated_items(self):
        depends_on_date(cachekeys.year, requested_date(self))
        return super().get_dated_items()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(context["date_list"])
        year = context["year"].year
        context["months"] = [
            (month, counts.get(month))
            for month in (datetime.date(year, number, 1) for number in range(1, 13))
        ]
        return context

    def get_previous_year(self, date):
        return self.nearest_day_with_news(before=date)

    def get_next_year(self, date):
        return self.nearest_day_with_news(after=self._get_next_year(date))


WEEKDAYS = [
    # Column heads of the month calendar: (abbreviation, full name), Monday first as Vietnamese calendars print.
    (pgettext_lazy("weekday", "Mon"), _("Monday")),
    (pgettext_lazy("weekday", "Tue"), _("Tuesday")),
    (pgettext_lazy("weekday", "Wed"), _("Wednesday")),
    (pgettext_lazy("weekday", "Thu"), _("Thursday")),
    (pgettext_lazy("weekday", "Fri"), _("Friday")),
    (pgettext_lazy("weekday", "Sat"), _("Saturday")),
    (pgettext_lazy("weekday", "Sun"), _("Sunday")),
]


class ArticleMonthArchiveView(PublishedArticleMixin, MonthArchiveView):
    """A calendar of the month: each day that has news links to it, with how many articles it has."""

    def get_dated_items(self):
        depends_on_date(cachekeys.month, requested_date(self))
        date_list, _articles, extra = super().get_dated_items()
        return date_list, Article.objects.none(), extra

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = context["month"]
        counts = dict(context["date_list"])
        weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(month.year, month.month)
        context["weekdays"] = WEEKDAYS
        context["weeks"] = [
            [(day, counts.get(day)) if day.month == month.month else (None, None) for day in week]
            for week in weeks
        ]
        return context

    def get_previous_month(self, date):
        return self.nearest_day_with_news(before=date)

    def get_next_month(self, date):
        return self.nearest_day_with_news(after=self._get_next_month(date))


def next_midnight():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))


def page_range(page):
    """The page numbers a listing's pagination shows: the ends and two either side of this page."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


class KeptPaginator(Paginator):
    """A paginator whose list may name its keys (`kept_as`): its count and each page's ids are then kept as
    fragments, given way when the list changes."""

    kept_as = None  # (name, keys) of a list whose pages are kept
    is_capped = False

    @cached_property
    def count(self):
        if self.kept_as:
            name, keys = self.kept_as
            return fragment(f"count:{name}", self.counted, keys=keys)
        return self.counted()

    def counted(self):
        # Without the order: it does not change how many there are, and a ranked order costs a sort.
        return self.object_list.order_by().count()

    def page(self, number):
        page = super().page(number)
        if self.kept_as:
            name, keys = self.kept_as
            rows = page.object_list
            page.object_list = fragment(f"ids:{name}:{page.number}", lambda: list(rows), keys=keys)
        return page


class CappedPaginator(KeptPaginator):
    """Counts no further than `max_pages`: a section of a million articles is not COUNT(*)ed on every request.

    Readers reach anything older through the dated archives, which the last page links to.
    """

    max_pages = 50

    def counted(self):
        cap = self.per_page * self.max_pages
        known = getattr(self.object_list, "match_count", None)  # search results come counted
        return min(known, cap) if known is not None else self.object_list.order_by()[:cap].count()

    @property
    def is_capped(self):
        return self.count >= self.per_page * self.max_pages


class KeptCards:
    """A paginated list of articles printed as cards (articles.cards).

    While fragments are kept, a page reads its articles' ids, not the articles: the count and each page's ids are
    kept under the list's keys (`listing_keys`), every card is kept by itself, and only the articles of cards not
    kept are loaded.
    """

    paginator_class = CappedPaginator
    # What each card prints besides its title and time: a section page does not repeat its own name on every card.
    card_shows_section = True
    card_shows_bylines = False

    def listing_keys(self):
        """The keys of everything the list shows, once get_queryset() has run; None for a list not kept (search)."""
        return None

    def listing_name(self):
        """What tells this list's kept pages apart from other lists'."""
        return f"{type(self).__name__}:{'-'.join(sorted(self.listing_keys()))}"

    def kept_listing(self):
        return self.listing_keys() is not None and keeping()

    def paginate_queryset(self, queryset, page_size):
        if self.kept_listing():
            queryset = queryset.prefetch_related(None).values_list("pk", flat=True)
        return super().paginate_queryset(queryset, page_size)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.kept_listing():
            paginator.kept_as = (self.listing_name(), self.listing_keys())
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cards"] = self.page_cards(context["page_obj"].object_list)
        return context

    def card_options(self):
        return {"show_section": self.card_shows_section, "show_bylines": self.card_shows_bylines}

    def page_cards(self, rows):
        """The cards of a page's rows: ids of a kept list, else articles."""
        if self.kept_listing():
            return cards.for_ids(rows, self.loaded, **self.card_options())
        return cards.render(rows, **self.card_options())

    def loaded(self, ids):
        """{id: article} of those of `ids` readers may see, loaded for their cards."""
        articles = Article.objects.published().for_listing()
        return (articles.with_bylines() if self.card_shows_bylines else articles).in_bulk(ids)


class ArticleDayArchiveView(PublishedArticleMixin, KeptCards, DayArchiveView):
    """Every article of one local day, a page of them at a time, with links to the nearest days that have news."""

    # A busy day's list stays one page to render, whatever the paper publishes that day; the archive says how
    # many articles the day has, all of them counted.
    paginate_by = 30
    paginator_class = KeptPaginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        if page is not None:
            context["page_range"] = page_range(page)
        if self.section_filter:
            context["extra_query"] = urlencode({"section": self.section_filter.slug})
        return context

    def get_dated_items(self):
        requested = requested_date(self)
        depends_on_date(cachekeys.day, requested)
        if requested is not None and requested > timezone.localdate():
            expires_at(next_midnight())  # then this address becomes the day's archive
            raise Http404(_("That day has not come yet."))
        return super().get_dated_items()

    def get_dated_queryset(self, **lookup):
        return super().get_dated_queryset(**lookup).for_listing()

    def listing_keys(self):
        day = requested_date(self)
        return {cachekeys.day(day)} if day else None

    def listing_name(self):
        return f"{super().listing_name()}:{self.section_filter.pk if self.section_filter else ''}"

    def get_previous_day(self, date):
        return self.nearest_day_with_news(before=date)

    def get_next_day(self, date):
        if date == datetime.date.max:  # 31 December 9999: the calendar ends there
            return None
        return self.nearest_day_with_news(after=date + datetime.timedelta(days=1))

    def get_previous_month(self, date):
        return None

    def get_next_month(self, date):
        return None


class ArticleDetailView(PublishedArticleMixin, DateDetailView):
    context_object_name = "article"

    pagecache = Policy(not_found=True)

    def get_queryset(self):
        # Only whether it is there: published, of that day, with that slug (one query, a 404 otherwise).
        return Article.objects.published().only("pk")

    def get_object(self, queryset=None):
        day = requested_date(self)
        # Whether readers may see an article of that day with that slug: its id or None, kept under the day's key
        # (publishing, moving, renaming or withdrawing anything of that day bumps it; a scheduled article of that
        # day coming out ends it).
        pk = None
        if day is not None:
            slug = self.kwargs[self.slug_url_kwarg]
            pk = fragment(
                f"published:{day.isoformat()}:{slug}",
                lambda: self.published_pk(queryset),
                keys=(cachekeys.day(day),),
            )
        if pk is None:
            # Answered from the cache until something is published, moved or renamed on that day, or the address
            # becomes an old one that redirects.
            depends_on_date(cachekeys.day, day)
            depends_on(cachekeys.REDIRECTS)
            raise Http404(_("No article was published at this address."))
        # The article with everything it prints (section, bylines, photos, pull-quotes, tags: five queries) is
        # the same for every reader until someone edits it, and every edit changes the cache generation: a
        # cached fragment, like the blocks around it.
        return fragment(f"article:{pk}", lambda: Article.objects.for_page().get(pk=pk))

    def published_pk(self, queryset=None):
        try:
            return super().get_object(queryset).pk
        except Http404:
            return None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **article_page_context(self.object)}

    def render_to_response(self, context, **response_kwargs):
        return allow_embedded_players(super().render_to_response(context, **response_kwargs), self.object)


def allow_embedded_players(response, article):
    """Let in frames from the players of this article's embeds, and from nowhere else (articles.embeds)."""
    sources = embeds.frame_sources(article.embeds.all())
    if sources:
        response._csp_update = {"frame-src": sources}  # read by django-csp's middleware
    return response


def article_page_context(article):
    """What templates/articles/article_detail.html prints besides the article: the reader's page and previews."""
    # The blocks around an article cost more than the article itself, change only when the site does, and are
    # the same in both languages and whatever the query string: a cached fragment, kept fresh like the pages.
    around = fragment(
        f"surroundings:{article.pk}", lambda: surroundings(article), keys=(cachekeys.article(article.pk),)
    )
    return {"article": article, "current_section_slug": article.section.slug, **around}


RELATED_COUNT = 4
RELATED_BY_TOPIC_WINDOW = datetime.timedelta(days=7)
OTHER_NEWS_COUNT = 5


def surroundings(article):
    """What the article page shows around the article, in three queries whatever the size of the archive.

    - related: the articles an editor linked, then those sharing the most tags within a week, then the nearest
      ones of its section, those just before it first;
    - other news: articles of other sections from just before this one (as under the reference page), newer
      ones filling up when there are too few, none repeating a related article;
    - the previous and next article of the same section.

    Everything is anchored on the article's own time, not on now: an article's page changes when something is
    published, moved or withdrawn around its date, not whenever the paper publishes (the dates it depends on are
    declared as keys, see articles/cachekeys.py).
    """
    published = Article.objects.published().exclude(pk=article.pk)
    same_section = published.filter(section_id=article.section_id)
    other_sections = published.exclude(section_id=article.section_id)
    # A preview of an article without a time yet shows what is around now.
    moment = article.published_at or timezone.now()
    # The plain bound ahead of each OR is what an index range can use: without it, "the oldest newer than this"
    # walks the index from the first article ever published up to this one.
    before = Q(published_at__lte=moment) & (Q(published_at__lt=moment) | Q(pk__lt=article.pk))
    after = Q(published_at__gte=moment) & (Q(published_at__gt=moment) | Q(pk__gt=article.pk))
    newest_first, oldest_first = ("-published_at", "-pk"), ("published_at", "pk")
    tag_ids = [tag.pk for tag in article.ordered_tags]
    enough = RELATED_COUNT + OTHER_NEWS_COUNT  # other news skips related ones, so fetch room for them
    parts = {
        # Every linked article, published or not: one published later must appear here at once.
        "linked": Article.objects.filter(pk__in=article.related.values("pk")).order_by("pk")[:50],
        "chosen": published.filter(pk__in=article.related.values("pk")).order_by(*newest_first)[
            :RELATED_COUNT
        ],
        # Within a week either side of the article: a topic the province writes about every week ("Quảng Ninh")
        # is carried by a tenth of the archive, and counting shared tags over all of it took 2.5 s at a million
        # articles. A week is narrow enough for PostgreSQL to start from the publication index, so the cost
        # follows how much the paper publishes in two weeks, not how old the archive is (25 ms at 274 a day).
        "same_tags": published.filter(
            published_at__range=(moment - RELATED_BY_TOPIC_WINDOW, moment + RELATED_BY_TOPIC_WINDOW),
            tagged_items__tag_id__in=tag_ids,
        )
        .values("pk")  # group by the article alone, not by every column of it
        .annotate(shared=Count("tagged_items"))
        .order_by("-shared", *newest_first)[:RELATED_COUNT],
        # The section around it: the previous and next articles, and related ones when too few are chosen.
        "earlier": same_section.filter(before).order_by(*newest_first)[:RELATED_COUNT],
        "later": same_section.filter(after).order_by(*oldest_first)[:RELATED_COUNT],
        "older_elsewhere": other_sections.filter(before).order_by(*newest_first)[:enough],
        "newer_elsewhere": other_sections.filter(after).order_by(*oldest_first)[:enough],
    }
    if not tag_ids:
        del parts["same_tags"]
    ids = ids_in_one_query(parts)

    def chosen(*groups):
        return list(dict.fromkeys(pk for group in groups for pk in ids.get(group, [])))

    # Chosen from the ids, then only what the page prints is loaded, with the last article of each list read
    # outwards from this one (its date bounds what the page depends on): up to 15 articles, not every candidate.
    earlier, later = ids["earlier"], ids["later"]
    older, newer = ids["older_elsewhere"], ids["newer_elsewhere"]
    related = chosen("chosen", "same_tags", "earlier", "later")[:RELATED_COUNT]
    other_news = [pk for pk in older + newer if pk not in related][:OTHER_NEWS_COUNT]
    edges = {*earlier[:1], *later[:1], *(group[-1] for group in (earlier, later, older, newer) if group)}
    loaded = Article.objects.published().for_listing().in_bulk({*related, *other_news, *edges})

    def articles(pks):
        return [loaded[pk] for pk in pks if pk in loaded]

    def first(pks):
        return loaded.get(pks[0]) if pks else None

    day = timezone.localdate(moment)
    depends_on(*(cachekeys.article(pk) for pk in ids["linked"]))
    if tag_ids:
        cachekeys.depends_on_window(
            timezone.localdate(moment - RELATED_BY_TOPIC_WINDOW),
            timezone.localdate(moment + RELATED_BY_TOPIC_WINDOW),
        )
    _depends_on_span(day, earlier, loaded, RELATED_COUNT, section=article.section_id)
    _depends_on_span(day, later, loaded, RELATED_COUNT, section=article.section_id)
    _depends_on_span(day, older, loaded, enough)
    if any(pk in newer for pk in other_news) or len(older) < OTHER_NEWS_COUNT + len(related):
        _depends_on_span(day, newer, loaded, enough)
    return {
        "related_articles": articles(related),
        "other_news": articles(other_news),
        "previous_article": first(earlier),
        "next_article": first(later),
    }


def _depends_on_span(day, ids, loaded, limit, section=None):
    """The keys of a list read from `day` outwards: the days up to the last item found, or, when the list ran
    out before `limit`, the whole section (or the whole archive) on that side."""
    if len(ids) < limit or ids[-1] not in loaded:
        depends_on(cachekeys.section_list(section) if section else cachekeys.ALL)
    else:
        cachekeys.depends_on_window(day, loaded[ids[-1]].published_on)


def _preview_response(request, article, link=None):
    context = {
        **article_page_context(article),
        "preview_link": link,
        "can_edit": link is None and workflow.can_edit(request.user, article),
    }
    response = allow_embedded_players(render(request, "articles/preview.html", context), article)
    # Never cached, never indexed: the page may show what readers may not see yet.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def preview(request, pk):
    """An article in any state, as readers would see it, for staff who may see it; 404 for everyone else."""
    user = request.user
    if not (user.is_active and user.is_staff):
        raise Http404
    article = get_object_or_404(Article.objects.for_page(), pk=pk)
    if not workflow.can_view(user, article):
        raise Http404
    return _preview_response(request, article)


def shared_preview(request, token):
    """The one article a shareable link was made for, while the link is neither expired nor revoked."""
    link = previews.find(token)
    if link is None:
        raise Http404
    article = get_object_or_404(Article.objects.for_page(), pk=link.article_id)
    return _preview_response(request, article, link=link)


def by_date(request):
    """The "Xem tin theo ngày" form's target: on to the day's archive, or the form again saying what is wrong."""
    form = ByDateForm(request.GET)
    if form.is_valid():
        day = form.cleaned_data["date"]
        url = reverse("articles:archive_day", kwargs={"year": day.year, "month": day.month, "day": day.day})
        section = form.cleaned_data["section"]
        return redirect(f"{url}?{urlencode({'section': section.slug})}" if section else url)
    return render(request, "articles/by_date.html", {"form": form}, status=400)


HOME_NEWEST = 11
HOME_PER_SECTION = 4


@cacheable()
def home(request):
    """The front page: the stories editors arranged (frontpage), the newest articles wherever a slot is empty."""
    depends_on(cachekeys.ALL, cachekeys.FRONT)
    slots = fragment("front-slots", live_slots, keys=(cachekeys.FRONT,))
    return render(request, "articles/home.html", front_page_context(slots))


def front_page_context(slots):
    """What templates/articles/home.html prints, from live slots: (place, section id, position, article id).

    A slot whose article readers may not see (withdrawn, rescheduled) is an empty slot: the newest articles fill
    it. The admin's preview passes the slots of an arrangement not saved yet.
    """
    sections = navigation()
    chosen = {Place.LEAD: None, Place.FEATURED: {}, Place.SECTION: {}}
    for place, section_id, position, article_id in slots:
        if place == Place.LEAD:
            chosen[Place.LEAD] = article_id
        elif place == Place.FEATURED:
            chosen[Place.FEATURED].setdefault(position, article_id)
        else:
            chosen[Place.SECTION][section_id] = article_id
    # One more per section than a block shows: the lead story is not repeated in its section's block.
    ids = Article.objects.published().newest_ids(
        HOME_NEWEST + FEATURED_PLACES, HOME_PER_SECTION + 1, [s.pk for s in sections]
    )
    wanted = {pk for group in ids.values() for pk in group}
    wanted |= {chosen[Place.LEAD], *chosen[Place.FEATURED].values(), *chosen[Place.SECTION].values()}
    articles = Article.objects.published().for_listing().in_bulk(wanted - {None})
    newest = [articles[pk] for pk in ids[None] if pk in articles]
    # Without a lead chosen, the newest story with a photo: a front page does not open on bare text.
    lead_story = articles.get(chosen[Place.LEAD]) or next(
        (article for article in newest if article.lead_photo), newest[0] if newest else None
    )
    featured = [articles.get(pk) for _position, pk in sorted(chosen[Place.FEATURED].items())]
    featured = list(dict.fromkeys(article for article in featured if article and article is not lead_story))
    shown = {lead_story, *featured}
    fillers = (article for article in newest if article not in shown)
    featured = (
        featured + [article for article, _place in zip(fillers, range(FEATURED_PLACES), strict=False)]
    )[:FEATURED_PLACES]
    shown |= set(featured)

    def block(section):
        items = [articles[pk] for pk in ids.get(section.pk, []) if pk in articles]
        items = [article for article in items if article is not lead_story][:HOME_PER_SECTION]
        # A block opens on the story editors chose for it, else on its newest article with a photo.
        opening = articles.get(chosen[Place.SECTION].get(section.pk))
        if opening is None or opening is lead_story:
            opening = next((article for article in items if article.lead_photo), None)
        if opening is None:
            return items
        return [opening, *(a for a in items if a is not opening)][:HOME_PER_SECTION]

    blocks = [(section, block(section)) for section in sections]
    return {
        "nav_sections": sections,  # the header's navigation too: one query for both
        "lead_story": lead_story,
        "featured": featured,
        "newest": [article for article in newest if article not in shown][
            : HOME_NEWEST - 1 - FEATURED_PLACES
        ],
        "section_blocks": [(section, items) for section, items in blocks if items],
    }


class ArticleListView(KeptCards, ListView):
    """A dated, paginated listing of published articles, newest first (templates/articles/listing.html)."""

    pagecache = Policy(parameters=("page",))
    paginate_by = 20
    context_object_name = "articles"

    def published_articles(self):
        return Article.objects.published().for_listing().order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_range"] = page_range(context["page_obj"])
        return context


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        self.byline = get_object_or_404(Byline, slug=self.kwargs["slug"])
        depends_on(*self.listing_keys())
        return self.published_articles().filter(byline_links__byline=self.byline)

    def listing_keys(self):
        return {cachekeys.byline_list(self.byline.pk)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(byline=self.byline, **kwargs)


class TagView(ArticleListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        depends_on(*self.listing_keys())
        return self.published_articles().filter(tagged_items__tag=self.tag)

    def listing_keys(self):
        return {cachekeys.tag_list(self.tag.pk)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SearchView(ArticleListView):
    """`/search/?q=…`: published articles having every word the reader typed, however it was accented."""

    template_name = "articles/search.html"
    pagecache = Policy(parameters=(*SearchForm.PARAMETERS, "page"))
    card_shows_bylines = True  # results name their authors

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET)
        self.searched = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        self.query = search.parse(self.searched)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # What matches depends on every published text: any change anywhere may add or drop a result.
        depends_on(cachekeys.ALL, cachekeys.ANY)
        if not self.query:
            return search.Found([], Article.objects.none())
        articles = self.form.filter(Article.objects.published())
        if keeping():
            # A result is the listings' kept card with the reader's words marked in its title and lead: a page
            # reads only those two, and loads whole articles only for the cards not kept (page_cards).
            articles = articles.only("title", "lead")
        else:
            articles = articles.for_listing().with_bylines()  # results name their authors
        newest = self.form.cleaned_data["sort"] == "newest"
        # Finding and ranking the matches is what a search costs (tens of milliseconds for common words in a deep
        # archive). They are the same for every reader who asks the same thing until a published text changes:
        # kept like a listing's pages, by what was asked; a page then loads only its own twenty articles.
        ids = fragment(
            self.results_name(),
            lambda: search.results(self.query, articles, newest=newest).ids,
            keys=(cachekeys.ALL, cachekeys.ANY),
        )
        return search.Found(ids, articles)

    def results_name(self):
        """What tells a search's kept matches apart: the words as parsed (however they were typed or accented),
        the filters and the order."""
        data = self.form.cleaned_data
        filters = [
            getattr(data[name], "pk", data[name]) for name in ("section", "author", "date_from", "date_to")
        ]
        asked = repr((self.query.terms, *filters, data["sort"]))
        return "search:" + hashlib.blake2b(asked.encode(), digest_size=16).hexdigest()

    def page_cards(self, rows):
        """The listings' cards of a page of results (search.FoundPage), each with the reader's words marked in its
        title and lead. They are the same for every reader who asks the same thing and gets the same articles: kept
        under those, with the keys of the cards and articles they were made from, so that a search asked before
        reads nothing of its page."""
        if not rows.ids:
            return []
        # Named as {% fragment %} names a block: the language (the cards' dates), then the values it shows.
        name = fragment_name(["search-page", repr(self.query.terms), rows.ids])
        return fragment(name, lambda: self.marked_cards(rows))

    def marked_cards(self, rows):
        """Kept cards (loading whole articles only for the others), or, not keeping, cards rendered from the
        articles; then marked."""
        if keeping():
            printed = cards.by_id([found.pk for found in rows], self.loaded, **self.card_options())
        else:
            printed = dict(zip((found.pk for found in rows), super().page_cards(rows), strict=True))
        return [
            search.mark_card(printed[found.pk], found, self.query) for found in rows if found.pk in printed
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            query=self.query,
            searched=self.searched,
            # The form's own fields only: anything else in the address is not the search (and not in the cache key).
            extra_query=self.query_with(),
            # The same search in the other order, from its first page.
            sorted_by=self.form.cleaned_data["sort"] if self.form.is_valid() else "",
            by_relevance=self.query_with(sort=""),
            by_newest=self.query_with(sort="newest"),
        )
        return context

    def query_with(self, **changed):
        """The search as a query string, with `changed` values in place."""
        values = {name: self.form.data.get(name, "") for name in SearchForm.PARAMETERS} | changed
        return urlencode({name: value for name, value in values.items() if value})


class CorrectionsView(ListView):
    """`/dinh-chinh/`: every correction of a published article that tells readers what was wrong, newest first."""

    pagecache = Policy(parameters=("page",))
    template_name = "articles/corrections.html"
    context_object_name = "corrections"
    paginate_by = 20
    paginator_class = CappedPaginator

    def get_queryset(self):
        # Which corrections show depends on which articles readers can see, as well as on the corrections.
        depends_on(cachekeys.CORRECTIONS, cachekeys.ALL)
        return Correction.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_range"] = page_range(context["page_obj"])
        return context
