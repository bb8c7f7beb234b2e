from django import template

from articles import bylines

register = template.Library()


@register.filter
def authors_line(authors) -> str:
    """{{ article.byline_authors|authors_line }}: every name of the byline, joined by the Arabic comma."""
    return bylines.authors_line(authors)
