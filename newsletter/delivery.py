"""The list's sending engine: confirmation mail and the batched, resumable digest send.

It knows nothing of the task queue: `newsletter.tasks` runs it, and queues the next run
at the `resume_at` a report names.
"""

import logging
import smtplib
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from newsletter.emails import DigestMail, DigestWire, confirmation_message
from newsletter.models import Delivery, Dispatch, Subscriber

logger = logging.getLogger(__name__)


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


@dataclass
class RunReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0
    stopped: bool = False
    # When deliveries remain (retries, rows another worker holds): when to run again.
    resume_at: datetime | None = None

    def counts(self) -> dict:
        return {"sent": self.sent, "failed": self.failed, "retrying": self.retrying, "skipped": self.skipped}


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
    report.resume_at = _finish_or_resume_at(dispatch)
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
    with _quick_commits():
        _send_claimed(batch, claim, mail, report)


@contextmanager
def _quick_commits():
    """Commits that do not wait for PostgreSQL's disk flush (the rows are marked one by one).

    A committed mark is at once seen by every worker and survives a killed worker; only
    a crash of the database server itself may lose the last fraction of a second of
    marks, and those messages go out again with the same Message-ID.
    """
    if db_connection.vendor != "postgresql":
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with db_connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _send_claimed(batch: list[Delivery], claim: str, mail: DigestMail, report: RunReport) -> None:
    mine = Delivery.objects.filter(claim=claim)
    done = 0
    heartbeat = timezone.now()
    try:
        with get_connection() as connection:
            # Over SMTP the message is encoded once per batch (a fresh Date each time);
            # other backends (the console, files, tests' outbox) take message objects.
            wire = mail.wire() if isinstance(connection, SMTPBackend) else None
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
                    accepted = _send_one(connection, wire, mail, subscriber)
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


def _send_one(connection, wire: DigestWire | None, mail: DigestMail, subscriber: Subscriber) -> int:
    data = wire.bytes_for(subscriber) if wire else None
    if data is None:
        return connection.send_messages([mail.message_for(subscriber, connection=connection)])
    # What Django's SMTP backend does with a message, minus encoding it again.
    connection.connection.sendmail(wire.sender, [subscriber.email], data)
    return 1


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


def _finish_or_resume_at(dispatch: Dispatch) -> datetime | None:
    pending = Delivery.objects.filter(dispatch=dispatch, status__in=[Delivery.Status.WAITING, Delivery.Status.SENDING])
    if not pending.exists():
        Dispatch.objects.filter(pk=dispatch.pk, status=Dispatch.Status.SENDING).update(
            status=Dispatch.Status.DONE, finished_at=timezone.now()
        )
        return None
    # Rows left for later: retries with a time set, or rows another worker holds (which
    # come back here if it dies). One more run is due at the earliest of them.
    now = timezone.now()
    later = pending.filter(status=Delivery.Status.WAITING).aggregate(at=Min("next_attempt_at"))["at"]
    if pending.filter(status=Delivery.Status.SENDING).exists():
        held = now + timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT + 1)
        later = min(later, held) if later else held
    return max(later or now, now)
