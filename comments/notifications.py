"""Mail about a reader's comment once it is published: to its author, and to the author it answers."""

from django.utils import timezone

from articles.mail import absolute_url, mail_message, mail_render, unsubscribe_headers
from comments.models import Comment


def _send(*, template: str, to: str, context: dict, stop_url: str) -> None:
    mail = mail_render(template=f"comments/email/{template}", context={"stop_url": stop_url, **context})
    message = mail_message(mail=mail, to=[to], feedback=(template, "comments"), headers=unsubscribe_headers(stop_url))
    message.send()


def comment_notifications_send(*, comment_id: int) -> int:
    """Mail about a newly approved comment: its author, then the author of the comment it answers.

    Each comment sends these at most once, however often it is approved. Returns the number of mails.
    """
    claimed = (
        Comment.objects.approved().filter(pk=comment_id, notified_at__isnull=True).update(notified_at=timezone.now())
    )
    if not claimed:
        return 0
    comment = Comment.objects.select_related("article", "parent").get(pk=comment_id)
    url = absolute_url(comment.get_absolute_url())
    sent = 0
    if comment.notify_replies:
        _send(
            template="approved",
            to=comment.email,
            context={"comment": comment, "article": comment.article, "url": url},
            stop_url=comment.stop_url,
        )
        sent += 1
    parent = comment.parent
    if parent and parent.notify_replies and parent.email.strip().lower() != comment.email.strip().lower():
        _send(
            template="reply",
            to=parent.email,
            context={"comment": comment, "parent": parent, "article": comment.article, "url": url},
            stop_url=parent.stop_url,
        )
        sent += 1
    return sent
