"""The article page's context, built in one place for every page that shows an article.

The public page, the newsroom preview and pages of other apps that answer with the
article (the comment form sent back with its errors) all call article_page_context().

Apps built on this one add their block under the article through a small registry
filled from their AppConfig.ready() (comments registers the «شارك بتعليقك» block), so
this app imports none of them. A block's context is computed here, before the template
runs, so the template causes no query of its own.

What costs a query is lazy: the public page keeps the story and the comments it drew
(articles.kept, `{% keep %}`), and a page drawn from them reads only the article's row.
The prefetches run once, before the first part that needs them is drawn (`prepare`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from articles.metadata import article_json_ld, share_image
from articles.models import Article, detail_prefetches
from articles.readership import most_read_articles

TOC_MIN_HEADINGS = 3


@dataclass(frozen=True)
class ArticleBlock:
    """A block another app shows under the article: its template and its context builder."""

    template: str
    context: Callable[..., dict]  # context(article=..., **options) -> the template's variables


_blocks: dict[str, ArticleBlock] = {}


def article_block_register(*, name: str, template: str, context: Callable[..., dict]) -> None:
    """Show `template` under every public article page, with the variables `context(article=...)` returns."""
    _blocks[name] = ArticleBlock(template=template, context=context)


def related_articles(article: Article) -> list[Article]:
    """The «شاهد أيضا» cards: ranked once per version of the article, then read by id (one query).

    Ranking (Article.objects.related_to) reads the newest RELATED_WINDOW articles; its
    result is kept in the cache under the article's edit and publication times, so an
    edit ranks anew, and for PAGE_SHARED_MAX_AGE, what a shared cache may keep the page
    anyway: a newer article joins the block no later than it does today. The read goes
    through published(), so an article taken off the site leaves the block at once.
    """
    stamp = f"{article.updated_at.timestamp() if article.updated_at else 0}"
    stamp += f":{article.published_at.timestamp() if article.published_at else 0}"
    key = f"related:v1:{article.pk}:{stamp}"
    ids = cache.get(key)
    listing = Article.objects.published().for_listing()
    if ids is None:
        related = list(listing.related_to(article, count=settings.RELATED_ARTICLES_COUNT))
        cache.set(key, [item.pk for item in related], settings.PAGE_SHARED_MAX_AGE)
        return related
    by_id = {item.pk: item for item in listing.filter(pk__in=ids)} if ids else {}
    return [by_id[pk] for pk in ids if pk in by_id]


def article_page_context(
    *, request: HttpRequest, article: Article, preview: bool = False, block_options: dict[str, dict] | None = None
) -> dict:
    """Everything templates/articles/detail.html shows; `article` should come from for_detail().

    `preview` is the newsroom's view of an article not yet public: no reader blocks, no
    metadata for search engines. `block_options` passes per-request options to a block
    by its registered name, e.g. {"comments": {"form": form}}.
    """

    def prepare():
        if "sections" not in getattr(article, "_prefetched_objects_cache", {}):
            prefetch_related_objects([article], *detail_prefetches())

    def lazy(compute):
        def computed():
            prepare()
            return compute()

        return SimpleLazyObject(computed)

    sections = lazy(lambda: list(article.sections.all()))

    def toc():
        headed = [section for section in sections if section.heading]
        return headed if len(headed) >= TOC_MIN_HEADINGS else []

    context = {
        "article": article,
        "preview": preview,
        "prepare": prepare,
        "sections": sections,
        "toc": lazy(toc),
        "related": lazy(lambda: related_articles(article)),
        "most_read": SimpleLazyObject(most_read_articles),
        "article_blocks": [],
    }
    if preview:
        return context
    context.update(
        share_image=lazy(lambda: share_image(article, request)),
        json_ld=lazy(lambda: article_json_ld(article, request)),
    )
    options = block_options or {}
    for name, block in _blocks.items():
        context.update(block.context(article=article, **options.get(name, {})))
        context["article_blocks"].append(block.template)
    return context
