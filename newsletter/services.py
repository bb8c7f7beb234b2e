"""Everything that changes the list: joining, leaving, erasing, and sending a dispatch.

The mail itself goes out in the background: these services queue `newsletter.tasks`,
which run the sending engine in `newsletter.delivery`.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from articles.mail import MAIL_LANGUAGE
from articles.models import Article
from newsletter import tasks
from newsletter.emails import DigestMail
from newsletter.models import RHYTHM_PERIOD, Delivery, Dispatch, Rhythm, Subscriber

# Joining and leaving


def subscription_request(*, email: str, rhythm: str, consent_text: str, source_page: str = "") -> None:
    """Ask for a subscription; sends a confirmation unless one went out recently.

    Answers nothing: whether the address was new, pending or confirmed must not show,
    not even in how long the request takes. So every path does the same work: one
    locked read, one write, one task queued; the task decides whether a mail goes out.
    """
    email = email.strip().lower()
    now = timezone.now()
    interval = timedelta(seconds=settings.NEWSLETTER_CONFIRM_RESEND_INTERVAL)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().with_email(email).first()
        send = True
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=email,
                        rhythm=rhythm,
                        consent_at=now,
                        consent_text=consent_text,
                        source_page=source_page,
                        confirmation_sent_at=now,
                    )
            except IntegrityError:
                # Someone joined with the same address a moment ago: treat it as theirs.
                return
        elif subscriber.status == Subscriber.Status.CONFIRMED:
            # Nothing changes for a confirmed reader (a stranger may not change their
            # rhythm), but the row is written all the same, as on the other paths.
            Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=F("confirmation_sent_at"))
            send = False
        else:
            # Pending, unsubscribed or bounced: a fresh request, confirmed again.
            recently = bool(subscriber.confirmation_sent_at and subscriber.confirmation_sent_at > now - interval)
            send = not recently
            Subscriber.objects.filter(pk=subscriber.pk).update(
                status=Subscriber.Status.PENDING,
                rhythm=rhythm,
                consent_at=now,
                consent_text=consent_text,
                source_page=source_page,
                confirmation_sent_at=subscriber.confirmation_sent_at if recently else now,
            )
        subscriber_id = subscriber.pk
        transaction.on_commit(lambda: tasks.send_confirmation.enqueue(subscriber_id, send))


def subscription_confirm(*, subscriber: Subscriber) -> bool:
    """Confirm a pending subscriber; False when there was nothing left to confirm."""
    updated = Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.PENDING).update(
        status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    subscriber.refresh_from_db()
    return bool(updated)


def subscription_cancel(*, subscriber: Subscriber) -> None:
    """Unsubscribe at once; deliveries not yet made to them are skipped by the sender."""
    Subscriber.objects.filter(
        pk=subscriber.pk, status__in=[Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING]
    ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    subscriber.refresh_from_db()


def subscription_restore(*, subscriber: Subscriber) -> None:
    """Undo leaving: back to confirmed if they had confirmed, else pending."""
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        return
    subscriber.status = Subscriber.Status.CONFIRMED if subscriber.confirmed_at else Subscriber.Status.PENDING
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["status", "unsubscribed_at"])


def subscriber_erase(*, subscriber: Subscriber) -> None:
    """Erase a subscriber (law 09-08): the record goes; deliveries keep counts, not who."""
    with transaction.atomic():
        subscriber.deliveries.update(last_error="")
        subscriber.delete()


def subscriber_mark_bounced(*, email: str, reason: str) -> bool:
    """Stop mailing an address after a hard bounce or a complaint; False if unknown."""
    updated = (
        Subscriber.objects.with_email(email)
        .exclude(status=Subscriber.Status.BOUNCED)
        .update(status=Subscriber.Status.BOUNCED, bounced_at=timezone.now(), bounce_reason=reason[:40])
    )
    return bool(updated)


# Dispatches


def dispatch_prepare(*, rhythm: str, user=None) -> Dispatch | None:
    """The due digest of this rhythm as a draft, or None when nothing new was published.

    An existing draft is brought up to date; otherwise a new one covers everything
    published since the end of the previous dispatch of the same rhythm.
    """
    now = timezone.now()
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().filter(rhythm=rhythm, status=Dispatch.Status.DRAFT).first()
        if dispatch is None:
            previous = Dispatch.objects.filter(rhythm=rhythm).order_by("-period_end").first()
            start = previous.period_end if previous else now - RHYTHM_PERIOD[Rhythm(rhythm)]
            dispatch = Dispatch(rhythm=rhythm, period_start=start, created_by=user)
        articles = list(
            Article.objects.published().filter(published_at__gt=dispatch.period_start, published_at__lte=now)
        )
        if not articles:
            return None
        dispatch.period_end = now
        dispatch.subject, dispatch.heading = _titles(rhythm, now)
        dispatch.save()
        dispatch.articles.set(articles)
    return dispatch


def _titles(rhythm: str, when: datetime) -> tuple[str, str]:
    """The digest's (subject, heading): the heading names the period, the subject adds the site."""
    with translation.override(MAIL_LANGUAGE):
        day = date_format(timezone.localtime(when), "j F Y")
        if rhythm == Rhythm.WEEKLY:
            heading = gettext("ملخص الأسبوع حتى %(day)s") % {"day": day}
        else:
            heading = gettext("ملخص أخبار %(day)s") % {"day": day}
        subject = gettext("%(site)s — %(heading)s") % {"site": settings.SITE_NAME, "heading": heading}
    return subject, heading


def dispatch_send(*, dispatch: Dispatch) -> bool:
    """Queue a draft for sending to its confirmed readers, once; False if it was not a draft.

    The audience is fixed now, in the same transaction that leaves the draft state: one
    delivery row per reader, so a send that stops can resume without mailing anyone twice.
    """
    with transaction.atomic():
        locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if locked.status != Dispatch.Status.DRAFT:
            return False
        locked.status = Dispatch.Status.SENDING
        locked.queued_at = timezone.now()
        locked.save(update_fields=["status", "queued_at"])
        readers = Subscriber.objects.receiving(locked.rhythm).order_by("pk").values_list("pk", flat=True)
        Delivery.objects.bulk_create(
            (Delivery(dispatch=locked, subscriber_id=pk) for pk in readers.iterator(chunk_size=2000)),
            batch_size=1000,
            ignore_conflicts=True,
        )
        transaction.on_commit(lambda: dispatch_enqueue(dispatch_id=locked.pk))
    dispatch.refresh_from_db()
    return True


def dispatch_enqueue(*, dispatch_id: int, run_after: datetime | None = None) -> None:
    """Queue sending runs, NEWSLETTER_PARALLEL_RUNS of them so as many workers share the send.

    Extra runs are harmless: each only takes rows still waiting.
    """
    for _run in range(max(1, settings.NEWSLETTER_PARALLEL_RUNS)):
        tasks.dispatch_run_enqueue(dispatch_id=dispatch_id, run_after=run_after)


def dispatch_resume_unfinished(*, rhythm: str | None = None) -> int:
    """Queue another run for every dispatch still sending (after a crash); how many."""
    unfinished = Dispatch.objects.filter(status=Dispatch.Status.SENDING)
    if rhythm:
        unfinished = unfinished.filter(rhythm=rhythm)
    ids = list(unfinished.values_list("pk", flat=True))
    for pk in ids:
        dispatch_enqueue(dispatch_id=pk)
    return len(ids)


def dispatch_send_test(*, dispatch: Dispatch, email: str) -> None:
    """Send the digest to one address (an editor's own), outside the delivery log."""
    DigestMail(dispatch).test_message(email).send()
