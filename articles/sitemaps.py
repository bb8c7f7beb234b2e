"""Sitemaps: articles, categories, tags, authors, and a Google News sitemap."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category

NEWS_WINDOW = timedelta(days=2)


def _published(prefix: str) -> Q:
    """Condition on a related article being public, through the relation `prefix`."""
    return Q(**{f"{prefix}__status": Article.Status.PUBLISHED, f"{prefix}__published_at__lte": timezone.now()})


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("pk", "slug", "updated_at", "published_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


class CategorySitemap(Sitemap):
    def items(self):
        return (
            Category.objects.annotate(last=Max("articles__published_at", filter=_published("articles")))
            .filter(last__isnull=False)
            .order_by("position", "name")
        )

    def lastmod(self, item):
        return item.last


class TagSitemap(Sitemap):
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


class AuthorSitemap(Sitemap):
    def items(self):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .annotate(last=Max("articles__published_at", filter=_published("articles")))
            .filter(last__isnull=False)
            .order_by("username")
        )

    def location(self, item):
        return reverse("articles:author", kwargs={"username": item.get_username()})

    def lastmod(self, item):
        return item.last


class NewsSitemap(Sitemap):
    """Articles of the last two days, rendered in Google's news sitemap format."""

    limit = 1000  # Google's ceiling for a news sitemap

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
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "news": NewsSitemap,
}
