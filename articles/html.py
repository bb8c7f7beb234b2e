"""Cleaning of the rich text that journalists write."""

import re
from html import unescape

import nh3

# What an article body may hold: structure, emphasis, links, lists, quotes, tables,
# images and figures. No scripts, styles, iframes, forms or event handlers.
ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "span",
}
_COMMON = {"dir", "lang"}
ALLOWED_ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href", "title"},
    "img": _COMMON | {"src", "alt", "width", "height"},
    "figure": _COMMON | {"class"},
    "th": _COMMON | {"colspan", "rowspan", "scope"},
    "td": _COMMON | {"colspan", "rowspan"},
    "ol": _COMMON | {"start", "reversed"},
}
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")
# CKEditor marks image layouts with these classes; nothing else keeps a class.
_FIGURE_CLASSES = {
    "image",
    "table",
    "image-style-side",
    "image-style-block-align-left",
    "image-style-block-align-right",
    "image-style-align-center",
    "image_resized",
}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if name in _FIGURE_CLASSES]
        return " ".join(kept) or None
    if attribute == "dir" and value not in {"rtl", "ltr", "auto"}:
        return None
    return value


def clean_html(html: str) -> str:
    """Return `html` with only the tags, attributes and URL schemes an article may use."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
    # An image the journalist gave no description is decorative to a screen reader,
    # never an unlabelled one; nh3's output is regular enough to add the attribute here.
    return _IMG_WITHOUT_ALT.sub('<img alt=""', cleaned)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, for search and summaries."""
    if not html:
        return ""
    spaced = re.sub(r"<(/p|br|/li|/h[2-4]|/td|/figcaption)\b", r" <\1", html)
    return " ".join(unescape(nh3.clean(spaced, tags=set())).split())
