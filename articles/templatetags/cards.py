"""{% card article %}: an article card (templates/includes/article_card.html), drawn once per process for what it shows."""

from django import template

from articles.fragments import fragment

register = template.Library()


def card_key(article, *, big: bool, show_category: bool) -> tuple:
    """Every value the card template reads: a new title, comment count, cover or category name is a new card."""
    category = article.category
    return (
        article.pk,
        article.slug,
        article.title,
        article.lead if big else "",
        article.published_at,
        article.comment_count,
        article.cover.name if article.cover else "",
        category.pk,
        category.slug,
        category.name,
        big,
        show_category,
    )


@register.simple_tag
def card(article, *, big=False, show_category=False):
    return fragment(
        "includes/article_card.html",
        card_key(article, big=big, show_category=show_category),
        {"article": article, "big": big, "show_category": show_category},
    )
