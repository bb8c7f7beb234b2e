"""Pages that help readers and machines find articles: search, date archives, robots.txt, the favicon."""

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from django.views.generic import dates

from articles import search
from articles.html import html_to_text
from articles.models import Article
from articles.pagecache import PublicPageMixin, public_page
from articles.search import MatchesPaginator, SearchQueryError, highlight, parse_query, search_queryset
from articles.views import ArticleListView, PaginatedCards

SNIPPET_WORDS = 40


class SearchView(ArticleListView):
    """/search/?q= — published articles matching the query, best first, highlighted."""

    template_name = "articles/search.html"
    paginator_class = MatchesPaginator  # ranked matches are bounded already (search.MAX_RANKED)

    def page_keys_for(self, context):
        return {"search"}

    def get(self, request, *args, **kwargs):
        self.raw_query = request.GET.get("q", "")
        try:
            self.parsed = parse_query(self.raw_query)
            self.error = ""
        except SearchQueryError as error:
            self.parsed, self.error = None, str(error)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.parsed is None:
            return Article.objects.none()
        # Lazy: its first queries find the matches' ids, which a kept page needs not.
        return SimpleLazyObject(lambda: search_queryset(Article.objects.published().for_search(), self.parsed))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found, paginator = context["articles"], context["paginator"]

        def highlighted():
            articles = list(found)
            for article in articles:
                article.title_html = highlight(article.title, self.parsed)
                article.snippet_html = highlight(_article_text(article), self.parsed, around=SNIPPET_WORDS)
            return articles

        if self.parsed is not None:
            # Lazy, like the page's list (articles.views.PaginatedCards): read when drawn.
            context["articles"] = context["object_list"] = SimpleLazyObject(highlighted)
        context.update(
            query=self.raw_query[:200],
            error=self.error,
            searched=self.parsed is not None,
            many=SimpleLazyObject(lambda: paginator is not None and paginator.count >= search.MAX_RANKED),
        )
        return context


def _article_text(article: Article) -> str:
    # The lead first: it is what a reader expects to see under a title.
    parts = [article.lead]
    for section in article.sections.all():
        parts += [section.heading, html_to_text(section.body)]
    return " ".join(part for part in parts if part)


class ArchiveMixin(PublicPageMixin, PaginatedCards):
    """What both date archives share: public articles as cards, by Casablanca time."""

    def page_keys_for(self, context):
        return {"archive"}

    template_name = "articles/archive.html"
    date_field = "published_at"
    allow_empty = True  # an empty month says so (200), it is not a 404
    year_format = "%Y"
    month_format = "%m"

    def get_queryset(self):
        return Article.objects.published().for_listing()


class YearArchiveView(ArchiveMixin, dates.YearArchiveView):
    """/archive/<year>/ — the year's articles, with links to its months (`date_list`)."""

    make_object_list = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = gettext("أرشيف سنة %(year)d") % {"year": context["year"].year}
        return context


class MonthArchiveView(ArchiveMixin, dates.MonthArchiveView):
    """/archive/<year>/<month>/ — the month's articles."""

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # The month page links no days: skip the query that would list them.
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = gettext("أرشيف %(month)s") % {"month": date_format(context["month"], "YEAR_MONTH_FORMAT")}
        return context


@require_GET
@public_page()
def robots_txt(request):
    """Crawlers may read everything but the admin and search; the sitemap index is named.

    The index names the news sitemap while it has articles (it is a 404 when empty).
    """
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@cache
def _favicon() -> bytes:
    # Drawn by scripts/make_brand_images.py; read from the static folders, not STATIC_ROOT,
    # so it answers before collectstatic has run.
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        return icon.read()


@require_GET
@public_page()
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page's <link> says."""
    return HttpResponse(_favicon(), content_type="image/x-icon")
