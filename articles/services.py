from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, Value, When

from articles.models import Article


def related_articles(*, article: Article, count: int | None = None) -> list[Article]:
    """The "شاهد أيضا" list: hand-picked first, then by shared tags, category, recency.

    Never the article itself, never an article the public cannot see. Two queries,
    whatever the size of the archive. `article.tags` should be prefetched.
    """
    count = count or settings.RELATED_ARTICLES_COUNT
    picked = list(
        article.see_also.for_listing().exclude(pk=article.pk)[:count]
    )
    missing = count - len(picked)
    if missing <= 0:
        return picked
    tag_ids = [tag.pk for tag in article.tags.all()]
    shared_tags = (
        Count("tags", filter=Q(tags__id__in=tag_ids), distinct=True)
        if tag_ids
        else Value(0, output_field=IntegerField())
    )
    fill = (
        Article.objects.for_listing()
        .exclude(pk__in=[article.pk, *(a.pk for a in picked)])
        .annotate(
            shared_tags=shared_tags,
            same_category=Case(When(category_id=article.category_id, then=1), default=0),
        )
        .order_by("-shared_tags", "-same_category", "-published_at", "-id")[:missing]
    )
    return picked + list(fill)
