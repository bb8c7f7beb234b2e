"""Builders and probes for the mailing-list tests."""

import re
import threading
from email import message_from_bytes, policy

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from newsletter.models import Rhythm, Subscriber


def make_subscriber(email=None, *, status=Subscriber.Status.CONFIRMED, rhythm=Rhythm.DAILY, **fields):
    now = timezone.now()
    email = email or f"reader{Subscriber.objects.count() + 1}@example.ma"
    return Subscriber.objects.create(
        email=email,
        status=status,
        rhythm=rhythm,
        consent_at=now,
        consent_text="نص الموافقة",
        confirmed_at=now if status == Subscriber.Status.CONFIRMED else None,
        **fields,
    )


def make_subscribers(count, **fields):
    return [make_subscriber(f"reader{n:05d}@example.ma", **fields) for n in range(count)]


def links_in(message, name):
    """The site links of one kind (confirm, unsubscribe…) in a message's plain text."""
    return re.findall(rf"https?://\S+/newsletter/{name}/[^\s/]+/", message.body)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def html_part(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def recipients_of(messages):
    return [address for message in messages for address in message.to]


def parse(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


class Plan:
    """What the test mail backend does: accept, or fail at the Nth message, or wait."""

    fail_at = None  # 1-based index of the message that raises, counted across connections
    error = None  # the exception to raise there
    refuse = set()  # addresses the server refuses each time
    barrier = None  # a threading.Barrier the first message of each thread waits on
    on_send = None  # called with each message before it is accepted
    count = 0
    local = threading.local()

    @classmethod
    def reset(cls):
        cls.fail_at = cls.error = cls.barrier = cls.on_send = None
        cls.refuse = set()
        cls.count = 0
        cls.local = threading.local()


class PlannedBackend(LocmemBackend):
    """The local-memory backend with a script of failures (see Plan)."""

    lock = threading.Lock()

    def send_messages(self, messages):
        import smtplib

        if Plan.barrier is not None and not getattr(Plan.local, "waited", False):
            Plan.local.waited = True
            Plan.barrier.wait(timeout=20)
        for message in messages:
            if Plan.on_send is not None:
                Plan.on_send(message)
            with self.lock:
                Plan.count += 1
                position = Plan.count
            if Plan.fail_at is not None and position == Plan.fail_at:
                raise Plan.error
            refused = [address for address in message.to if address in Plan.refuse]
            if refused:
                raise smtplib.SMTPRecipientsRefused(
                    {address: (550, b"5.1.1 mailbox unavailable") for address in refused}
                )
        with self.lock:
            return super().send_messages(messages)


def outbox_to(address):
    return [message for message in mail.outbox if address in message.to]


def committed():
    """Run what waits for the commit (task enqueues): the test's transaction never commits."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
