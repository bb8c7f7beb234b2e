from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.fragments import fragment
from comments.forms import STARTED_MARK
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


@register.simple_tag
def comment_entry(comment, *, replies_open=False):
    """One published comment (templates/comments/comment.html), drawn once per process for what it shows."""
    replies_open = bool(replies_open)
    return fragment(
        "comments/comment.html",
        (comment.pk, comment.name, comment.body, comment.created_at, replies_open),
        {"comment": comment, "comment_form": replies_open},
    )


@register.simple_tag(takes_context=True)
def comment_form(context, form, *, article, reply_to=None):
    """The comment form (templates/comments/form.html); an empty one is drawn once per process.

    An empty form differs between readers only by its signed "started" value, which is
    put into the kept HTML for each page: here, or, in a part the page keeps
    (`{% keep %}`), by that part for each request (the block's `kept_fills`). A form
    sent back with errors carries what the reader typed, and is drawn every time.
    """
    if form.is_bound:
        return render_to_string("comments/form.html", {"form": form, "article": article, "reply_to": reply_to})
    started = form.initial.get("started", "")
    key = (
        article.pk,
        article.slug,
        reply_to.pk if reply_to else None,
        reply_to.name if reply_to else None,
        form.initial.get("parent"),
        form.fields["body"].widget.attrs.get("maxlength"),
    )
    form.initial = {**form.initial, "started": STARTED_MARK}
    try:
        html = fragment("comments/form.html", key, {"form": form, "article": article, "reply_to": reply_to})
    finally:
        form.initial = {**form.initial, "started": started}
    if context.get("kept_drawing"):
        return html
    return mark_safe(html.replace(STARTED_MARK, started))  # noqa: S308 - a signed value of [A-Za-z0-9:_-]
