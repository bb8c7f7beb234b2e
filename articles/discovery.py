"""Pages that help readers and machines find articles: search, date archives, robots.txt."""

from datetime import date

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from articles import search
from articles.html import html_to_text
from articles.models import Article
from articles.search import SearchQueryError, highlight, parse_query, search_queryset
from articles.views import ArticleListView

SNIPPET_WORDS = 40


class SearchView(ArticleListView):
    """/search/?q= — published articles matching the query, best first, highlighted."""

    template_name = "articles/search.html"

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
        return search_queryset(Article.objects.published().for_search(), self.parsed)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.parsed is not None:
            for article in context["articles"]:
                article.title_html = highlight(article.title, self.parsed)
                article.snippet_html = highlight(_article_text(article), self.parsed, around=SNIPPET_WORDS)
        context.update(
            query=self.raw_query[:200],
            error=self.error,
            searched=self.parsed is not None,
            many=context["paginator"] is not None and context["paginator"].count >= search.MAX_RANKED,
        )
        return context


def _article_text(article: Article) -> str:
    # The lead first: it is what a reader expects to see under a title.
    parts = [article.lead]
    for section in article.sections.all():
        parts += [section.heading, html_to_text(section.body)]
    return " ".join(part for part in parts if part)


class YearArchiveView(ArticleListView):
    """/archive/<year>/ — the year's articles, with links to its months."""

    template_name = "articles/archive.html"

    def get_queryset(self):
        self.year = self.kwargs["year"]
        if not 1 <= self.year <= 9999:
            raise Http404
        return Article.objects.published().for_listing().filter(published_at__year=self.year)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=gettext("أرشيف سنة %(year)d") % {"year": self.year},
            year=self.year,
            months=Article.objects.published().archive_months(year=self.year),
            **kwargs,
        )


class MonthArchiveView(ArticleListView):
    """/archive/<year>/<month>/ — the month's articles."""

    template_name = "articles/archive.html"

    def get_queryset(self):
        try:
            self.month = date(self.kwargs["year"], self.kwargs["month"], 1)
        except ValueError:
            raise Http404 from None
        return (
            Article.objects.published()
            .for_listing()
            .filter(published_at__year=self.month.year, published_at__month=self.month.month)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=gettext("أرشيف %(month)s") % {"month": date_format(self.month, "YEAR_MONTH_FORMAT")},
            year=self.month.year,
            month=self.month,
            **kwargs,
        )


@require_GET
@cache_control(max_age=3600, public=True)
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
