import re
import smtplib
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from newsletter import services
from newsletter.models import Delivery, Dispatch, Subscriber
from tests.helpers import make_article, make_category, run_tasks
from tests.newsletter.helpers import (
    committed,
    html_part,
    links_in,
    make_subscriber,
    make_subscribers,
    recipients_of,
)

pytestmark = pytest.mark.django_db

# Thursday 5 December 2024, 07:00 in Casablanca (UTC+1 then).
MORNING = datetime(2024, 12, 5, 6, 0, tzinfo=UTC)


def send_newsletter(rhythm="daily"):
    out = StringIO()
    with committed():
        call_command("send_newsletter", rhythm=rhythm, stdout=out)
    return out.getvalue()


def queued_dispatch(**article_fields):
    make_article(published_at=timezone.now() - timedelta(hours=1), **article_fields)
    with committed():
        dispatch = services.dispatch_prepare(rhythm="daily")
        services.dispatch_send(dispatch=dispatch)
    return dispatch


def statuses(dispatch):
    return Counter(dispatch.deliveries.values_list("status", flat=True))


def assert_each_got_exactly_one(subscribers):
    received = Counter(recipients_of(mail.outbox))
    assert received == Counter({s.email: 1 for s in subscribers})


class TestSendNewsletterCommand:
    def test_nothing_due_says_so_and_creates_nothing(self):
        make_subscriber()
        with time_machine.travel(MORNING, tick=False):
            make_article(published_at=MORNING - timedelta(days=2))
            output = send_newsletter()
        assert "Nothing due" in output
        assert not Dispatch.objects.exists()
        assert not Delivery.objects.exists()

    def test_creates_the_digest_since_the_previous_dispatch_of_the_same_rhythm(self):
        readers = make_subscribers(3)
        make_subscriber("weekly@example.ma", rhythm="weekly")
        make_subscriber("pending@example.ma", status=Subscriber.Status.PENDING)
        make_subscriber("left@example.ma", status=Subscriber.Status.UNSUBSCRIBED)
        make_subscriber("bounced@example.ma", status=Subscriber.Status.BOUNCED)
        with time_machine.travel(MORNING, tick=False) as clock:
            yesterday = make_article("خبر الأمس", published_at=MORNING - timedelta(hours=5))
            make_article("خبر قديم", published_at=MORNING - timedelta(days=3))
            output = send_newsletter()
            assert "Queued dispatch" in output
            run_tasks()
            first = Dispatch.objects.get()
            assert list(first.articles.all()) == [yesterday]
            assert first.status == Dispatch.Status.DONE
            assert_each_got_exactly_one(readers)

            clock.shift(timedelta(days=1))
            today = make_article("خبر اليوم", published_at=timezone.now() - timedelta(hours=2))
            send_newsletter()
            run_tasks()
            second = Dispatch.objects.exclude(pk=first.pk).get()
            assert list(second.articles.all()) == [today]
            assert second.period_start == first.period_end
            assert len(mail.outbox) == 6

            assert "Nothing due" in send_newsletter()  # run twice by a careless cron: nothing more
            assert Dispatch.objects.count() == 2

    def test_weekly_readers_get_the_week(self):
        weekly = make_subscriber("weekly@example.ma", rhythm="weekly")
        make_subscriber("daily@example.ma")
        with time_machine.travel(MORNING, tick=False):
            make_article(published_at=MORNING - timedelta(days=6))
            make_article(published_at=MORNING - timedelta(days=1, hours=1))
            send_newsletter("weekly")
            run_tasks()
        dispatch = Dispatch.objects.get()
        assert dispatch.rhythm == "weekly" and dispatch.articles.count() == 2
        assert recipients_of(mail.outbox) == [weekly.email]
        assert "ملخص الأسبوع" in mail.outbox[0].subject

    def test_a_dispatch_is_queued_only_once(self):
        make_subscribers(2)
        dispatch = queued_dispatch()
        with committed():
            assert services.dispatch_send(dispatch=dispatch) is False
        run_tasks()
        assert len(mail.outbox) == 2
        assert dispatch.deliveries.count() == 2


class TestDigestMail:
    def test_the_digest_is_arabic_right_to_left_with_moroccan_dates_and_links(self):
        reader = make_subscriber("reader@example.ma")
        category = make_category("أمن", slug="amn")
        with time_machine.travel(MORNING, tick=False):
            article = make_article(
                "الدورة 93 للجمعية العامة للأنتربول",
                category=category,
                lead="تحتضن مراكش أشغال الدورة بمشاركة وفود من العالم.",
                published_at=MORNING - timedelta(hours=3),
            )
            send_newsletter()
            run_tasks()
        [message] = mail.outbox
        html = html_part(message)
        url = f"http://testserver{article.get_absolute_url()}"
        for part in (message.body, html):
            assert article.title in part
            assert article.lead in part
            assert "5 دجنبر 2024" in part  # Moroccan month name, not ديسمبر
            assert "ديسمبر" not in part
            assert "/newsletter/unsubscribe/" in part
        assert url in message.body and f'href="{url}"' in html
        assert 'dir="rtl"' in html and 'lang="ar-MA"' in html
        assert "5 دجنبر 2024" in message.subject
        [leave] = links_in(message, "unsubscribe")
        assert leave.startswith("http://testserver/newsletter/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe"] == f"<{leave}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert reader.email in message.to

    def test_the_digest_heading_is_the_period_even_when_the_site_name_has_a_dash(self, settings):
        # The heading is stored with the dispatch, not cut back out of the subject.
        settings.SITE_NAME = "كواليس — اليوم"
        make_subscriber()
        with time_machine.travel(MORNING, tick=False):
            make_article(published_at=MORNING - timedelta(hours=2))
            send_newsletter()
            run_tasks()
        [message] = mail.outbox
        assert message.subject == "كواليس — اليوم — ملخص أخبار 5 دجنبر 2024"
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", html_part(message)).group(1)
        assert heading == "ملخص أخبار 5 دجنبر 2024"

    def test_the_list_unsubscribe_header_can_offer_a_mailto_too(self, settings):
        settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "leave@news.example.ma"
        make_subscriber()
        queued_dispatch()
        run_tasks()
        header = mail.outbox[0].extra_headers["List-Unsubscribe"]
        assert header.startswith("<http://testserver/newsletter/unsubscribe/")
        assert header.endswith(", <mailto:leave@news.example.ma?subject=unsubscribe>")

    def test_each_reader_gets_their_own_unsubscribe_link(self):
        make_subscribers(3)
        queued_dispatch()
        run_tasks()
        links = {links_in(message, "unsubscribe")[0] for message in mail.outbox}
        assert len(links) == 3


class TestCrashAndResume:
    def test_a_send_that_crashes_half_way_resumes_with_no_duplicate_and_no_gap(self, planned_mail, settings):
        settings.NEWSLETTER_BATCH_SIZE = 4
        readers = make_subscribers(10)
        dispatch = queued_dispatch()
        planned_mail.fail_at = 7  # the worker dies while sending the 7th message
        planned_mail.error = RuntimeError("worker crashed")
        run_tasks()
        assert len(mail.outbox) == 6
        assert statuses(dispatch) == Counter({"sent": 6, "waiting": 4})
        dispatch.refresh_from_db()
        assert dispatch.status == Dispatch.Status.SENDING

        assert "Resumed 1" in send_newsletter()  # the next cron run picks it up again
        run_tasks()
        assert_each_got_exactly_one(readers)
        assert statuses(dispatch) == Counter({"sent": 10})
        dispatch.refresh_from_db()
        assert dispatch.status == Dispatch.Status.DONE

    def test_a_message_sent_again_after_a_kill_is_the_same_message_to_the_provider(self, settings):
        settings.SITE_URL = "https://news.example.ma"
        readers = make_subscribers(3)
        dispatch = queued_dispatch()
        run_tasks()
        first = {message.to[0]: message.message()["Message-ID"] for message in mail.outbox}
        assert len(set(first.values())) == 3  # one id per reader
        assert all(value.endswith("@news.example.ma>") for value in first.values())
        # The window a SIGKILL can hit: the SMTP server accepted the message, the row was
        # not yet marked sent. The next run sends it again, under the same Message-ID.
        Delivery.objects.filter(dispatch=dispatch, subscriber=readers[0]).update(
            status=Delivery.Status.WAITING, sent_at=None
        )
        Dispatch.objects.filter(pk=dispatch.pk).update(status=Dispatch.Status.SENDING)
        assert "Resumed 1" in send_newsletter()
        run_tasks()
        again = mail.outbox[3:]
        assert [message.to for message in again] == [[readers[0].email]]
        assert again[0].message()["Message-ID"] == first[readers[0].email]

    def test_rows_held_by_a_killed_worker_are_taken_back_after_the_claim_timeout(self, settings):
        settings.NEWSLETTER_BATCH_SIZE = 3
        readers = make_subscribers(5)
        with time_machine.travel(MORNING, tick=False) as clock:
            dispatch = queued_dispatch()
            # What a worker killed mid-batch (SIGKILL, power cut) leaves: a claimed batch.
            held = list(dispatch.deliveries.order_by("pk")[:3])
            Delivery.objects.filter(pk__in=[d.pk for d in held]).update(
                status=Delivery.Status.SENDING, claim="dead-worker", claimed_at=timezone.now()
            )
            run_tasks()
            assert sorted(recipients_of(mail.outbox)) == sorted(r.email for r in readers[3:])
            clock.shift(timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT + 2))
            run_tasks()  # the run queued for when the claim runs out
        assert_each_got_exactly_one(readers)
        dispatch.refresh_from_db()
        assert dispatch.status == Dispatch.Status.DONE

    def test_a_slow_but_live_batch_is_not_taken_over_by_another_worker(self, planned_mail, settings):
        from newsletter.delivery import _claim_batch

        settings.NEWSLETTER_BATCH_SIZE = 5
        readers = make_subscribers(5)
        stolen = []
        with time_machine.travel(MORNING, tick=False) as clock:
            dispatch = queued_dispatch()

            def slow_server(message):
                # Each message takes 40% of the claim timeout (the slowest the settings
                # allow is about half): without the heartbeat the batch would look
                # abandoned half-way through.
                clock.shift(timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT * 0.4))
                stolen.extend(_claim_batch(dispatch)[0])

            planned_mail.on_send = slow_server
            run_tasks()
        assert stolen == []
        assert_each_got_exactly_one(readers)

    def test_a_lost_smtp_connection_stops_the_run_and_resumes_later(self, planned_mail, settings):
        settings.NEWSLETTER_BATCH_SIZE = 5
        readers = make_subscribers(8)
        with time_machine.travel(MORNING, tick=False) as clock:
            dispatch = queued_dispatch()
            planned_mail.fail_at = 3
            planned_mail.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            run_tasks()
            assert len(mail.outbox) == 2
            assert statuses(dispatch) == Counter({"sent": 2, "waiting": 6})
            failed_once = dispatch.deliveries.get(attempts=1)
            assert failed_once.last_error == "SMTPServerDisconnected"
            clock.shift(timedelta(seconds=settings.NEWSLETTER_RETRY_DELAYS[0] + 1))
            run_tasks()
        assert_each_got_exactly_one(readers)
        assert statuses(dispatch) == Counter({"sent": 8})


class TestRetries:
    def test_a_refused_address_is_retried_with_growing_delays_then_recorded_as_failed(self, planned_mail, settings):
        settings.NEWSLETTER_RETRY_DELAYS = [300, 1800, 7200]
        readers = make_subscribers(3)
        refused = make_subscriber("full.mailbox@example.ma")
        planned_mail.refuse = {refused.email}
        with time_machine.travel(MORNING, tick=False) as clock:
            dispatch = queued_dispatch()
            run_tasks()
            delivery = dispatch.deliveries.get(subscriber=refused)
            seen = []
            for delay in [300, 1800, 7200]:
                delivery.refresh_from_db()
                assert delivery.status == Delivery.Status.WAITING
                seen.append((delivery.next_attempt_at - timezone.now()).total_seconds())
                clock.shift(timedelta(seconds=delay - 10))
                run_tasks()  # not yet due
                delivery.refresh_from_db()
                assert delivery.attempts == len(seen)
                clock.shift(timedelta(seconds=11))
                run_tasks()
            delivery.refresh_from_db()
        assert seen == [300, 1800, 7200]
        assert delivery.status == Delivery.Status.FAILED
        assert delivery.attempts == 4
        assert delivery.last_error == "SMTPRecipientsRefused 550"
        assert_each_got_exactly_one(readers)
        dispatch.refresh_from_db()
        assert dispatch.status == Dispatch.Status.DONE
        assert statuses(dispatch) == Counter({"sent": 3, "failed": 1})

    def test_someone_who_leaves_during_a_send_is_skipped(self, planned_mail, settings):
        settings.NEWSLETTER_BATCH_SIZE = 2
        readers = make_subscribers(4)
        dispatch = queued_dispatch()
        services.subscription_cancel(subscriber=readers[3])
        services.subscriber_erase(subscriber=readers[2])
        run_tasks()
        assert_each_got_exactly_one(readers[:2])
        assert statuses(dispatch) == Counter({"sent": 2, "skipped": 2})


class TestTwoWorkers:
    def test_two_workers_run_one_after_the_other_send_each_message_once(self, settings):
        settings.NEWSLETTER_BATCH_SIZE = 3
        readers = make_subscribers(10)
        dispatch = queued_dispatch()
        services.dispatch_enqueue(dispatch_id=dispatch.pk)  # a second worker's run of the same dispatch
        run_tasks()
        run_tasks()
        assert_each_got_exactly_one(readers)
        assert statuses(dispatch) == Counter({"sent": 10})

    def test_two_workers_holding_batches_at_once_never_hold_the_same_reader(self, settings):
        from newsletter.delivery import RunReport, _claim_batch, _finish_or_resume_at, _send_batch
        from newsletter.emails import DigestMail

        settings.NEWSLETTER_BATCH_SIZE = 4
        readers = make_subscribers(10)
        dispatch = queued_dispatch()
        # Interleaved by hand: A claims, B claims, then each sends what it holds.
        batch_a, claim_a = _claim_batch(dispatch)
        batch_b, claim_b = _claim_batch(dispatch)
        assert {d.pk for d in batch_a}.isdisjoint({d.pk for d in batch_b})
        assert len(batch_a) == len(batch_b) == 4
        mail_ = DigestMail(dispatch)
        report = RunReport()
        _send_batch(batch_b, claim_b, mail_, report)
        _send_batch(batch_a, claim_a, mail_, report)
        batch_c, claim_c = _claim_batch(dispatch)
        assert len(batch_c) == 2 and _claim_batch(dispatch)[0] == []
        _send_batch(batch_c, claim_c, mail_, report)
        assert _finish_or_resume_at(dispatch) is None
        assert_each_got_exactly_one(readers)
        dispatch.refresh_from_db()
        assert dispatch.status == Dispatch.Status.DONE
