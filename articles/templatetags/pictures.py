from django import template

from articles.renditions import srcset

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(image, use, *, alt="", css_class="", first=False):
    """A <picture> of `image` in the widths of `use`, WebP first; `first`: the page's largest paint, not lazy."""
    try:
        renditions = srcset(image, use=use) if image else None
    except OSError:  # the file is gone from storage: show no picture rather than a broken one
        renditions = None
    return {"renditions": renditions, "alt": alt, "css_class": css_class, "first": first}
