"""The list's mail as a receiving provider reads it: parsed with `email.policy.default`."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from newsletter import services
from newsletter.models import Dispatch
from tests.helpers import assert_headers_as_a_provider_reads_them, make_article, read_as_provider, run_tasks
from tests.newsletter.helpers import committed, make_subscriber

pytestmark = pytest.mark.django_db

# Thursday 5 December 2024, 07:00 in Casablanca (UTC+1 then).
MORNING = datetime(2024, 12, 5, 6, 0, tzinfo=UTC)
HOST = "news.example.ma"
TRICKY_TITLE = 'الأمن & الهجرة: "خطة" <2030>'


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = f"https://{HOST}"


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False):
        yield


def queued_dispatch() -> Dispatch:
    make_article(TRICKY_TITLE, published_at=MORNING - timedelta(hours=2))
    with committed():
        dispatch = services.dispatch_prepare(rhythm="daily")
        services.dispatch_send(dispatch=dispatch)
    return dispatch


@pytest.mark.usefixtures("frozen")
class TestAsAProviderReadsIt:
    def test_the_confirmation_request(self):
        with committed():
            services.subscription_request(email="amina@example.ma", rhythm="daily", consent_text="نص الموافقة")
        run_tasks()
        [message] = mail.outbox
        parsed, text, html = read_as_provider(message)
        assert_headers_as_a_provider_reads_them(
            parsed,
            subject="أكّد اشتراكك في القائمة البريدية لموقع كواليس اليوم",
            feedback="confirm:newsletter",
            host=HOST,
            sent_at=MORNING,
        )
        assert parsed["Date"] == "Thu, 05 Dec 2024 07:00:00 +0100"
        assert parsed["To"] == "amina@example.ma"
        for body in (text, html):
            assert "لموقع كواليس اليوم" in body
            assert "الرابط صالح لمدة 3 أيام." in body
            assert "لـ" not in body
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert 'dir="rtl"' in html

    def test_the_digest(self):
        reader = make_subscriber("reader@example.ma")
        dispatch = queued_dispatch()
        run_tasks()
        [message] = mail.outbox
        parsed, text, html = read_as_provider(message)
        assert_headers_as_a_provider_reads_them(
            parsed,
            subject="كواليس اليوم — ملخص أخبار 5 دجنبر 2024",
            feedback=f"digest-{dispatch.pk}:newsletter",
            host=HOST,
            sent_at=MORNING,
        )
        # The stable id of the delivery, not a fresh one.
        assert parsed["Message-ID"] == f"<digest.{dispatch.pk}.{reader.pk}@{HOST}>"
        assert TRICKY_TITLE in text
        assert "الأمن &amp; الهجرة: &quot;خطة&quot; &lt;2030&gt;" in html
        assert TRICKY_TITLE not in html
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert 'dir="rtl"' in html

    def test_the_test_digest_with_a_long_subject(self, settings):
        settings.SITE_NAME = "كواليس اليوم — الجريدة الإلكترونية المغربية للأخبار والتحليلات والتحقيقات"
        dispatch = queued_dispatch()
        mail.outbox.clear()
        services.dispatch_send_test(dispatch=dispatch, email="editor@example.ma")
        [message] = mail.outbox
        raw_subject = message.message().as_bytes().split(b"\nSubject:", 1)[1].split(b"\n")[:2]
        assert raw_subject[0].strip()  # the first line holds a word: nothing for a parser to read as a space
        assert raw_subject[1].startswith(b" ")  # and the subject is long enough to be folded
        parsed, text, html = read_as_provider(message)
        assert_headers_as_a_provider_reads_them(
            parsed,
            subject=f"[تجربة] {settings.SITE_NAME} — ملخص أخبار 5 دجنبر 2024",
            feedback=f"test-digest-{dispatch.pk}:newsletter",
            host=HOST,
            sent_at=MORNING,
        )
        assert TRICKY_TITLE in text
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
