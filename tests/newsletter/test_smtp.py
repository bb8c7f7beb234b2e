"""One real delivery: Django's SMTP backend talking to an aiosmtpd server on 127.0.0.1."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from newsletter import services
from newsletter.emails import DigestMail
from newsletter.models import Subscriber
from tests.helpers import make_article, run_tasks
from tests.newsletter.helpers import committed, make_subscriber, parse, path_of

pytestmark = pytest.mark.django_db


class Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield collector
    controller.stop()


def test_a_digest_delivered_over_smtp_carries_the_list_headers_and_both_parts(smtp_server):
    readers = [make_subscriber("amina@example.ma"), make_subscriber("youssef@example.ma")]
    article = make_article("الدورة 93 للجمعية العامة للأنتربول", published_at=timezone.now() - timedelta(hours=1))
    with committed():
        services.dispatch_send(dispatch=services.dispatch_prepare(rhythm="daily"))
    run_tasks()

    assert sorted(rcpt for envelope in smtp_server.envelopes for rcpt in envelope.rcpt_tos) == sorted(
        r.email for r in readers
    )
    envelope = next(e for e in smtp_server.envelopes if e.rcpt_tos == ["amina@example.ma"])
    message = parse(envelope.original_content)
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # a long header is folded: legal
    assert unsubscribe.startswith("<http://testserver/newsletter/unsubscribe/") and unsubscribe.endswith("/>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["To"] == "amina@example.ma"
    assert "ملخص أخبار" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = unsubscribe[1:-1]
    for part in (text, html):
        assert article.title in part
        assert link in part
    assert 'dir="rtl"' in html
    assert envelope.mail_from == "news@testserver"  # DJANGO_DEFAULT_FROM_EMAIL of `make test`


def test_over_smtp_each_reader_gets_their_own_link_address_and_message_id(smtp_server, client):
    readers = [make_subscriber(f"reader{n}@example.ma") for n in range(3)]
    make_article("خبر الصباح", published_at=timezone.now() - timedelta(hours=1))
    with committed():
        dispatch = services.dispatch_prepare(rhythm="daily")
        services.dispatch_send(dispatch=dispatch)
    run_tasks()

    messages = {envelope.rcpt_tos[0]: parse(envelope.original_content) for envelope in smtp_server.envelopes}
    assert sorted(messages) == sorted(r.email for r in readers)
    links = {}
    for reader in readers:
        message = messages[reader.email]
        assert message["To"] == reader.email
        assert message["Message-ID"] == f"<digest.{dispatch.pk}.{reader.pk}@testserver>"
        link = str(message["List-Unsubscribe"]).strip()[1:-1]
        assert link in message.get_body(preferencelist=("plain",)).get_content()
        assert link in message.get_body(preferencelist=("html",)).get_content()
        links[reader.pk] = link
    assert len(set(links.values())) == 3
    # The link in the second reader's message unsubscribes the second reader, and only them.
    second = readers[1]
    client.post(path_of(links[second.pk]))
    second.refresh_from_db()
    assert second.status == second.Status.UNSUBSCRIBED
    assert all(r.status == r.Status.CONFIRMED for r in Subscriber.objects.exclude(pk=second.pk))


def test_the_digest_encoded_once_reads_exactly_as_the_message_built_for_one_reader(settings):
    reader = make_subscriber("amina@example.ma")
    make_article("الدورة 93 للجمعية العامة للأنتربول", published_at=timezone.now() - timedelta(hours=1))
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "unsubscribe@testserver"
    mail = DigestMail(services.dispatch_prepare(rhythm="daily"))

    built = parse(mail.message_for(reader).message().as_bytes(linesep="\r\n"))
    wired = parse(mail.wire().bytes_for(reader))

    headers = [name for name in built.keys() if name.lower() not in {"date", "content-type"}]
    assert [name for name in wired.keys() if name.lower() not in {"date", "content-type"}] == headers
    for name in headers:
        assert str(wired[name]).strip() == str(built[name]).strip(), name  # folded or not: the same value
    for kind in ("plain", "html"):
        assert (
            wired.get_body(preferencelist=(kind,)).get_content() == built.get_body(preferencelist=(kind,)).get_content()
        )


def test_an_address_that_needs_encoding_is_still_delivered(smtp_server):
    # An internationalised domain goes out in its ASCII (punycode) form, as Django writes it.
    make_subscriber("amina@مثال.ma")
    make_article("خبر الصباح", published_at=timezone.now() - timedelta(hours=1))
    with committed():
        services.dispatch_send(dispatch=services.dispatch_prepare(rhythm="daily"))
    run_tasks()

    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["amina@xn--mgbh0fb.ma"]
    assert parse(envelope.original_content)["To"] == "amina@xn--mgbh0fb.ma"
