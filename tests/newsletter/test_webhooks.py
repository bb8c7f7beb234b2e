"""Bounces and complaints from Mailgun's tracking webhook, through django-anymail."""

import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from newsletter.models import Subscriber
from tests.newsletter.helpers import make_subscriber

pytestmark = pytest.mark.django_db

URL = "/newsletter/webhooks/mailgun/tracking/"
SIGNING_KEY = "key-test-signing-0123456789abcdef"


@pytest.fixture
def mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def mailgun_post(event_data, *, key=SIGNING_KEY):
    """POST a payload shaped and signed the way Mailgun sends it."""
    timestamp, token = str(int(time.time())), "f1a9c6a2d1e64b0ab8e3d3b0c1e7a5f40a1b2c3d4e5f6a7b8c"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    body = {"signature": {"timestamp": timestamp, "token": token, "signature": signature}, "event-data": event_data}
    return Client(enforce_csrf_checks=True).post(URL, json.dumps(body), content_type="application/json")


def failed(recipient, severity):
    return {
        "event": "failed",
        "severity": severity,
        "reason": "bounce" if severity == "permanent" else "generic",
        "recipient": recipient,
        "timestamp": 1733385600.12,
        "id": "G9Bn5sl1TC6nu79C8C0bwg",
        "delivery-status": {"code": 550, "message": "5.1.1 The email account does not exist", "description": ""},
        "message": {"headers": {"message-id": "20241205060000.1.ABC@news.example.ma"}},
    }


def test_a_hard_bounce_marks_the_subscriber_and_stops_mail(mailgun):
    subscriber = make_subscriber("gone@example.ma")
    response = mailgun_post(failed("Gone@Example.ma", "permanent"))
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BOUNCED
    assert subscriber.bounce_reason == "bounced"
    assert subscriber.bounced_at is not None
    assert not Subscriber.objects.receiving("daily").exists()


def test_a_complaint_marks_the_subscriber(mailgun):
    subscriber = make_subscriber("angry@example.ma")
    event = {"event": "complained", "recipient": "angry@example.ma", "timestamp": 1733385600.5, "id": "x1"}
    assert mailgun_post(event).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BOUNCED
    assert subscriber.bounce_reason == "complained"


def test_a_temporary_failure_changes_nothing(mailgun):
    subscriber = make_subscriber("busy@example.ma")
    assert mailgun_post(failed("busy@example.ma", "temporary")).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_a_payload_with_a_wrong_signature_is_refused(mailgun):
    subscriber = make_subscriber("victim@example.ma")
    response = mailgun_post(failed("victim@example.ma", "permanent"), key="not-the-key")
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_an_unknown_address_is_ignored(mailgun):
    assert mailgun_post(failed("stranger@example.ma", "permanent")).status_code == 200
    assert not Subscriber.objects.exists()


def test_without_a_signing_key_the_webhook_is_not_served(settings):
    settings.ANYMAIL = {}
    make_subscriber("victim@example.ma")
    assert mailgun_post(failed("victim@example.ma", "permanent")).status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
