from django import template

from newsletter.forms import SubscribeForm

register = template.Library()


@register.inclusion_tag("newsletter/includes/signup_box.html", takes_context=True)
def signup_box(context, form=None):
    """{% signup_box %}: the mailing-list box, blank and remembering this page, or `form` as it was sent."""
    if form is None:
        request = context.get("request")
        form = SubscribeForm(initial={"source": request.path if request else ""})
    return {"form": form, "csrf_token": context.get("csrf_token"), "request": context.get("request")}
