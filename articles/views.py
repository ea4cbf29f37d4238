import datetime

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncDay, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import DateDetailView, DayArchiveView, ListView, MonthArchiveView, YearArchiveView

from sections.models import Section, navigation

from . import search
from .forms import SearchForm
from .models import Article, Byline, Tag


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

    def get_queryset(self):
        articles = Article.objects.published()
        if self.section_filter:
            articles = articles.filter(section=self.section_filter)
        return articles

    @property
    def section_filter(self):
        if not hasattr(self, "_section_filter"):
            slug = self.request.GET.get("section", "")
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
        """The closest publication date before or after a date, or None."""
        if before is not None:
            articles, ordering = self.get_queryset().filter(published_on__lt=before), "-published_on"
        else:
            articles, ordering = self.get_queryset().filter(published_on__gte=after), "published_on"
        return articles.order_by(ordering).values_list("published_on", flat=True).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["section_filter"] = self.section_filter
        return context


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


class ArticleYearArchiveView(PublishedArticleMixin, YearArchiveView):
    """The months of a year that have news, with how many articles each."""

    def get_previous_year(self, date):
        return self.nearest_day_with_news(before=date)

    def get_next_year(self, date):
        return self.nearest_day_with_news(after=self._get_next_year(date))


class ArticleMonthArchiveView(PublishedArticleMixin, MonthArchiveView):
    """The days of a month that have news, with how many articles each."""

    def get_dated_items(self):
        date_list, _articles, extra = super().get_dated_items()
        return date_list, Article.objects.none(), extra

    def get_previous_month(self, date):
        return self.nearest_day_with_news(before=date)

    def get_next_month(self, date):
        return self.nearest_day_with_news(after=self._get_next_month(date))


class ArticleDayArchiveView(PublishedArticleMixin, DayArchiveView):
    """Every article of one local day, with links to the nearest days that have news."""

    def get_dated_queryset(self, **lookup):
        return super().get_dated_queryset(**lookup).for_listing()

    def get_previous_day(self, date):
        return self.nearest_day_with_news(before=date)

    def get_next_day(self, date):
        return self.nearest_day_with_news(after=date + datetime.timedelta(days=1))

    def get_previous_month(self, date):
        return None

    def get_next_month(self, date):
        return None


class ArticleDetailView(PublishedArticleMixin, DateDetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_page()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["other_news"] = other_news(self.object)
        return context


def other_news(article, limit=5):
    """Articles of other sections from just before this one, as under the reference page; newer ones fill up."""
    others = Article.objects.published().exclude(section_id=article.section_id).select_related("section")
    items = list(others.filter(published_at__lt=article.published_at).order_by("-published_at")[:limit])
    if len(items) < limit:
        items += list(
            others.filter(published_at__gte=article.published_at).order_by("published_at")[
                : limit - len(items)
            ]
        )
    return items


class ByDateForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Choose a date."),
            "invalid": _("Enter a real date as YYYY-MM-DD, e.g. 2017-09-29."),
        },
    )
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
        error_messages={"invalid_choice": _("There is no such section.")},
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("That day has not come yet; choose today or an earlier date."))
        return date


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


def home(request):
    """The front page: the lead story, the newest articles, then a block per section."""
    sections = navigation()
    ids = Article.objects.published().newest_ids(HOME_NEWEST, HOME_PER_SECTION, [s.pk for s in sections])
    wanted = {pk for group in ids.values() for pk in group}
    articles = Article.objects.for_listing().in_bulk(wanted)
    newest = [articles[pk] for pk in ids[None] if pk in articles]
    blocks = [
        (section, [articles[pk] for pk in ids.get(section.pk, []) if pk in articles]) for section in sections
    ]
    context = {
        "lead_story": newest[0] if newest else None,
        "newest": newest[1:],
        "section_blocks": [(section, items) for section, items in blocks if items],
    }
    return render(request, "articles/home.html", context)


class CappedPaginator(Paginator):
    """Counts no further than `max_pages`: a section of a million articles is not COUNT(*)ed on every request.

    Readers reach anything older through the dated archives, which the last page links to.
    """

    max_pages = 50

    @cached_property
    def count(self):
        # Without the order: it does not change how many there are, and a ranked order costs a sort.
        return self.object_list.order_by()[: self.per_page * self.max_pages].count()

    @property
    def is_capped(self):
        return self.count >= self.per_page * self.max_pages


class ArticleListView(ListView):
    """A dated, paginated listing of published articles, newest first."""

    paginate_by = 20
    paginator_class = CappedPaginator
    context_object_name = "articles"

    def published_articles(self):
        return Article.objects.published().for_listing().order_by("-published_at", "-pk")


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        self.byline = get_object_or_404(Byline, slug=self.kwargs["slug"])
        return self.published_articles().filter(byline_links__byline=self.byline)

    def get_context_data(self, **kwargs):
        return super().get_context_data(byline=self.byline, **kwargs)


class TagView(ArticleListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return self.published_articles().filter(tagged_items__tag=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SearchView(ArticleListView):
    """`/search/?q=…`: published articles having every word the reader typed, however it was accented."""

    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET)
        self.searched = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        self.query = search.parse(self.searched)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.query:
            return Article.objects.none()
        articles = self.form.filter(Article.objects.published()).for_listing()
        # The page prints neither the body nor the document: leave them in the database.
        return search.results(self.query, articles).defer(
            "body", "search_title", "search_text", "search_vector"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = list(context["articles"])
        for article in articles:
            article.title_marked = search.highlight(article.title, self.query)
            article.lead_marked = search.highlight(article.lead, self.query)
        context.update(
            articles=articles,
            form=self.form,
            query=self.query,
            searched=self.searched,
            extra_query=urlencode({name: value for name, value in self.form.data.items() if value}),
        )
        return context
