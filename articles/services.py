from articles.html import html_to_text
from articles.models import Article, Section
from articles.search import build_search_texts, search_vector_expression, uses_full_text


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
