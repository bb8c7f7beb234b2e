"""One real delivery: Django's SMTP backend talking to an aiosmtpd server on 127.0.0.1."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from newsletter import services
from tests.helpers import make_article, run_tasks
from tests.newsletter.helpers import committed, make_subscriber, parse

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
