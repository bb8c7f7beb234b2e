"""The newsroom's audit log: what was published, moderated, exported or sent, by whom, when."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext

from articles.models import AuditEntry

Action = AuditEntry.Action


def _entry(*, actor, action: str, target, detail: str) -> AuditEntry:
    name = ""
    if actor is not None and actor.is_authenticated:
        name = actor.get_full_name() or actor.get_username()
    else:
        actor = None
    entry = AuditEntry(
        actor=actor,
        actor_name=name or "—",
        action=action,
        target_text=Truncator(str(target)).chars(300),
        detail=Truncator(detail).chars(500),
    )
    if isinstance(target, models.Model):
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
    return entry


def audit_record(*, actor, action: str, target, detail: str = "") -> AuditEntry:
    """Write one entry: `actor` (a user, or None for the system) did `action` to `target` (a row or a text)."""
    entry = _entry(actor=actor, action=action, target=target, detail=detail)
    entry.save()
    return entry


def audit_record_many(*, actor, action: str, targets: Iterable, detail: str = "") -> None:
    """One entry per target, for actions taken on many rows at once (admin bulk actions)."""
    AuditEntry.objects.bulk_create(
        [_entry(actor=actor, action=action, target=target, detail=detail) for target in targets], batch_size=500
    )


def publication_action(*, article, was_status: str | None, was_published_at) -> str | None:
    """What saving `article` did to its publication (published, scheduled, unpublished), if anything."""
    is_published = article.status == article.Status.PUBLISHED
    was_published = was_status == article.Status.PUBLISHED
    if was_published and not is_published:
        return Action.UNPUBLISHED
    if not is_published:
        return None
    in_future = article.published_at is not None and article.published_at > timezone.now()
    if not was_published:
        return Action.SCHEDULED if in_future else Action.PUBLISHED
    if in_future and article.published_at != was_published_at:
        return Action.SCHEDULED  # a published article moved to a later time
    return None


def publication_detail(article) -> str:
    """The publication time an entry about publishing records, in the newsroom's words."""
    if article.published_at is None:
        return ""
    when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
    return gettext("موعد النشر: %(when)s") % {"when": when}
