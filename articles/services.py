from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When

from articles import readership, tasks
from articles.html import html_to_text
from articles.models import Article, Section
from articles.search import build_search_texts, search_vector_expression, uses_full_text

RELATED_WINDOW = 1000  # "see also" ranks the hand-picked and this many newest articles


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
    # Candidates: the hand-picked ones and the most recent articles, so the cost of the
    # ranking stays bounded however large the archive grows.
    recent = Article.objects.published().order_by("-published_at", "-id").values("pk")[:RELATED_WINDOW]
    return list(
        Article.objects.for_listing()
        .exclude(pk=article.pk)
        .filter(Q(pk__in=Subquery(recent)) | Q(Exists(hand_picked)))
        .annotate(
            hand_picked=Exists(hand_picked),
            shared_tags=shared_tags,
            same_category=Case(When(category_id=article.category_id, then=1), default=0),
        )
        .order_by("-hand_picked", "-shared_tags", "-same_category", "-published_at", "-id")[:count]
    )


def article_search_index_update(*, article: Article) -> None:
    """Rebuild the article's search document (and its tsvector on PostgreSQL).

    Call it after the article, its sections or its tags change. It writes with
    update(), so `updated_at` stays what the newsroom last did.
    """
    sections = list(Section.objects.filter(article=article).order_by("position", "id"))
    texts = build_search_texts(
        title=article.title,
        lead=article.lead,
        headings=[section.heading for section in sections],
        bodies=[html_to_text(section.body) for section in sections],
        tags=list(article.tags.values_list("name", flat=True)),
    )
    changes = {"search_document": texts.document}
    if uses_full_text():
        changes["search_vector"] = search_vector_expression(texts)
    Article.objects.filter(pk=article.pk).update(**changes)
    article.search_document = texts.document


def article_view_record(*, article_id: int, user_agent: str) -> bool:
    """Count one reader's view of an article today; False for a bot, which is not counted.

    Cache operations only, but for a fold once counts have waited: inline with a
    process-local cache, else queued for the worker (at most once per interval).
    """
    if readership.is_bot(user_agent):
        return False
    if readership.view_count(article_id=article_id):
        if readership.fold_in_process():
            readership.views_fold()
        else:
            transaction.on_commit(tasks.fold_views.enqueue)
    return True
