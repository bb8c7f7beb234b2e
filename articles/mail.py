"""The site's mail, rendered one way for every app: Arabic, plain text and HTML.

Comments and the mailing list both build their messages here, so the language, the
sender, the site's name in the context and the one-click unsubscribe headers are the
same everywhere. Absolute links for mail (and anything else built outside a request)
come from `absolute_url`.

Every message is built to read cleanly to a provider's parser (`email.policy.default`):
a subject folded with the header's name counted, a Date with the local offset, a
Message-ID and a Feedback-ID at the site's own host.
"""

from dataclasses import dataclass, replace
from email.header import Header
from email.utils import format_datetime, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import punycode

MAIL_LANGUAGE = "ar-ma"


def absolute_url(path: str) -> str:
    """`path` on the site's public address (DJANGO_SITE_URL)."""
    return settings.SITE_URL + path


def site_host() -> str:
    """The host name of the site's public address, without scheme or port."""
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str

    def replace_text(self, old: str, new: str) -> "RenderedMail":
        """The same mail with `old` replaced in both bodies (a per-reader link, say)."""
        return replace(self, text=self.text.replace(old, new), html=self.html.replace(old, new))


def mail_render(*, template: str, context: dict, subject: str | None = None) -> RenderedMail:
    """`template`.txt and `template`.html (and `template`_subject.txt unless `subject` is given) in the mail language.

    The context always has `site_name` and `site_url`. A rendered subject is folded onto
    one line: a header cannot hold a line break.
    """
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    with translation.override(MAIL_LANGUAGE):
        if subject is None:
            subject = render_to_string(f"{template}_subject.txt", context)
        return RenderedMail(
            subject=" ".join(str(subject).split()),
            text=render_to_string(f"{template}.txt", context),
            html=render_to_string(f"{template}.html", context),
        )


def unsubscribe_headers(url: str, *, mailto: str = "") -> dict[str, str]:
    """The List-Unsubscribe headers (RFC 2369) with the one-click POST of RFC 8058."""
    unsubscribe = f"<{url}>"
    if mailto:
        unsubscribe += f", <mailto:{mailto}?subject=unsubscribe>"
    return {"List-Unsubscribe": unsubscribe, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


class SiteMessage(EmailMultiAlternatives):
    """Django's message with the Subject and Date headers a modern parser reads as written."""

    def message(self):
        msg = super().message()
        # Django encodes a non-ASCII subject without counting "Subject: ", so the header
        # is folded before its first word and policy.default reads a leading space.
        charset = None if str(self.subject).isascii() else "utf-8"
        msg.replace_header("Subject", Header(str(self.subject), charset, header_name="Subject"))
        if "date" not in {name.lower() for name in self.extra_headers}:
            # formatdate() gives "-0000" (offset unknown) unless EMAIL_USE_LOCALTIME.
            msg.replace_header("Date", format_datetime(timezone.localtime()))
        return msg


def feedback_id(campaign: str, kind: str) -> str:
    """Gmail's Feedback-ID, `campaign:kind:sender`, with the site's host as the sender."""
    return f"{campaign}:{kind}:{punycode(site_host())}"


def mail_message(
    *,
    mail: RenderedMail,
    to: list[str],
    feedback: tuple[str, str],
    headers: dict | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """A message of both parts from DEFAULT_FROM_EMAIL, ready to send.

    `feedback` is the (campaign, kind) of its Feedback-ID, one per kind of mail. A
    Message-ID in `headers` is kept; otherwise one is made at the site's host.
    """
    headers = {
        "Message-ID": make_msgid(domain=punycode(site_host())),
        "Feedback-ID": feedback_id(*feedback),
        **(headers or {}),
    }
    message = SiteMessage(
        mail.subject, mail.text, settings.DEFAULT_FROM_EMAIL, to, headers=headers, connection=connection
    )
    message.attach_alternative(mail.html, "text/html")
    return message
