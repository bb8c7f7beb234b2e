"""The log lines an operator reads on stderr (journald, the terminal of `make run`)."""

import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path


def broken_view(request):
    raise ZeroDivisionError("division by zero in a view")


urlpatterns = [path("boom/", broken_view)]


def formatted(record) -> str:
    formatter = logging.Formatter(settings.LOG_FORMAT, "%Y-%m-%dT%H:%M:%S%z")
    return formatter.format(record)


@pytest.mark.django_db
def test_each_request_is_one_line_with_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.access"):
        client.get("/healthz?probe=1")
        client.get("/no-such-page/")
    lines = [formatted(record) for record in caplog.records if record.name == "portal.access"]
    assert len(lines) == 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} INFO portal.access GET /healthz 200 \d+ms", lines[0])
    assert lines[1].endswith(tuple(f"GET /no-such-page/ 404 {n}ms" for n in range(10000)))


@override_settings(ROOT_URLCONF="tests.test_logging")
def test_an_error_is_logged_with_its_traceback_and_its_request_line(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        assert client.get("/boom/").status_code == 500
    text = "\n".join(formatted(record) for record in caplog.records)
    assert "ERROR django.request Internal Server Error: /boom/" in text
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: division by zero in a view" in text
    assert re.search(r"INFO portal.access GET /boom/ 500 \d+ms", text)


SENTRY_STATE = (
    "import sentry_sdk; from django.conf import settings; settings.DEBUG; c = sentry_sdk.get_client(); "
    "print(c.is_active(), c.dsn, c.options['send_default_pii'], "
    "[i for i in c.integrations if i == 'django'])"
)


def sentry_state(**env):
    result = subprocess.run(
        [sys.executable, "-c", SENTRY_STATE],
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_ENV_FILE": "",
            "DJANGO_SECRET_KEY": "s" * 50,
            "DJANGO_ALLOWED_HOSTS": "news.example.ma",
            "DJANGO_SITE_URL": "https://news.example.ma",
            "DJANGO_DEFAULT_FROM_EMAIL": "news@news.example.ma",
            **env,
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_error_reporting_is_off_without_sentry_dsn():
    assert sentry_state().startswith("False None")


def test_sentry_dsn_turns_on_error_reporting_for_django_without_personal_data():
    # The DSN names a closed local port: nothing could leave the machine even if sent.
    dsn = "http://public@127.0.0.1:9/1"
    state = sentry_state(SENTRY_DSN=dsn)
    assert state == f"True {dsn} False ['django']"
