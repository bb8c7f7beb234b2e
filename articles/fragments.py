"""Pieces of HTML drawn once per process for exactly what they show.

A listing, the home or an article page draws dozens of cards and comments, and drawing
one through the template engine costs more than the page's queries. Each such piece is
kept here under a key made of every value its template reads (and the language and time
zone it reads them in): an edit is a new key, so the piece is drawn again and nothing
has to be invalidated. Nothing is shared between processes; the memory is bounded and
emptied when full, and when a template changes under the development server, which
reloads templates without restarting.
"""

from collections.abc import Callable

from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString

FRAGMENT_MEMORY_SIZE = 3000  # about 1.5 KB each: a few MB a worker at most

_drawn: dict[tuple, SafeString] = {}


def forget_fragments(**kwargs) -> None:
    _drawn.clear()


file_changed.connect(forget_fragments, dispatch_uid="articles.fragments.forget")


def fragment(template_name: str, key: tuple, context: dict | Callable[[], dict]) -> SafeString:
    """`template_name` rendered with `context`, kept under `key`: every value the template reads from `context`.

    `context` may be a function giving it, called only when the piece is drawn.
    """
    full_key = (template_name, translation.get_language(), timezone.get_current_timezone_name(), *key)
    html = _drawn.get(full_key)
    if html is None:
        html = get_template(template_name).render(context() if callable(context) else context)
        if len(_drawn) >= FRAGMENT_MEMORY_SIZE:
            _drawn.clear()
        _drawn[full_key] = html
    return html
