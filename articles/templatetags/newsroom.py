from django import template

from articles import mfa

register = template.Library()


@register.inclusion_tag("admin/second_factor/notice.html", takes_context=True)
def second_factor_notice(context):
    """On the admin index: the account's second factor, offered to whoever has none yet."""
    user = context["request"].user
    return {"has_device": mfa.has_second_factor(user), "csrf_token": context.get("csrf_token")}
