"""The article page's context, built in one place for every page that shows an article.

The public page, the newsroom preview and pages of other apps that answer with the
article (the comment form sent back with its errors) all call article_page_context().

Apps built on this one add their block under the article through a small registry
filled from their AppConfig.ready() (comments registers the «شارك بتعليقك» block), so
this app imports none of them. A block's context is computed here, before the template
runs, so the template causes no query of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from articles.metadata import article_json_ld, share_image
from articles.models import Article
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


def article_page_context(
    *, request: HttpRequest, article: Article, preview: bool = False, block_options: dict[str, dict] | None = None
) -> dict:
    """Everything templates/articles/detail.html shows; `article` should come from for_detail().

    `preview` is the newsroom's view of an article not yet public: no reader blocks, no
    metadata for search engines. `block_options` passes per-request options to a block
    by its registered name, e.g. {"comments": {"form": form}}.
    """
    sections = list(article.sections.all())
    headed = [section for section in sections if section.heading]
    context = {
        "article": article,
        "preview": preview,
        "sections": sections,
        "toc": headed if len(headed) >= TOC_MIN_HEADINGS else [],
        "related": list(
            Article.objects.published().for_listing().related_to(article, count=settings.RELATED_ARTICLES_COUNT)
        ),
        "most_read": most_read_articles(),
        "article_blocks": [],
    }
    if preview:
        return context
    image = share_image(article, request)
    context.update(share_image=image, json_ld=article_json_ld(article, request))
    options = block_options or {}
    for name, block in _blocks.items():
        context.update(block.context(article=article, **options.get(name, {})))
        context["article_blocks"].append(block.template)
    return context
