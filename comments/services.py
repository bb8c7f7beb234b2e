from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from articles.models import Article
from articles.pagecache import pages_invalidate
from comments import spam, tasks
from comments.models import STOP_NOTIFICATIONS_SALT, Comment, CommentReport


def sender_hash(*, address: str) -> str:
    """A keyed hash of a sender's IP address: enough to tell senders apart, useless to recover the address."""
    return salted_hmac("comments.sender-address", address or "", algorithm="sha256").hexdigest()


def comments_are_open(*, article: Article) -> bool:
    """True when readers may comment: open on the article and not older than the closing delay."""
    if not article.comments_open:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days and article.published_at and article.published_at + timedelta(days=days) <= timezone.now():
        return False
    return True


def _is_trusted(*, email: str) -> bool:
    needed = settings.COMMENTS_AUTO_APPROVE_AFTER
    if not needed:
        return False
    history = Comment.objects.by_email(email)
    if history.filter(status=Comment.Status.SPAM).exists():
        return False
    return history.approved().count() >= needed


def comment_submit(
    *,
    article: Article,
    name: str,
    email: str,
    body: str,
    consent_text: str,
    sender_address: str,
    notify_replies: bool = False,
    parent: Comment | None = None,
) -> Comment:
    """Store a reader's comment: held as spam, approved for a trusted address, otherwise pending."""
    now = timezone.now()
    if parent is not None and parent.parent_id:
        parent = parent.parent  # one level of replies: answer the thread, not the reply
    reason = spam.hold_reason(name=name, body=body)
    if reason:
        status = Comment.Status.SPAM
    elif _is_trusted(email=email):
        status = Comment.Status.APPROVED
    else:
        status = Comment.Status.PENDING
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            name=name,
            email=email.strip(),
            body=body,
            status=status,
            hold_reason=reason,
            created_at=now,
            moderated_at=now if status == Comment.Status.APPROVED else None,
            sender_hash=sender_hash(address=sender_address),
            consent_at=now,
            consent_text=consent_text,
            notify_replies=notify_replies,
        )
        if status == Comment.Status.APPROVED:
            article_comment_counts_refresh(article_ids=[article.pk])
            _notify_on_commit([comment.pk])
    return comment


def comments_moderate(*, comments: QuerySet, status: str, moderator) -> int:
    """Give `comments` a moderation status; newly approved ones send their notification mail."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(comments.exclude(status=status).values_list("pk", "article_id"))
        ids = [pk for pk, _ in rows]
        changed = Comment.objects.filter(pk__in=ids).update(status=status, moderated_at=now, moderator=moderator)
        article_comment_counts_refresh(article_ids={article_id for _, article_id in rows})
        if status == Comment.Status.APPROVED:
            _notify_on_commit(ids)
    return changed


def comment_approve(*, comment: Comment, moderator) -> None:
    """Publish one comment (and mail whoever asked)."""
    comments_moderate(
        comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, moderator=moderator
    )


def comments_delete(*, comments: QuerySet) -> int:
    """Delete `comments` (and their replies); the articles' comment counts follow. Returns how many went."""
    with transaction.atomic():
        article_ids = set(comments.values_list("article_id", flat=True))
        deleted, _ = comments.delete()
        article_comment_counts_refresh(article_ids=article_ids)
    return deleted


def article_comment_counts_refresh(*, article_ids) -> None:
    """Recount the approved comments of these articles into Article.comment_count (one UPDATE).

    Every change of what readers see of comments goes through here: once it commits,
    the cached pages showing these articles are rendered anew.
    """
    if not article_ids:
        return
    keys = [f"article-{pk}" for pk in article_ids]
    transaction.on_commit(lambda: pages_invalidate(keys=keys))
    approved = (
        Comment.objects.approved()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Article.objects.filter(pk__in=article_ids).update(
        comment_count=Coalesce(Subquery(approved, output_field=IntegerField()), 0)
    )


def _notify_on_commit(comment_ids: list[int]) -> None:
    for comment_id in comment_ids:
        transaction.on_commit(lambda pk=comment_id: tasks.send_comment_notifications.enqueue(comment_id=pk))


def comment_report(*, comment: Comment, reporter_address: str) -> bool:
    """Count one reader's report; enough distinct readers send an approved comment back to review.

    Returns False when this reader had already reported the comment.
    """
    reporter = sender_hash(address=reporter_address)
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter_hash=reporter)
    except IntegrityError:
        return False
    reports = CommentReport.objects.filter(comment=comment)
    comment.report_count = reports.count()
    update = ["report_count"]
    # Only reports made since the last editor's decision count towards the threshold, so
    # an editor who keeps a reported comment is not overruled by the same old reports.
    recent = reports.filter(created_at__gt=comment.moderated_at) if comment.moderated_at else reports
    if comment.status == Comment.Status.APPROVED and recent.count() >= settings.COMMENTS_REPORT_THRESHOLD:
        comment.status = Comment.Status.PENDING
        reported = ngettext("أبلغ عنه قارئ واحد", "أبلغ عنه %(count)d قراء", comment.report_count)
        comment.hold_reason = reported % {"count": comment.report_count}
        update += ["status", "hold_reason"]
    comment.save(update_fields=update)
    if "status" in update:
        article_comment_counts_refresh(article_ids=[comment.article_id])
    return True


def stop_token_is_valid(*, token: str) -> bool:
    """True when a stop-notifications token was made by this site."""
    try:
        signing.loads(token, salt=STOP_NOTIFICATIONS_SALT)
    except signing.BadSignature:
        return False
    return True


def notifications_stop(*, token: str) -> bool:
    """Stop every notification to the address of the comment named in a signed stop token; False if forged."""
    try:
        comment_id = signing.loads(token, salt=STOP_NOTIFICATIONS_SALT)
    except signing.BadSignature:
        return False
    email = Comment.objects.filter(pk=comment_id).values_list("email", flat=True).first()
    if email:
        Comment.objects.by_email(email).filter(notify_replies=True).update(notify_replies=False)
    return True
