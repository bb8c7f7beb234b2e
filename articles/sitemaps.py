"""Sitemaps: the home page, articles, categories, tags, authors, a Google News sitemap,
and the index and section views that never serve an empty one."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Category

NEWS_WINDOW = timedelta(days=2)


def _published(prefix: str) -> Q:
    """Condition on a related article being public, through the relation `prefix`."""
    return Q(**{f"{prefix}__status": Article.Status.PUBLISHED, f"{prefix}__published_at__lte": timezone.now()})


class LatestLastmodSitemap(Sitemap):
    """A section whose newest `lastmod` the index gets from one aggregate, not every row."""

    lastmod_expression = Max("last")

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=self.lastmod_expression)["latest"]


class PageSitemap(Sitemap):
    """The home page: always there, so the index is never an empty <sitemapindex>."""

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]

    def get_latest_lastmod(self):
        return self.lastmod(None)


class ArticleSitemap(LatestLastmodSitemap):
    limit = 5000
    lastmod_expression = Max(Greatest("updated_at", "published_at"))

    def items(self):
        return (
            Article.objects.published()
            .only("pk", "slug", "updated_at", "published_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


class CategorySitemap(LatestLastmodSitemap):
    def items(self):
        return (
            Category.objects.annotate(last=Max("articles__published_at", filter=_published("articles")))
            .filter(last__isnull=False)
            .order_by("position", "name")
        )

    def lastmod(self, item):
        return item.last


class TagSitemap(LatestLastmodSitemap):
    limit = 5000

    def items(self):
        newest = (
            Article.objects.published().filter(tags=OuterRef("pk")).order_by("-published_at").values("published_at")[:1]
        )
        return Tag.objects.annotate(last=Subquery(newest)).filter(last__isnull=False).order_by("name")

    def location(self, item):
        return reverse("articles:tag", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.last


class AuthorSitemap(LatestLastmodSitemap):
    def items(self):
        return (
            Author.objects.annotate(last=Max("articles__published_at", filter=_published("articles")))
            .filter(last__isnull=False)
            .order_by("slug")
        )

    def location(self, item):
        return item.get_absolute_url()

    def lastmod(self, item):
        return item.last


class NewsSitemap(LatestLastmodSitemap):
    """Articles of the last two days, rendered in Google's news sitemap format."""

    limit = 1000  # Google's ceiling for a news sitemap
    lastmod_expression = Max(Greatest("updated_at", "published_at"))

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("pk", "slug", "title", "published_at", "updated_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "news": NewsSitemap,
}


# A <urlset> or <sitemapindex> must hold at least one entry (sitemaps.org and Google News
# schemas): the index names only sections with something in them, and an empty section
# asked for directly (the news sitemap on a quiet weekend) is a 404, not an invalid file.


def index(request):
    """/sitemap.xml: the sections that have at least one address, with their lastmod."""
    filled = {name: section for name, section in SITEMAPS.items() if section().paginator.count}
    return sitemap_views.index(request, sitemaps=filled, sitemap_url_name="articles:sitemap-section")


def section(request, section, template_name="articles/sitemap.xml"):
    """/sitemap-<section>.xml: one section, its dates with time and offset."""
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section, template_name=template_name)
    if not response.context_data["urlset"]:
        raise Http404("empty sitemap")
    return response
