from django import template

from articles.frontpage import end_of_day, relative_time

register = template.Library()


@register.filter
def since(value):
    """«منذ 5 دقائق» for a time earlier today, else ""."""
    return relative_time(value) if value else ""


@register.filter
def day_end(value):
    """Midnight after `value`, Casablanca time."""
    return end_of_day(value) if value else None
