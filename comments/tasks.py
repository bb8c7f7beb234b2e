from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from comments.models import Comment

MAIL_LANGUAGE = "ar-ma"


def _send(*, template: str, to: str, context: dict, stop_url: str) -> None:
    context = {"site_name": settings.SITE_NAME, "stop_url": stop_url, **context}
    with translation.override(MAIL_LANGUAGE):
        subject = " ".join(render_to_string(f"comments/email/{template}_subject.txt", context).split())
        text = render_to_string(f"comments/email/{template}.txt", context)
        html = render_to_string(f"comments/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={"List-Unsubscribe": f"<{stop_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_comment_notifications(*, comment_id: int) -> int:
    """Mail about a newly approved comment: its author, then the author of the comment it answers.

    Each comment sends these at most once, however often it is approved. Returns the number of mails.
    """
    claimed = (
        Comment.objects.approved().filter(pk=comment_id, notified_at__isnull=True).update(notified_at=timezone.now())
    )
    if not claimed:
        return 0
    comment = Comment.objects.select_related("article", "parent").get(pk=comment_id)
    url = settings.SITE_URL + comment.get_absolute_url()
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
