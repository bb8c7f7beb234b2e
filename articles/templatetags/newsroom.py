from django import template

from articles import mfa

register = template.Library()


@register.inclusion_tag("admin/second_factor/notice.html", takes_context=True)
def second_factor_notice(context):
    """On the admin index: the account's second factor, offered to whoever has none yet."""
    user = context["request"].user
    return {"has_device": mfa.has_second_factor(user), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("admin/articles/desk_notice.html", takes_context=True)
def desk_notice(context):
    """On the admin index: what waits for this person, each with a link to the list."""
    from articles.models import Article
    from articles.services import article_may_publish

    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"items": []}
    if article_may_publish(user):
        counts = [
            ("review", Article.objects.in_review().count()),
            ("scheduled_today", Article.objects.scheduled_today().count()),
        ]
    else:
        counts = [("returned", Article.objects.returned_to(user).count())]
    return {"items": counts}
