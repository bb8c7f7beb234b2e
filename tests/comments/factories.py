"""Test data for comments, made through the real services."""

from datetime import timedelta

from django.utils import timezone

from comments.forms import CONSENT_TEXT, sign_started
from comments.models import Comment
from comments.services import comment_submit, comments_moderate


def form_data(**overrides) -> dict:
    """What a reader's browser posts: a filled form that was opened a minute ago."""
    data = {
        "name": "فاطمة الزهراء",
        "email": "fatima@example.ma",
        "body": "مقال مفيد، شكرا على هذا العمل.",
        "consent": "on",
        "website": "",
        "started": sign_started(at=timezone.now() - timedelta(minutes=1)),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_comment(article, *, status=Comment.Status.APPROVED, parent=None, address="10.0.0.1", **fields) -> Comment:
    """A comment as comment_submit stores it, then given `status` by an editor."""
    values = {"name": "قارئ", "email": "reader@example.ma", "body": "تعليق عادي.", **fields}
    comment = comment_submit(
        article=article,
        parent=parent,
        consent_text=str(CONSENT_TEXT),
        sender_address=address,
        **values,
    )
    if comment.status != status:
        comments_moderate(comments=Comment.objects.filter(pk=comment.pk), status=status, moderator=None)
        comment.refresh_from_db()
    return comment
