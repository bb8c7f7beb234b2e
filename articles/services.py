from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When

from articles.models import Article


def related_articles(*, article: Article, count: int | None = None) -> list[Article]:
    """The "شاهد أيضا" list: hand-picked first, then by shared tags, category, recency.

    Never the article itself, never an article the public cannot see. One query plus
    the authors prefetch, whatever the size of the archive; `article.tags` should be
    prefetched.
    """
    count = count or settings.RELATED_ARTICLES_COUNT
    tag_ids = [tag.pk for tag in article.tags.all()]
    hand_picked = Article.see_also.through.objects.filter(from_article_id=article.pk, to_article_id=OuterRef("pk"))
    shared_tags = (
        Count("tags", filter=Q(tags__id__in=tag_ids), distinct=True)
        if tag_ids
        else Value(0, output_field=IntegerField())
    )
    return list(
        Article.objects.for_listing()
        .exclude(pk=article.pk)
        .annotate(
            hand_picked=Exists(hand_picked),
            shared_tags=shared_tags,
            same_category=Case(When(category_id=article.category_id, then=1), default=0),
        )
        .order_by("-hand_picked", "-shared_tags", "-same_category", "-published_at", "-id")[:count]
    )
