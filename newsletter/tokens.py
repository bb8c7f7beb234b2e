"""Signed tokens for the links in the list's mail.

A confirmation link expires; an unsubscribe link never does, because it sits in every
newsletter a subscriber keeps. Both carry the subscriber's random key, never the id or
the address, each signed with its own salt so one cannot stand in for the other.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

from newsletter.models import Subscriber

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps(str(subscriber.key), salt=CONFIRM_SALT)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.key))


def subscriber_for_confirm_token(token: str) -> Subscriber:
    """The subscriber a confirmation link names; TokenExpired, TokenInvalid or DoesNotExist."""
    try:
        key = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise TokenExpired from None
    except signing.BadSignature:
        raise TokenInvalid from None
    return _by_key(key)


def subscriber_for_unsubscribe_token(token: str) -> Subscriber:
    """The subscriber an unsubscribe link names; TokenInvalid or DoesNotExist."""
    try:
        key = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        raise TokenInvalid from None
    return _by_key(key)


def _by_key(key) -> Subscriber:
    # A signed value is ours, but an old or hand-made one may not be a UUID at all.
    try:
        return Subscriber.objects.get(key=key)
    except (ValueError, ValidationError):
        raise Subscriber.DoesNotExist from None
