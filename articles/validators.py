import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from articles.images import image_validate


def validate_image_file(file):
    """A real image, in a format browsers show, within the byte and pixel bounds (see articles.images)."""
    image_validate(file)


def validate_https_url(value):
    """A web address readers can follow safely: https only."""
    if urlsplit(value).scheme != "https":
        raise ValidationError(_("أدخل رابطا آمنا يبدأ بـ https://"), code="not_https")


def _on_site(value, hosts: set[str], message) -> None:
    validate_https_url(value)
    if (urlsplit(value).hostname or "").lower() not in hosts:
        raise ValidationError(message, code="wrong_site")


def validate_x_url(value):
    """An https address of an account on X."""
    _on_site(
        value,
        {"x.com", "www.x.com", "twitter.com", "www.twitter.com"},
        _("أدخل رابط حساب على إكس، مثل https://x.com/…"),
    )


def validate_facebook_url(value):
    """An https address of a Facebook page."""
    _on_site(
        value,
        {"facebook.com", "www.facebook.com", "m.facebook.com"},
        _("أدخل رابط صفحة على فيسبوك، مثل https://www.facebook.com/…"),
    )


_AUTHOR_SLUG = re.compile(r"^[-\w.@+]+\Z")


def validate_author_slug(value):
    """Letters, digits and - _ . @ +: a login name is a valid slug as it is, so old /author/<username>/ links keep working."""
    if not _AUTHOR_SLUG.match(value):
        raise ValidationError(_("استعمل الحروف والأرقام والرموز - _ . @ + فقط، دون مسافات."), code="invalid_slug")
