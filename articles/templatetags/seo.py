import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.encoding import uri_to_iri
from django.utils.functional import LazyObject, empty
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.metadata import local_iso

register = template.Library()

# As json_script does: no "<", ">" or "&" survives, so no title can close the script.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(value):
    """`value` as a <script type="application/ld+json"> element, safely escaped."""
    if isinstance(value, LazyObject):  # computed when the page is drawn (articles.pages)
        if value._wrapped is empty:
            value._setup()
        value = value._wrapped
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))


@register.filter
def readable_url(value):
    """A percent-encoded URL as a reader would type it: Arabic letters, not %D8%A7…"""
    return uri_to_iri(value)


@register.filter
def iso_time(value):
    """`value` as a machine-readable time in Casablanca, to the second: 2024-12-05T11:30:00+01:00.

    The W3C checker rejects the microseconds `|date:"c"` prints for a datetime attribute.
    """
    return local_iso(value) if value else ""
