"""The list's mail: the confirmation request and the digest, Arabic, HTML and plain text."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from newsletter.models import Dispatch, Subscriber
from newsletter.tokens import confirm_token, unsubscribe_token

MAIL_LANGUAGE = "ar-ma"
# Stands in for each reader's own unsubscribe link in a digest rendered once for all.
UNSUBSCRIBE_MARK = "NEWSLETTER-UNSUBSCRIBE-URL-f3b1c0"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber)]))


def confirmation_message(subscriber: Subscriber, *, connection=None) -> EmailMultiAlternatives:
    with translation.override(MAIL_LANGUAGE):
        context = {
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "confirm_url": absolute(reverse("newsletter:confirm", args=[confirm_token(subscriber)])),
            "max_age_days": settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400,
            "subscriber": subscriber,
        }
        subject = gettext("أكّد اشتراكك في القائمة البريدية لـ%(site)s") % {"site": settings.SITE_NAME}
        text = render_to_string("newsletter/email/confirm.txt", context)
        html = render_to_string("newsletter/email/confirm.html", context)
    message = EmailMultiAlternatives(subject, text, to=[subscriber.email], connection=connection)
    message.attach_alternative(html, "text/html")
    return message


class DigestMail:
    """A dispatch rendered once; `message_for()` personalises it per reader."""

    def __init__(self, dispatch: Dispatch):
        # The digest is the same for every reader but for the unsubscribe link, so
        # rendering once and swapping the link in keeps a 10,000-reader send cheap.
        articles = list(dispatch.articles.select_related("category").order_by("-published_at", "-id"))
        with translation.override(MAIL_LANGUAGE):
            context = {
                "dispatch": dispatch,
                # The subject starts with the site's name, which the mail shows above it.
                "heading": dispatch.subject.split(" — ", 1)[-1],
                "articles": [(article, absolute(article.get_absolute_url())) for article in articles],
                "site_name": settings.SITE_NAME,
                "site_url": settings.SITE_URL,
                "privacy_url": absolute(reverse("newsletter:privacy")),
                "unsubscribe_url": UNSUBSCRIBE_MARK,
            }
            self.subject = dispatch.subject
            self.text = render_to_string("newsletter/email/digest.txt", context)
            self.html = render_to_string("newsletter/email/digest.html", context)

    def message_for(self, subscriber: Subscriber, *, connection=None) -> EmailMultiAlternatives:
        link = unsubscribe_url(subscriber)
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<newsletter.{_host()}>",
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        }
        if settings.NEWSLETTER_UNSUBSCRIBE_MAILTO:
            headers["List-Unsubscribe"] += f", <mailto:{settings.NEWSLETTER_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>"
        return self._message([subscriber.email], link, headers, connection)

    def test_message(self, email: str, *, connection=None) -> EmailMultiAlternatives:
        """The digest for an editor's own inbox: marked as a test, no personal link."""
        message = self._message([email], absolute(reverse("newsletter:privacy")), {}, connection)
        with translation.override(MAIL_LANGUAGE):
            message.subject = gettext("[تجربة] %(subject)s") % {"subject": self.subject}
        return message

    def preview_html(self) -> str:
        return self.html.replace(UNSUBSCRIBE_MARK, absolute(reverse("newsletter:privacy")))

    def _message(self, to, link, headers, connection):
        message = EmailMultiAlternatives(
            self.subject, self.text.replace(UNSUBSCRIBE_MARK, link), to=to, headers=headers, connection=connection
        )
        message.attach_alternative(self.html.replace(UNSUBSCRIBE_MARK, link), "text/html")
        return message


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
