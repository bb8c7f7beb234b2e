"""The page cache answered at the WSGI entry (articles/pagecache_wsgi.py), as gunicorn calls it:
the same bytes and headers as Django's own hit, and nothing it must not answer."""

import io
import logging
import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import quote, unquote_to_bytes

import pytest
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from articles.middleware import PortalWSGIHandler
from articles.models import Article
from articles.pagecache_wsgi import PageCacheEntry
from articles.services import article_publish, article_save
from tests.helpers import make_article, make_category, make_editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@contextmanager
def handler_signals_counted():
    """Count the requests Django's handler took; the test's database connection stays open.

    As Django's test client does: a handler must not close the connection a test holds.
    """
    taken = []

    def count(**kwargs):
        taken.append(1)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.connect(count)
    try:
        yield taken
    finally:
        request_started.disconnect(count)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Answer:
    def __init__(self, status, headers, body, by_django):
        self.status, self.headers, self.body, self.by_django = status, headers, body, by_django
        self.code = int(status.split()[0])

    def __getitem__(self, name):
        return next(value for key, value in self.headers if key.lower() == name.lower())

    def has(self, name):
        return any(key.lower() == name.lower() for key, _ in self.headers)


def call(app, target, method="GET", **headers):
    """One request as a WSGI server makes it: the path percent-decoded to latin-1, headers as HTTP_*."""
    path, _, query = target.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
    }
    if "HTTP_CONTENT_LENGTH" in environ:
        environ["CONTENT_LENGTH"] = environ.pop("HTTP_CONTENT_LENGTH")
    started = []
    with handler_signals_counted() as taken:
        result = app(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    return Answer(*started[0], body, by_django=bool(taken))


@pytest.fixture
def entry():
    return PageCacheEntry(PortalWSGIHandler())


@pytest.fixture
def django_only():
    """Django's application alone, as portal.wsgi served before the entry."""
    return PortalWSGIHandler()


@pytest.fixture
def article(db):
    return make_article("حموشي يستقبل نظيره البلجيكي", category=make_category("أمن", slug="amn"), tags=["الأمن"])


def stored(entry, url, **headers):
    first = call(entry, url, **headers)
    assert first.code == 200 and first["X-Page-Cache"] == "MISS" and first.by_django
    return first


class TestSameAnswer:
    @pytest.mark.parametrize("secure", [False, True])
    def test_a_hit_at_the_entry_is_byte_for_byte_the_hit_django_sends(self, settings, article, secure):
        if secure:
            settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
            settings.SECURE_HSTS_SECONDS = 31536000
        https = {"X-Forwarded-Proto": "https"} if secure else {}
        entry, django_only = PageCacheEntry(PortalWSGIHandler()), PortalWSGIHandler()  # with these settings
        url = article.get_absolute_url() + "?utm_source=rss"
        stored(entry, url, **https)
        with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
            by_django = call(django_only, url, **https)
            at_entry = call(entry, url, **https)
        assert by_django.by_django and not at_entry.by_django
        assert at_entry.status == by_django.status == "200 OK"
        assert at_entry.headers == by_django.headers
        assert at_entry.body == by_django.body and "حموشي يستقبل" in at_entry.body.decode()
        assert at_entry["X-Page-Cache"] == "HIT" and at_entry["Age"] == "2"
        assert at_entry["Content-Security-Policy"].startswith("default-src 'self'")
        assert at_entry["X-Content-Type-Options"] == "nosniff" and at_entry["Cross-Origin-Opener-Policy"]
        assert at_entry.has("Strict-Transport-Security") is secure

    def test_a_browser_revalidating_gets_the_same_304(self, article, entry, django_only):
        url = article.get_absolute_url()
        etag = stored(entry, url)["ETag"]
        by_django = call(django_only, url, **{"If-None-Match": etag})
        at_entry = call(entry, url, **{"If-None-Match": etag})
        assert not at_entry.by_django
        assert at_entry.status == by_django.status == "304 Not Modified" and at_entry.body == b""
        assert at_entry.headers == by_django.headers and at_entry["ETag"] == etag
        changed = call(entry, url, **{"If-None-Match": '"another"'})
        assert changed.code == 200 and changed.body and not changed.by_django

    def test_each_answer_at_the_entry_writes_the_access_log_line_django_writes(self, article, entry, caplog):
        url = article.get_absolute_url()
        path = unquote_to_bytes(url).decode()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="portal.access"):
            etag = stored(entry, url)["ETag"]  # Django's line
            assert not call(entry, url).by_django
            assert not call(entry, url, **{"If-None-Match": etag}).by_django
        lines = [record.getMessage() for record in caplog.records if record.name == "portal.access"]
        assert [line.rsplit(" ", 1)[0] for line in lines] == [f"GET {path} 200", f"GET {path} 200", f"GET {path} 304"]
        assert all(re.fullmatch(r"\d+ms", line.rsplit(" ", 1)[1]) for line in lines), lines


class TestNotAnsweredThere:
    def test_an_editor_with_a_session_cookie_is_never_served_from_it(self, article, entry, editor):
        url = article.get_absolute_url()
        stored(entry, url)
        browser = Client()
        browser.force_login(editor)
        cookie = f"sessionid={browser.cookies['sessionid'].value}"
        mine = call(entry, url, Cookie=cookie)
        assert mine.by_django and mine.code == 200
        assert mine["Cache-Control"] == "private, no-store" and not mine.has("X-Page-Cache")
        messages = call(entry, url, Cookie="messages=x")
        assert messages.by_django and not messages.has("X-Page-Cache")
        assert not call(entry, url, Cookie="theme=dark").by_django  # a cookie the site never reads

    def test_head_post_and_a_body_go_to_django(self, article, entry):
        url = article.get_absolute_url()
        stored(entry, url)
        head = call(entry, url, method="HEAD")
        assert head.by_django and head.body == b"" and head["X-Page-Cache"] == "HIT"
        assert call(entry, url, method="POST").by_django
        refused = call(entry, url, **{"Content-Length": "abc"})
        assert refused.by_django and refused.code == 400

    def test_the_newsroom_and_a_preview_are_never_answered_there(self, article, entry, editor, client):
        browser = client  # signed in as the newsroom signs in (two steps)
        browser.force_login(editor)
        cookie = f"sessionid={browser.cookies['sessionid'].value}"
        draft = make_article("مسودة سرية", status=Article.Status.DRAFT)
        for _ in range(2):
            preview = call(entry, f"/admin/articles/article/{draft.pk}/preview/", Cookie=cookie)
            assert preview.by_django and preview.code == 200 and "no-store" in preview["Cache-Control"]
            assert call(entry, "/admin/login/").by_django


class TestInvalidation:
    def test_an_edit_and_a_publish_are_seen_on_the_next_request(
        self, article, entry, django_capture_on_commit_callbacks
    ):
        url, listing = article.get_absolute_url(), "/amn/"
        stored(entry, url), stored(entry, listing)
        other = make_article("الرجاء يفوز في الديربي", category=make_category("رياضة", slug="riyada"))
        stored(entry, "/riyada/")
        assert not call(entry, url).by_django and not call(entry, "/riyada/").by_django
        editor = make_editor("muharrir_wsgi")
        article.title = "حموشي يستقبل نظيره الإسباني"
        with django_capture_on_commit_callbacks(execute=True):
            article_save(article=article, user=editor, status=article.status, published_at=article.published_at)
        for page in (url, listing):
            fresh = call(entry, page)
            assert fresh.by_django and fresh["X-Page-Cache"] == "MISS" and "نظيره الإسباني" in fresh.body.decode()
        # A page that shows nothing of it: its tokens are checked once by Django, then the entry answers again.
        checked = call(entry, "/riyada/")
        assert checked.by_django and checked["X-Page-Cache"] == "HIT" and other.title in checked.body.decode()
        assert not call(entry, "/riyada/").by_django
        draft = make_article("خبر عاجل من الرباط", category=article.category, status=Article.Status.DRAFT)
        assert "خبر عاجل من الرباط" not in call(entry, listing).body.decode()
        with django_capture_on_commit_callbacks(execute=True):
            article_publish(article=draft, user=editor)
        assert "خبر عاجل من الرباط" in call(entry, listing).body.decode()


HOSTILE_TARGETS = [
    "/%ff%fe/",
    "/amn/%c0%af",
    "/amn%/",
    "/amn/%00",
    "/amn/?q=%00",
    "/amn/?page=%ff",
    "/amn/?" + "&".join(f"a{n}=1" for n in range(1200)),
    "/amn/?q=" + "%d8%a7" * 2000,
    "/" + "x" * 3000 + "/",
    "//amn//",
    "/search/?q=" + quote('"الإرهاب" OR 1=1 --'),
]


class TestHostileAddresses:
    def test_a_malformed_address_or_host_never_gets_a_server_error(self, article, entry, django_only):
        for target in ["/amn/", "/amn/?page=1", "/search/?q=%D8%A3"]:
            stored(entry, target)
        for target in HOSTILE_TARGETS:
            answer, expected = call(entry, target), call(django_only, target)
            assert answer.code < 500 and answer.code == expected.code, target
        for host in ["evil.example", "[::1", "testserver\x00", "testserver/amn", ""]:
            answer = call(entry, "/amn/", Host=host)
            assert 400 <= answer.code < 500 and answer.by_django, host
