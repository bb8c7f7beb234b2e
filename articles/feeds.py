"""RSS 2.0 feeds: the whole site and each category."""

import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from articles.bylines import authors_line
from articles.models import Article, Category

FEED_SIZE = 30


@dataclass(frozen=True)
class FeedSource:
    base: str  # scheme and host of the request, for the absolute URLs RSS wants
    category: Category | None


def _with_base(articles, base: str) -> list[Article]:
    articles = list(articles)
    for article in articles:
        article.feed_base = base
    return articles


class LatestArticlesFeed(Feed):
    """The newest published articles of the whole site."""

    feed_type = Rss201rev2Feed
    language = "ar-MA"  # as the pages say in <html lang>

    def title(self):
        return escape(settings.SITE_NAME)

    def description(self):
        return escape(_("آخر الأخبار المنشورة."))

    def link(self):
        return reverse("articles:home")

    def feed_url(self):
        return reverse("articles:feed")

    def get_object(self, request, *args, **kwargs):
        # Feed instances serve every request: what depends on the request travels here.
        self_link = request.build_absolute_uri("/")
        return FeedSource(base=self_link.rstrip("/"), category=None)

    def items(self, obj):
        return _with_base(Article.objects.published().for_feed()[:FEED_SIZE], obj.base)

    # Titles and leads are plain text, but feed readers render RSS titles and
    # descriptions as HTML. So they are HTML-escaped once here (& < > " ' become
    # entities) and then XML-escaped by the feed writer: "<b>" is "&amp;lt;b&amp;gt;" in
    # the bytes, "&lt;b&gt;" to an XML parser and the literal "<b>" on a reader's screen.
    def item_title(self, item):
        return escape(item.title)

    def item_description(self, item):
        notes = [
            f"{note.get_kind_display()} ({date_format(timezone.localtime(note.noted_at), 'DATETIME_FORMAT')}): {note.note}"
            for note in item.corrections.all()
        ]
        return escape("\n".join([item.lead, *notes]))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        # Stable across slug edits: the id-based address (absolute, as a permalink).
        return item.feed_base + reverse("articles:detail-short", kwargs={"pk": item.pk})

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return authors_line(item.byline_authors) or None

    def item_categories(self, item):
        return [item.category.name, *(tag.name for tag in item.tags.all())]

    def item_enclosure_url(self, item):
        return item.feed_base + item.cover.url if item.cover else None

    def item_enclosure_length(self, item):
        try:
            return item.cover.size if item.cover else None
        except OSError:  # file gone from storage: RSS wants a length, 0 means unknown
            return 0

    def item_enclosure_mime_type(self, item):
        if not item.cover:
            return None
        return mimetypes.guess_type(item.cover.name)[0] or "image/jpeg"


class CategoryArticlesFeed(LatestArticlesFeed):
    """The newest published articles of one category."""

    def get_object(self, request, slug):
        category = get_object_or_404(Category, slug=slug)
        return FeedSource(base=request.build_absolute_uri("/").rstrip("/"), category=category)

    def title(self, obj):
        return escape(f"{obj.category.name} — {settings.SITE_NAME}")

    def link(self, obj):
        return obj.category.get_absolute_url()

    def feed_url(self, obj):
        return reverse("articles:category-feed", kwargs={"slug": obj.category.slug})

    def description(self, obj):
        return escape(obj.category.description or _("آخر مقالات القسم."))

    def items(self, obj):
        return _with_base(Article.objects.published().for_feed().filter(category=obj.category)[:FEED_SIZE], obj.base)
