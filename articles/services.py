"""Writes to articles: saving, publishing and the search index they keep current."""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from articles import readership, tasks
from articles.audit import Action, audit_record, publication_action, publication_detail
from articles.html import html_to_text
from articles.models import Article, ArticleEditing, Author, Byline, Section
from articles.search import build_search_texts, search_vector_expression, uses_full_text


def article_search_index_update(*, article: Article) -> None:
    """Rebuild the article's search document (and its tsvector on PostgreSQL).

    Call it after the article, its sections or its tags change. It writes with
    update(), so `updated_at` stays what the newsroom last did.
    """
    sections = list(Section.objects.filter(article=article).order_by("position", "id"))
    texts = build_search_texts(
        title=article.title,
        lead=article.lead,
        headings=[section.heading for section in sections],
        bodies=[html_to_text(section.body) for section in sections],
        tags=list(article.tags.values_list("name", flat=True)),
    )
    changes = {"search_document": texts.document}
    if uses_full_text():
        changes["search_vector"] = search_vector_expression(texts)
    Article.objects.filter(pk=article.pk).update(**changes)
    article.search_document = texts.document


# Later work that hangs on "an article became public, changed, or stopped being public"
# (front-cache purge, newsletter, alerts) adds a callable here, e.g. from its
# AppConfig.ready(). Each is called with article= and was_public= once the transaction
# that made the change commits. Plain callables, not signals: the publishing rules stay
# readable in this module.
article_change_receivers: list[Callable[..., None]] = []


def article_may_publish(user) -> bool:
    """True for those who decide what goes out and when (the محرر group)."""
    return user.has_perm("articles.publish_article")


def article_save(
    *,
    article: Article,
    user,
    status: str,
    published_at: datetime | None,
    save_related: Callable[[], None] | None = None,
    return_note: str | None = None,
) -> Article:
    """Save an article as the newsroom edited it, with the status and date asked for.

    Only who may publish sets "published" or a date (PermissionDenied otherwise).
    "Published" without a date means now; a future date schedules the article.
    `save_related` saves what needs the article's row first (sections, tags, authors);
    the search index is rebuilt after it. A `return_note` (editors only) sends the
    article back to its journalist as a draft; submitting for review clears the note.
    """
    stored = Article.objects.filter(pk=article.pk).values("status", "published_at").first() if article.pk else None
    date_changed = published_at != (stored["published_at"] if stored else None)
    if (status == Article.Status.PUBLISHED or date_changed or return_note) and not article_may_publish(user):
        raise PermissionDenied
    if return_note:
        status, article.return_note = Article.Status.DRAFT, return_note
    elif status != Article.Status.DRAFT:
        article.return_note = ""  # resubmitted or published: the editor's note has been dealt with
    was_public = _is_public(stored)
    was = (stored["status"], stored["published_at"]) if stored else (None, None)
    article.status = status
    article.published_at = published_at
    if status == Article.Status.PUBLISHED and published_at is None:
        article.published_at = timezone.now()
    with transaction.atomic():
        article.save()
        if save_related is not None:
            save_related()
        _article_changed(article=article, was_public=was_public)
        _audit_publication(user=user, article=article, was_status=was[0], was_published_at=was[1])
    return article


def article_publish(*, article: Article, user, at: datetime | None = None) -> Article:
    """Make the article public at `at`, or now; a future `at` schedules it."""
    if not article_may_publish(user):
        raise PermissionDenied
    was_public = article.is_public
    was_status, was_published_at = article.status, article.published_at
    article.status = Article.Status.PUBLISHED
    article.published_at = at or timezone.now()
    with transaction.atomic():
        # Only the publication columns: publishing is not an edit ("آخر تحديث" stays).
        article.save(update_fields=["status", "published_at"])
        _article_changed(article=article, was_public=was_public)
        _audit_publication(user=user, article=article, was_status=was_status, was_published_at=was_published_at)
    return article


def article_schedule(*, article: Article, user, at: datetime) -> Article:
    """Publish the article at a future time `at`; until then it stays hidden."""
    if at <= timezone.now():
        raise ValidationError(gettext("موعد الجدولة يجب أن يكون في المستقبل."), code="past")
    return article_publish(article=article, user=user, at=at)


def article_unpublish(*, article: Article, user) -> Article:
    """Take the article off the site: back to the drafts, its date kept for a later republication."""
    if not article_may_publish(user):
        raise PermissionDenied
    was_public = article.is_public
    was_status = article.status
    article.status = Article.Status.DRAFT
    with transaction.atomic():
        article.save(update_fields=["status"])
        _article_changed(article=article, was_public=was_public)
        _audit_publication(user=user, article=article, was_status=was_status, was_published_at=article.published_at)
    return article


def _audit_publication(*, user, article: Article, was_status, was_published_at) -> None:
    # The audit log editors read: who published, scheduled or unpublished what, and when.
    action = publication_action(article=article, was_status=was_status, was_published_at=was_published_at)
    if action:
        detail = "" if action == Action.UNPUBLISHED else publication_detail(article)
        audit_record(actor=user, action=action, target=article, detail=detail)


def _is_public(stored: dict | None) -> bool:
    return bool(
        stored
        and stored["status"] == Article.Status.PUBLISHED
        and stored["published_at"] is not None
        and stored["published_at"] <= timezone.now()
    )


def article_feature(*, article: Article, user, is_featured: bool, featured_order: int | None) -> Article:
    """Put the article among the home's lead and secondary stories, at `featured_order`, or take it off."""
    if not article_may_publish(user):
        raise PermissionDenied
    article.is_featured, article.featured_order = is_featured, featured_order
    with transaction.atomic():
        # Not an edit of the story: "آخر تحديث" and the search index stay as they are.
        article.save(update_fields=["is_featured", "featured_order"])
        _article_announce(article=article, was_public=article.is_public)
    return article


def _article_changed(*, article: Article, was_public: bool) -> None:
    # The one place every publishing path goes through after writing the article.
    article_search_index_update(article=article)
    _article_announce(article=article, was_public=was_public)


def _article_announce(*, article: Article, was_public: bool) -> None:
    if not (was_public or article.status == Article.Status.PUBLISHED):
        return  # a draft edited: nothing the public saw or will see has changed
    for receiver in list(article_change_receivers):
        transaction.on_commit(partial(receiver, article=article, was_public=was_public))


def article_restore(*, version, user) -> Article:
    """Bring back a saved version's text, sections, tags and cover, as a new version.

    Status and publication date stay as they are now: restoring words never publishes
    or unpublishes anything (that is the buttons' job, and the editors').
    """
    import reversion

    article = Article.objects.get(pk=version.object_id)
    was_public = article.is_public
    status, published_at = article.status, article.published_at
    with transaction.atomic(), reversion.create_revision(manage_manually=True):
        version.revision.revert(delete=True)
        article = Article.objects.get(pk=article.pk)
        article.status, article.published_at = status, published_at
        article.save()
        reversion.add_to_revision(article)  # after the revert: the sections and tags as restored
        reversion.set_user(user)
        reversion.set_comment(gettext("استرجاع نسخة %(when)s") % {"when": _local(version.revision.date_created)})
        _article_changed(article=article, was_public=was_public)
    return article


def _local(moment: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


EDITING_STALE = timedelta(minutes=2)  # the form's heartbeat comes every 20 s


def author_profile_ensure(*, user) -> Author:
    """The byline profile of a newsroom account, made from its name on first use.

    Its slug is the login name (the author page's old address), or that name with a
    number when an agency or guest already took it.
    """
    try:
        return user.author_profile
    except Author.DoesNotExist:
        pass
    base = user.get_username()
    slug, n = base, 2
    while Author.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Author.objects.create(
        user=user, slug=slug, kind=Author.Kind.STAFF, name=user.get_full_name() or user.get_username()
    )


def article_bylines_fill(*, article: Article) -> None:
    """Sign an article that has no byline with the profiles of its desk authors, in the order they were added."""
    if Byline.objects.filter(article=article).exists():
        return
    owners = Article.authors.through.objects.filter(article=article).select_related("user").order_by("id")
    Byline.objects.bulk_create(
        [
            Byline(article=article, author=author_profile_ensure(user=link.user), position=position)
            for position, link in enumerate(owners)
        ]
    )


def article_editing_open(*, article: Article, user) -> list[ArticleEditing]:
    """Record that `user` has the article's form open; the others who have it open now."""
    now = timezone.now()
    mine, created = ArticleEditing.objects.get_or_create(article=article, user=user)
    if not created and mine.seen_at < now - EDITING_STALE:
        mine.since = now  # an old visit: this is a new editing session
    mine.seen_at = now
    mine.save(update_fields=["since", "seen_at"])
    return list(
        ArticleEditing.objects.filter(article=article, seen_at__gte=now - EDITING_STALE)
        .exclude(user=user)
        .select_related("user")
        .order_by("since")
    )


def article_view_record(*, article_id: int, user_agent: str) -> bool:
    """Count one reader's view of an article today; False for a bot, which is not counted.

    Cache operations only, but for a fold once counts have waited: inline with a
    process-local cache, else queued for the worker (at most once per interval).
    """
    if readership.is_bot(user_agent):
        return False
    if readership.view_count(article_id=article_id):
        if readership.fold_in_process():
            readership.views_fold()
        else:
            transaction.on_commit(tasks.fold_views.enqueue)
    return True
