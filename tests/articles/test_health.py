import json
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from newsletter.tasks import send_confirmation

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get("/healthz")
    return response, json.loads(response.content)


def test_healthz_answers_ok_without_a_cookie_or_caching(client):
    response, body = health(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["cache"]["ok"] and body["tasks"]["ok"]
    assert body["cache"]["backend"] in {"LocMemCache", "RedisCache"}
    assert body["tasks"]["waiting"] == 0 and body["tasks"]["oldest_waiting_seconds"] is None
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_reports_the_waiting_tasks_and_the_age_of_the_oldest(client):
    with time_machine.travel(timezone.now() - timedelta(minutes=4), tick=False):
        send_confirmation.enqueue(1)
    send_confirmation.enqueue(2)
    response, body = health(client)
    assert response.status_code == 200
    assert body["tasks"]["waiting"] == 2
    assert 4 * 60 - 5 <= body["tasks"]["oldest_waiting_seconds"] <= 4 * 60 + 60


def test_healthz_is_503_when_no_worker_has_taken_work_for_too_long(client, settings):
    settings.HEALTH_QUEUE_MAX_AGE = 600
    with time_machine.travel(timezone.now() - timedelta(minutes=11), tick=False):
        send_confirmation.enqueue(1)
    response, body = health(client)
    assert response.status_code == 503
    assert body["status"] == "down" and body["tasks"]["ok"] is False and body["database"]["ok"]


def test_healthz_is_503_when_the_cache_is_down(client, settings, caplog):
    from tests.processes import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        }
    }
    response, body = health(client)
    assert response.status_code == 503
    assert body["cache"] == {"ok": False, "error": "ConnectionError"}
    assert "health check cache failed: ConnectionError: Error 111 connecting to 127.0.0.1" in caplog.text
    assert body["database"]["ok"] and body["tasks"]["ok"]


def test_healthz_is_503_when_the_database_is_down(client, caplog):
    with mock.patch("articles.health.connection.cursor", side_effect=OperationalError("server closed the connection")):
        response, body = health(client)
    assert response.status_code == 503
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert "health check database failed: OperationalError: server closed the connection" in caplog.text
    assert body["tasks"]["ok"] is False


def test_healthz_is_not_redirected_to_https_where_the_site_is(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_task_queue_command_prints_waiting_running_failed_and_oldest():
    with time_machine.travel(timezone.now() - timedelta(seconds=90), tick=False):
        send_confirmation.enqueue(1)
    out = StringIO()
    call_command("task_queue", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("waiting 1  running 0  failed 0  oldest waiting ")
    assert 85 <= int(line.rsplit(" ", 1)[1].rstrip("s")) <= 150
