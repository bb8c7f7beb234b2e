"""The list's mail: the confirmation request and the digest, Arabic, HTML and plain text.

Rendering, language and headers come from `articles.mail`, as for every mail of the site.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from articles.mail import MAIL_LANGUAGE, absolute_url, mail_message, mail_render, site_host, unsubscribe_headers
from newsletter.models import Dispatch, Subscriber
from newsletter.tokens import confirm_token, unsubscribe_token

# Stands in for each reader's own unsubscribe link in a digest rendered once for all.
UNSUBSCRIBE_MARK = "NEWSLETTER-UNSUBSCRIBE-URL-f3b1c0"


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber)]))


def confirmation_message(subscriber: Subscriber, *, connection=None) -> EmailMultiAlternatives:
    context = {
        "confirm_url": absolute_url(reverse("newsletter:confirm", args=[confirm_token(subscriber)])),
        "max_age_days": settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400,
        "subscriber": subscriber,
    }
    mail = mail_render(template="newsletter/email/confirm", context=context)
    return mail_message(mail=mail, to=[subscriber.email], feedback=("confirm", "newsletter"), connection=connection)


def delivery_message_id(*, dispatch_id: int, subscriber_id: int) -> str:
    """The Message-ID of one delivery: the same every time that delivery is sent."""
    return f"<digest.{dispatch_id}.{subscriber_id}@{site_host()}>"


class DigestMail:
    """A dispatch rendered once; `message_for()` personalises it per reader."""

    def __init__(self, dispatch: Dispatch):
        # The digest is the same for every reader but for the unsubscribe link, so
        # rendering once and swapping the link in keeps a 10,000-reader send cheap.
        self.dispatch_id = dispatch.pk
        articles = list(dispatch.articles.select_related("category").order_by("-published_at", "-id"))
        context = {
            "dispatch": dispatch,
            "heading": dispatch.heading,
            "articles": [(article, absolute_url(article.get_absolute_url())) for article in articles],
            "privacy_url": absolute_url(reverse("newsletter:privacy")),
            "unsubscribe_url": UNSUBSCRIBE_MARK,
        }
        self.mail = mail_render(template="newsletter/email/digest", context=context, subject=dispatch.subject)

    def message_for(self, subscriber: Subscriber, *, connection=None) -> EmailMultiAlternatives:
        link = unsubscribe_url(subscriber)
        headers = {
            **unsubscribe_headers(link, mailto=settings.NEWSLETTER_UNSUBSCRIBE_MAILTO),
            "List-Id": f"<newsletter.{site_host()}>",
            # One id per (dispatch, reader): a message sent again after a worker died between
            # the SMTP server's "accepted" and the row marked sent is, to the receiving
            # provider, the same message, which it may drop as a duplicate.
            "Message-ID": delivery_message_id(dispatch_id=self.dispatch_id, subscriber_id=subscriber.pk),
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        }
        mail = self.mail.replace_text(UNSUBSCRIBE_MARK, link)
        return mail_message(
            mail=mail,
            to=[subscriber.email],
            feedback=(f"digest-{self.dispatch_id}", "newsletter"),
            headers=headers,
            connection=connection,
        )

    def test_message(self, email: str, *, connection=None) -> EmailMultiAlternatives:
        """The digest for an editor's own inbox: marked as a test, no personal link."""
        message = mail_message(
            mail=self._without_personal_link(),
            to=[email],
            feedback=(f"test-digest-{self.dispatch_id}", "newsletter"),
            connection=connection,
        )
        with translation.override(MAIL_LANGUAGE):
            message.subject = gettext("[تجربة] %(subject)s") % {"subject": self.mail.subject}
        return message

    def preview_html(self) -> str:
        return self._without_personal_link().html

    def _without_personal_link(self):
        return self.mail.replace_text(UNSUBSCRIBE_MARK, absolute_url(reverse("newsletter:privacy")))
