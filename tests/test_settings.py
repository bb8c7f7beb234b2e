import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings import env_bool, env_int, env_list

# No env file: a developer's var/local.env must not fill in what these tests leave out.
BASE_ENV = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "portal.settings", "PORTAL_ENV_FILE": ""}
PRODUCTION = {
    "DJANGO_SECRET_KEY": "s" * 50,
    "DJANGO_ALLOWED_HOSTS": "news.example.ma",
    "DJANGO_SITE_URL": "https://news.example.ma",
    "DJANGO_DEFAULT_FROM_EMAIL": "news@news.example.ma",
}


def load_settings(**env):
    """Import the settings in a fresh interpreter with only `env`; return (exit code, stderr)."""
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"],
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    return result.returncode, result.stdout + result.stderr


def test_typed_helpers_refuse_malformed_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", " a.ma, ,b.ma ")
    assert env_list("X_LIST") == ["a.ma", "b.ma"]


def test_without_debug_a_secret_key_and_hosts_are_required():
    code, output = load_settings()
    assert code != 0 and "DJANGO_SECRET_KEY" in output
    code, output = load_settings(DJANGO_SECRET_KEY="s" * 50)
    assert code != 0 and "DJANGO_ALLOWED_HOSTS" in output
    code, output = load_settings(DJANGO_SECRET_KEY="s" * 50, DJANGO_ALLOWED_HOSTS="*")
    assert code != 0 and "'*'" in output
    code, output = load_settings(**PRODUCTION)
    assert code == 0 and "False ['news.example.ma']" in output


def test_without_debug_the_site_address_and_sender_are_required():
    # Otherwise a deploy that forgets them mails links to 127.0.0.1 from news@localhost.
    for missing in ("DJANGO_SITE_URL", "DJANGO_DEFAULT_FROM_EMAIL"):
        env = {name: value for name, value in PRODUCTION.items() if name != missing}
        code, output = load_settings(**env)
        assert code != 0 and f"{missing} is required" in output
    code, output = load_settings(DJANGO_DEBUG="1")
    assert code == 0 and output.startswith("True")


def test_debug_is_off_unless_asked():
    code, output = load_settings(**PRODUCTION, DJANGO_DEBUG="")
    assert code == 0 and output.startswith("False")


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "ar-ma"
    assert [code for code, _name in settings.LANGUAGES] == ["ar-ma"]
    assert settings.TIME_ZONE == "Africa/Casablanca" and settings.USE_TZ
    assert settings.TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING is False


def test_without_debug_a_short_secret_key_is_refused():
    code, output = load_settings(**{**PRODUCTION, "DJANGO_SECRET_KEY": "s" * 49})
    assert code != 0 and "at least 50 characters" in output


def test_hsts_preload_is_asked_for_only_by_its_own_setting():
    script = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_SECONDS > 0)"
    env = {**BASE_ENV, **PRODUCTION, "DJANGO_HTTPS": "1"}
    run = lambda **extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", script],
        env={**env, **extra},
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    ).stdout.strip()
    assert run() == "False True"
    assert run(DJANGO_HSTS_PRELOAD="1") == "True True"


def test_a_newsletter_claim_timeout_a_live_worker_could_outlast_is_refused():
    code, output = load_settings(**PRODUCTION, DJANGO_NEWSLETTER_CLAIM_TIMEOUT="60", DJANGO_EMAIL_TIMEOUT="30")
    assert code != 0 and "six times" in output
    code, output = load_settings(**PRODUCTION, DJANGO_NEWSLETTER_CLAIM_TIMEOUT="180", DJANGO_EMAIL_TIMEOUT="30")
    assert code == 0


def test_front_cache_urls_must_be_http_addresses():
    code, output = load_settings(**PRODUCTION, DJANGO_FRONT_CACHE_URLS="127.0.0.1:8080")
    assert code != 0 and "DJANGO_FRONT_CACHE_URLS must list http(s) URLs" in output
    code, output = load_settings(**PRODUCTION, DJANGO_FRONT_CACHE_URLS="http://127.0.0.1:8080, http://10.0.0.2:6081")
    assert code == 0
