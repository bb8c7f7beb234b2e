"""The site's mail, rendered one way for every app: Arabic, plain text and HTML.

Comments and the mailing list both build their messages here, so the language, the
sender, the site's name in the context and the one-click unsubscribe headers are the
same everywhere. Absolute links for mail (and anything else built outside a request)
come from `absolute_url`.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

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


def mail_message(
    *, mail: RenderedMail, to: list[str], headers: dict | None = None, connection=None
) -> EmailMultiAlternatives:
    """A message of both parts from DEFAULT_FROM_EMAIL, ready to send."""
    message = EmailMultiAlternatives(
        mail.subject, mail.text, settings.DEFAULT_FROM_EMAIL, to, headers=headers or {}, connection=connection
    )
    message.attach_alternative(mail.html, "text/html")
    return message
