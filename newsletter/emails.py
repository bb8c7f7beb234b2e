"""The list's mail: the confirmation request and the digest, Arabic, HTML and plain text.

Rendering, language and headers come from `articles.mail`, as for every mail of the site.
"""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from articles.mail import MAIL_LANGUAGE, absolute_url, mail_message, mail_render, site_host, unsubscribe_headers
from newsletter.models import Dispatch, Subscriber
from newsletter.tokens import confirm_token, unsubscribe_token

# Stand in for each reader's own unsubscribe link, address and id in a digest built once for all.
UNSUBSCRIBE_MARK = "NEWSLETTER-UNSUBSCRIBE-URL-f3b1c0"
ADDRESS_MARK = "newsletter-reader-f3b1c0@example.invalid"
READER_ID_MARK = "NEWSLETTER-READER-ID-f3b1c0"

# What may replace a mark in bytes already encoded: nothing a header or an 8-bit or
# quoted-printable body would have to encode (no "=", no space, no line break).
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+")
PLAIN_LINK = re.compile(r"https?://[A-Za-z0-9.:/_~%-]+")
# RFC 5322: a line of a message, without its CRLF, holds at most 998 characters.
MAX_LINE = 998


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
        return self._message(
            link=unsubscribe_url(subscriber), to=subscriber.email, reader_id=subscriber.pk, connection=connection
        )

    def wire(self) -> "DigestWire | None":
        """The digest as the bytes an SMTP server receives, for `DigestWire.bytes_for()`.

        None when the encoded message does not hold each mark whole, once per place it was
        put (a body the encoder had to wrap, say): then each reader's message is built
        on its own, as `message_for()` does.
        """
        message = self._message(link=UNSUBSCRIBE_MARK, to=ADDRESS_MARK, reader_id=READER_ID_MARK)
        data = message.message().as_bytes(linesep="\r\n")
        expected = {
            UNSUBSCRIBE_MARK: self.mail.text.count(UNSUBSCRIBE_MARK) + self.mail.html.count(UNSUBSCRIBE_MARK) + 1,
            ADDRESS_MARK: 1,
            READER_ID_MARK: 1,
        }
        if any(data.count(mark.encode()) != count for mark, count in expected.items()):
            return None
        return DigestWire(
            data, sender=sanitize_address(message.from_email, message.encoding or settings.DEFAULT_CHARSET)
        )

    def _message(self, *, link: str, to: str, reader_id, connection=None) -> EmailMultiAlternatives:
        headers = {
            **unsubscribe_headers(link, mailto=settings.NEWSLETTER_UNSUBSCRIBE_MAILTO),
            "List-Id": f"<newsletter.{site_host()}>",
            # One id per (dispatch, reader): a message sent again after a worker died between
            # the SMTP server's "accepted" and the row marked sent is, to the receiving
            # provider, the same message, which it may drop as a duplicate.
            "Message-ID": delivery_message_id(dispatch_id=self.dispatch_id, subscriber_id=reader_id),
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        }
        mail = self.mail.replace_text(UNSUBSCRIBE_MARK, link)
        return mail_message(
            mail=mail,
            to=[to],
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


class DigestWire:
    """One dispatch's encoded message, cut at the marks, put together again per reader.

    Encoding a two-part Arabic message costs more than everything else a delivery does;
    here it is done once per batch, and each reader costs a join of bytes.
    """

    def __init__(self, data: bytes, *, sender: str):
        self.sender = sender
        marks = (UNSUBSCRIBE_MARK, ADDRESS_MARK, READER_ID_MARK)
        pattern = re.compile(b"(" + b"|".join(re.escape(mark.encode()) for mark in marks) + b")")
        # Even places hold the message's own bytes, odd places the mark that goes between them.
        self.pieces = pattern.split(data)
        # A longer link must not push a line that holds it past the limit.
        lines = [line for line in data.split(b"\r\n") if UNSUBSCRIBE_MARK.encode() in line]
        room = min(((MAX_LINE - len(line)) // line.count(UNSUBSCRIBE_MARK.encode()) for line in lines), default=0)
        self.link_room = room + len(UNSUBSCRIBE_MARK)

    def bytes_for(self, subscriber: Subscriber) -> bytes | None:
        """The message for `subscriber`, or None when their address or link needs encoding."""
        link = unsubscribe_url(subscriber)
        if (
            not PLAIN_ADDRESS.fullmatch(subscriber.email)
            or not PLAIN_LINK.fullmatch(link)
            or len(link) > self.link_room
        ):
            return None
        values = {
            UNSUBSCRIBE_MARK.encode(): link.encode(),
            ADDRESS_MARK.encode(): subscriber.email.encode(),
            READER_ID_MARK.encode(): str(subscriber.pk).encode(),
        }
        pieces = self.pieces.copy()
        pieces[1::2] = [values[mark] for mark in pieces[1::2]]
        return b"".join(pieces)
