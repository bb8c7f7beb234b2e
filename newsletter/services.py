"""Everything that changes the list: joining, leaving, erasing, and sending a dispatch."""

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from articles.models import Article
from newsletter.emails import MAIL_LANGUAGE, DigestMail, confirmation_message
from newsletter.models import RHYTHM_PERIOD, Delivery, Dispatch, Rhythm, Subscriber

logger = logging.getLogger(__name__)


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
        transaction.on_commit(lambda: _enqueue_confirmation(subscriber_id, send))


def _enqueue_confirmation(subscriber_id: int, send: bool) -> None:
    from newsletter.tasks import send_confirmation

    send_confirmation.enqueue(subscriber_id, send)


def confirmation_send(*, subscriber_id: int, send: bool = True) -> None:
    """Mail the confirmation link to a still-pending subscriber.

    `send` is False for a request that needed no mail (a confirmed reader, or one who
    got a confirmation moments ago): it was queued only so every request costs the same.
    """
    if not send:
        return
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.PENDING).first()
    if subscriber is not None:
        confirmation_message(subscriber).send()


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
        dispatch.subject = _subject(rhythm, now)
        dispatch.save()
        dispatch.articles.set(articles)
    return dispatch


def _subject(rhythm: str, when: datetime) -> str:
    from django.utils.formats import date_format

    with translation.override(MAIL_LANGUAGE):
        day = date_format(timezone.localtime(when), "j F Y")
        if rhythm == Rhythm.WEEKLY:
            template = gettext("%(site)s — ملخص الأسبوع حتى %(day)s")
        else:
            template = gettext("%(site)s — ملخص أخبار %(day)s")
        return template % {"site": settings.SITE_NAME, "day": day}


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
    """Queue a sending run; extra runs are harmless, each only takes rows still waiting."""
    from newsletter.tasks import send_dispatch

    task = send_dispatch.using(run_after=run_after) if run_after else send_dispatch
    task.enqueue(dispatch_id)


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


@dataclass
class RunReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0
    stopped: bool = False


# Errors about this one message or address: the connection is still good for the rest.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


def dispatch_deliver(*, dispatch_id: int) -> RunReport:
    """Send waiting deliveries of a dispatch in batches until none is due.

    Safe to run in several workers at once: each batch is claimed in one short
    transaction (SKIP LOCKED on PostgreSQL, the write lock on SQLite) and each row is
    marked sent as soon as the mail server accepts its message.
    """
    report = RunReport()
    dispatch = Dispatch.objects.filter(pk=dispatch_id, status=Dispatch.Status.SENDING).first()
    if dispatch is None:
        return report
    mail = DigestMail(dispatch)
    while not report.stopped:
        batch, claim = _claim_batch(dispatch)
        if not batch:
            break
        _send_batch(batch, claim, mail, report)
    _finish_or_reschedule(dispatch)
    return report


def _claim_batch(dispatch: Dispatch) -> tuple[list[Delivery], str]:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT)
    due = Q(status=Delivery.Status.WAITING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    # A row claimed by a worker that died never gets an answer: take it back after a while.
    abandoned = Q(status=Delivery.Status.SENDING, claimed_at__lt=stale)
    claim = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(due | abandoned, dispatch=dispatch)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: settings.NEWSLETTER_BATCH_SIZE]
        )
        if not ids:
            return [], claim
        # The condition is checked again by the UPDATE itself, so a row another worker
        # took in between is simply not ours.
        Delivery.objects.filter(due | abandoned, pk__in=ids).update(
            status=Delivery.Status.SENDING, claim=claim, claimed_at=now
        )
    batch = list(
        Delivery.objects.filter(claim=claim, status=Delivery.Status.SENDING).select_related("subscriber").order_by("pk")
    )
    return batch, claim


def _send_batch(batch: list[Delivery], claim: str, mail: DigestMail, report: RunReport) -> None:
    mine = Delivery.objects.filter(claim=claim)
    done = 0
    heartbeat = timezone.now()
    try:
        with get_connection() as connection:
            for delivery in batch:
                if timezone.now() - heartbeat > timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT / 3):
                    # A slow server must not make a live batch look abandoned to other workers.
                    heartbeat = timezone.now()
                    mine.filter(status=Delivery.Status.SENDING).update(claimed_at=heartbeat)
                subscriber = delivery.subscriber
                if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
                    mine.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED, claim="")
                    report.skipped += 1
                    done += 1
                    continue
                try:
                    accepted = connection.send_messages([mail.message_for(subscriber, connection=connection)])
                except MESSAGE_ERRORS as error:
                    _record_failure(mine, delivery, _error_name(error), report)
                    done += 1
                    continue
                if not accepted:
                    _record_failure(mine, delivery, "not-accepted", report)
                else:
                    mine.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=timezone.now(), claim="")
                    report.sent += 1
                done += 1
    except (smtplib.SMTPException, OSError) as error:
        # The server went away or refused us: this message counts as an attempt, the
        # rest of the batch goes back untouched, and the run stops until a later retry.
        logger.warning("Newsletter SMTP connection failed: %s", type(error).__name__)
        if done < len(batch):
            _record_failure(mine, batch[done], _error_name(error), report)
            done += 1
        _release(mine, batch[done:], delay=True)
        report.stopped = True
    except BaseException:
        # Anything else is a crash: what was not confirmed sent goes back to waiting.
        _release(mine, batch[done:], delay=False)
        raise


def _record_failure(mine, delivery: Delivery, error: str, report: RunReport) -> None:
    attempts = delivery.attempts + 1
    delays = settings.NEWSLETTER_RETRY_DELAYS
    if attempts > len(delays):
        mine.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, attempts=attempts, last_error=error, next_attempt_at=None, claim=""
        )
        report.failed += 1
    else:
        mine.filter(pk=delivery.pk).update(
            status=Delivery.Status.WAITING,
            attempts=attempts,
            last_error=error,
            next_attempt_at=timezone.now() + timedelta(seconds=delays[attempts - 1]),
            claim="",
        )
        report.retrying += 1


def _release(mine, deliveries: list[Delivery], *, delay: bool) -> None:
    if not deliveries:
        return
    next_attempt = timezone.now() + timedelta(seconds=settings.NEWSLETTER_RETRY_DELAYS[0]) if delay else None
    mine.filter(pk__in=[d.pk for d in deliveries]).update(
        status=Delivery.Status.WAITING, claim="", next_attempt_at=next_attempt
    )


def _error_name(error: BaseException) -> str:
    code = getattr(error, "smtp_code", None)
    if code is None and isinstance(error, smtplib.SMTPRecipientsRefused):
        code = next(iter(error.recipients.values()), (None,))[0]
    return f"{type(error).__name__} {code}" if code else type(error).__name__


def _finish_or_reschedule(dispatch: Dispatch) -> None:
    pending = Delivery.objects.filter(dispatch=dispatch, status__in=[Delivery.Status.WAITING, Delivery.Status.SENDING])
    if not pending.exists():
        Dispatch.objects.filter(pk=dispatch.pk, status=Dispatch.Status.SENDING).update(
            status=Dispatch.Status.DONE, finished_at=timezone.now()
        )
        return
    # Rows left for later: retries with a time set, or rows another worker holds (which
    # come back here if it dies). Queue one run for the earliest of them.
    now = timezone.now()
    later = pending.filter(status=Delivery.Status.WAITING).aggregate(at=Min("next_attempt_at"))["at"]
    if pending.filter(status=Delivery.Status.SENDING).exists():
        held = now + timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT + 1)
        later = min(later, held) if later else held
    dispatch_enqueue(dispatch_id=dispatch.pk, run_after=max(later or now, now))
