"""Turning a reader's plain-text comment into safe HTML."""

import re

from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

# Runs on text that is already escaped: a link ends at white space or at an escaped
# quote or angle bracket, so it can never leave its attribute or open a tag.
_URL = re.compile(r"https?://(?:(?!&(?:lt|gt|quot|#x27|#39);)\S)+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}،؛؟»"


def _link(match: re.Match) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    if url.lower() in {"http://", "https://"}:
        return match.group(0)
    return f'<a href="{url}" rel="nofollow ugc noopener" dir="ltr">{url}</a>{tail}'


def comment_html(text: str) -> SafeString:
    """A comment body as HTML: everything escaped, paragraphs and line breaks kept, http(s) links clickable."""
    return mark_safe(linebreaks(_URL.sub(_link, escape(text or ""))))
