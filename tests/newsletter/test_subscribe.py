import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from newsletter.forms import CONSENT_TEXT
from newsletter.models import Subscriber
from tests.helpers import make_article, make_category, run_tasks
from tests.newsletter.helpers import committed, make_subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"


def join(client, email="amina@example.ma", **extra):
    data = {"email": email, "consent": "on", "rhythm": "daily", "source": "/"} | extra
    with committed():
        return client.post(SUBSCRIBE, data)


def checked_rhythms(page):
    """The rhythm choices the box shows ticked."""
    radios = re.findall(r'<input type="radio" name="rhythm"[^>]*>', page)
    assert len(radios) == 2
    return [re.search(r'value="(\w+)"', radio).group(1) for radio in radios if " checked" in radio]


class TestSignupBox:
    def test_every_public_page_invites_to_join_with_the_consent_and_rhythm_choice(self, client):
        category = make_category("أمن", slug="amn")
        article = make_article("مقال في الأمن", category=category)
        for url in ["/", category.get_absolute_url(), article.get_absolute_url()]:
            page = client.get(url, follow=True).content.decode()
            assert "اشتراك في القائمة البريدية" in page, url
            assert "لتتوصل بكل الجديد عبر البريد الإلكتروني" in page, url
            assert f'action="{SUBSCRIBE}"' in page
            assert 'type="email"' in page and 'for="newsletter-email"' in page
            assert str(CONSENT_TEXT) in page
            assert reverse("newsletter:privacy") in page
            assert checked_rhythms(page) == ["daily"], url

    def test_the_box_remembers_the_page_it_was_used_on(self, client):
        article = make_article("مقال")
        path = unquote(article.get_absolute_url())
        page = client.get(article.get_absolute_url()).content.decode()
        assert f'name="source" value="{path}"' in page
        join(client, source=path)
        assert Subscriber.objects.get().source_page == path

    def test_the_privacy_notice_quotes_the_consent_text(self, client):
        page = client.get(reverse("newsletter:privacy")).content.decode()
        assert "09-08" in page and str(CONSENT_TEXT) in page


class TestJoining:
    def test_joining_records_consent_and_mails_an_arabic_confirmation(self, client):
        response = join(client, "Amina@Example.MA", rhythm="weekly")
        assert response.status_code == 302
        assert response["Location"] == reverse("newsletter:subscribed")
        subscriber = Subscriber.objects.get()
        assert subscriber.email == "amina@example.ma"
        assert subscriber.status == Subscriber.Status.PENDING
        assert subscriber.rhythm == "weekly"
        assert subscriber.consent_at is not None
        assert subscriber.consent_text == str(CONSENT_TEXT)
        assert mail.outbox == []  # sent in the background, not during the request
        run_tasks()
        [message] = mail.outbox
        assert message.to == ["amina@example.ma"]
        assert "أكّد اشتراكك" in message.subject
        assert "/newsletter/confirm/" in message.body
        html = message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html"
        assert 'dir="rtl"' in html and 'lang="ar-MA"' in html
        assert "أؤكد اشتراكي" in html
        assert "الرابط صالح لمدة 3 أيام" in message.body

    def test_the_answer_is_the_same_for_new_pending_and_confirmed_addresses(self, client):
        make_subscriber("known@example.ma")
        make_subscriber("waiting@example.ma", status=Subscriber.Status.PENDING)
        answers = []
        for email in ["new@example.ma", "waiting@example.ma", "known@example.ma", "KNOWN@example.ma"]:
            response = join(client, email)
            followed = client.get(response["Location"])
            answers.append((response.status_code, response["Location"], followed.content))
        assert len(set(answers)) == 1
        assert "تحقق من بريدك الإلكتروني" in answers[0][2].decode()

    def test_an_address_is_one_subscriber_whatever_its_case(self, client):
        make_subscriber("known@example.ma")
        join(client, "Known@Example.ma")
        assert Subscriber.objects.count() == 1
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Subscriber.objects.create(email="KNOWN@example.ma")

    def test_a_confirmed_reader_is_not_mailed_again_and_keeps_their_rhythm(self, client):
        make_subscriber("known@example.ma", rhythm="weekly")
        join(client, "known@example.ma", rhythm="daily")
        run_tasks()
        assert mail.outbox == []
        assert Subscriber.objects.get().rhythm == "weekly"

    def test_the_confirmation_is_resent_at_most_once_per_interval(self, client, settings):
        settings.NEWSLETTER_CONFIRM_RESEND_INTERVAL = 15 * 60
        start = datetime(2024, 12, 5, 9, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False) as clock:
            for _ in range(5):
                join(client, "flood@example.ma")
            run_tasks()
            assert len(mail.outbox) == 1
            clock.shift(timedelta(minutes=14))
            join(client, "flood@example.ma")
            run_tasks()
            assert len(mail.outbox) == 1
            clock.shift(timedelta(minutes=2))
            join(client, "flood@example.ma")
            run_tasks()
            assert len(mail.outbox) == 2

    def test_someone_who_left_can_join_again_with_a_new_confirmation(self, client):
        make_subscriber("back@example.ma", status=Subscriber.Status.UNSUBSCRIBED)
        join(client, "back@example.ma")
        run_tasks()
        assert Subscriber.objects.get().status == Subscriber.Status.PENDING
        assert len(mail.outbox) == 1

    def test_a_foreign_source_page_is_not_recorded(self, client):
        join(client, source="https://evil.example/phish")
        assert Subscriber.objects.get().source_page == ""


class TestBadInput:
    def test_a_malformed_address_gets_an_arabic_message_and_keeps_what_was_typed(self, client):
        response = join(client, "amina@@example")
        assert response.status_code == 200
        page = response.content.decode()
        assert "هذا العنوان لا يبدو بريدا إلكترونيا صحيحا" in page
        assert 'value="amina@@example"' in page
        assert 'aria-invalid="true"' in page
        assert Subscriber.objects.count() == 0

    def test_joining_without_consent_is_refused_in_arabic_keeping_the_address_and_rhythm(self, client):
        response = client.post(SUBSCRIBE, {"email": "amina@example.ma", "rhythm": "weekly"})
        page = response.content.decode()
        assert "لا يمكن الاشتراك دون الموافقة" in page
        assert 'value="amina@example.ma"' in page
        assert checked_rhythms(page) == ["weekly"]
        assert Subscriber.objects.count() == 0

    def test_an_empty_form_asks_for_the_address(self, client):
        page = client.post(SUBSCRIBE, {}).content.decode()
        assert "اكتب بريدك الإلكتروني للاشتراك" in page

    def test_the_form_page_works_on_its_own(self, client):
        page = client.get(SUBSCRIBE).content.decode()
        assert page.count('name="email"') == 1  # the footer box is not repeated here

    def test_a_client_posting_too_often_is_slowed_down(self, client, settings):
        settings.NEWSLETTER_SUBSCRIBE_RATE = "3/m"
        for n in range(3):
            assert join(client, f"r{n}@example.ma").status_code == 302
        response = join(client, "r9@example.ma")
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 600  # the window of "10/10m"
        assert "محاولات كثيرة" in response.content.decode()
        assert not Subscriber.objects.filter(email="r9@example.ma").exists()


SAVEPOINTS = {"SAVEPOINT", "RELEASE"}


class TestSignupCostsTheSameForEveryAddress:
    """How long a signup takes must not tell whether an address is already on the list."""

    def queries_for(self, email):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from newsletter.services import subscription_request

        with CaptureQueriesContext(connection) as queries, committed():
            subscription_request(email=email, rhythm="daily", consent_text="نعم", source_page="/")
        verbs = [query["sql"].split()[0] for query in queries.captured_queries]
        # Savepoints cost next to nothing; a row written is a row written, new or not.
        return [{"INSERT": "WRITE", "UPDATE": "WRITE"}.get(verb, verb) for verb in verbs if verb not in SAVEPOINTS]

    def test_new_pending_recent_confirmed_and_unsubscribed_addresses_do_the_same_work(self):
        make_subscriber("confirmed@example.ma")
        make_subscriber("left@example.ma", status=Subscriber.Status.UNSUBSCRIBED)
        make_subscriber("waiting@example.ma", status=Subscriber.Status.PENDING)
        self.queries_for("recent@example.ma")  # a confirmation has just gone out to this one
        shapes = {
            email: self.queries_for(email)
            for email in [
                "new@example.ma",
                "confirmed@example.ma",
                "left@example.ma",
                "waiting@example.ma",
                "recent@example.ma",
            ]
        }
        # Each is one locked read, one write of the subscriber's row and one queued task.
        assert all(shape == ["SELECT", "WRITE", "WRITE"] for shape in shapes.values()), shapes

    def test_only_those_who_need_it_get_a_confirmation(self, client):
        make_subscriber("confirmed@example.ma")
        for email in ["confirmed@example.ma", "new@example.ma", "new@example.ma"]:
            assert join(client, email=email).status_code == 302
        run_tasks()
        # The confirmed reader gets nothing; the new one a single mail despite asking twice.
        assert [message.to for message in mail.outbox] == [["new@example.ma"]]
