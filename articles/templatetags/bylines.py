from django import template

from articles import bylines

register = template.Library()


@register.filter
def author_name(user) -> str:
    """{{ author|author_name }}: the full name, else the username (articles.bylines)."""
    return bylines.author_name(user)


@register.filter
def authors_line(users) -> str:
    """{{ article.authors.all|authors_line }}: every author, joined by the Arabic comma."""
    return bylines.authors_line(users)
