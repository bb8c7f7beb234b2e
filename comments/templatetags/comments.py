from django import template

from comments.html import comment_html
from comments.models import Comment

register = template.Library()


@register.filter(name="comment_html")
def comment_html_filter(text: str):
    """{{ comment.body|comment_html }}: the escaped body with line breaks and safe links."""
    return comment_html(text)


@register.inclusion_tag("comments/admin_pending.html", takes_context=True)
def pending_comments_notice(context):
    """On the admin index: how many comments wait, for those who may moderate them."""
    user = context["request"].user
    if not user.has_perm("comments.change_comment"):
        return {"show": False}
    return {"show": True, "count": Comment.objects.pending().count()}
