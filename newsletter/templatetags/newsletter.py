from django import template
from django.template.loader import render_to_string

from articles.fragments import fragment
from newsletter.forms import SubscribeForm

register = template.Library()

TEMPLATE = "newsletter/includes/signup_box.html"


@register.simple_tag(takes_context=True)
def signup_box(context, form=None):
    """{% signup_box %}: the mailing-list box, blank and remembering this page, or `form` as it was sent.

    The blank box differs between pages only by the path it remembers, so each process
    draws it once per path (articles.fragments); a form sent back is drawn every time.
    """
    if form is not None:
        return render_to_string(TEMPLATE, {"form": form})
    request = context.get("request")
    source = request.path if request else ""
    return fragment(TEMPLATE, (source,), lambda: {"form": SubscribeForm(initial={"source": source})})
