"""The shipped Varnish configuration (deploy/varnish/portal.vcl) and `articles.frontcache`
against a real varnishd, in front of a small backend of the test's own whose every answer
says how many times it was asked: a page served from the cache shows an old count.

The whole site behind the same Varnish is tested in tests/test_front_cache.py.
"""

import gzip
import http.client
import logging
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles import frontcache
from tests.processes import Processes, free_port, wait_until
from tests.varnish import start_varnish

SHAREABLE = "public, max-age=0, s-maxage=300, stale-while-revalidate=10, stale-if-error=86400"


class Backend(BaseHTTPRequestHandler):
    """/page/<key>: a shareable page tagged `<key> home`; other paths as named below."""

    counts: dict[str, int] = {}
    lock = threading.Lock()

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        with self.lock:
            # Counted per URL as the backend receives it (campaign parameters stripped).
            self.counts[self.path] = self.counts.get(self.path, 0) + 1
            count = self.counts[self.path]
        headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": SHAREABLE}
        if path.startswith("/page/"):
            headers["xkey"] = f"{path.rsplit('/', 1)[1]} home"
        elif path == "/swr":
            headers["Cache-Control"] = "public, s-maxage=1, stale-while-revalidate=30"
        elif path == "/no-swr":
            headers["Cache-Control"] = "public, s-maxage=1, stale-if-error=600"
        elif path == "/cookie":
            headers["Set-Cookie"] = "csrftoken=abc; Path=/"
        elif path == "/private":
            headers["Cache-Control"] = "private, no-store"
        elif path == "/bare":
            del headers["Cache-Control"]
        body = f"<!doctype html><p>{self.path} #{count}</p>{'<p>نص الصفحة</p>' * 200}".encode()
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    """(Varnish URL, the backend server): one varnishd for the module."""
    backend = ThreadingHTTPServer(("127.0.0.1", free_port()), Backend)
    thread = threading.Thread(target=backend.serve_forever, daemon=True)
    thread.start()
    processes = Processes(tmp_path_factory.mktemp("varnish"))
    try:
        yield start_varnish(processes, backend_port=backend.server_address[1]), backend
    finally:
        processes.stop()
        backend.shutdown()
        backend.server_close()


def get(base, path, *, method="GET", headers=None, source="127.0.0.1"):
    """(status, headers, text) through Varnish, decompressed if it came gzipped."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10, source_address=(source, 0))
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    if response.getheader("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return response.status, response, raw.decode()


def seen(base, path, **kwargs):
    """The X-Cache header and the backend's count shown on the page."""
    _status, response, text = get(base, path, **kwargs)
    return response.getheader("X-Cache"), text.split("#", 1)[1].split("<", 1)[0] if "#" in text else text


def test_second_anonymous_get_is_a_hit_and_tags_stay_private(front):
    base, _ = front
    assert seen(base, "/page/p1") == ("MISS", "1")
    assert seen(base, "/page/p1") == ("HIT", "1")
    _status, response, _text = get(base, "/page/p1")
    assert response.getheader("xkey") is None and response.getheader("X-Portal-SWR") is None
    # A reader's unrelated cookie (analytics, an old csrftoken) is the same anonymous page.
    assert seen(base, "/page/p1", headers={"Cookie": "_ga=GA1.2; csrftoken=old"}) == ("HIT", "1")
    # Campaign parameters share the page's one copy; real parameters do not.
    assert seen(base, "/page/p1?utm_source=facebook&utm_medium=social") == ("HIT", "1")
    assert seen(base, "/page/p1?page=2&fbclid=xyz") == ("MISS", "1")
    assert seen(base, "/page/p1?page=2") == ("HIT", "1")


def test_text_is_gzipped_for_readers_who_ask_and_plain_for_the_others(front):
    base, _ = front
    _status, response, text = get(base, "/page/gz", headers={"Accept-Encoding": "gzip, br"})
    assert response.getheader("Content-Encoding") == "gzip" and "نص الصفحة" in text
    _status, response, text = get(base, "/page/gz")
    assert response.getheader("Content-Encoding") is None and "نص الصفحة" in text


@pytest.mark.parametrize(
    ("path", "headers", "method"),
    [
        ("/page/signed-in", {"Cookie": "sessionid=abc"}, "GET"),
        ("/page/notice", {"Cookie": "theme=1; messages=xyz"}, "GET"),
        ("/page/basic", {"Authorization": "Basic YTpi"}, "GET"),
        ("/admin/articles/article/1/preview/", {}, "GET"),
        ("/page/form", {}, "POST"),
    ],
)
def test_newsroom_signed_in_and_posts_are_never_cached(front, path, headers, method):
    base, _ = front
    assert seen(base, path, headers=headers, method=method) == ("PASS", "1")
    assert seen(base, path, headers=headers, method=method) == ("PASS", "2")
    # ... and put nothing in the cache for the next anonymous reader.
    if method == "GET" and not path.startswith("/admin/"):
        assert seen(base, path) == ("MISS", "3")


@pytest.mark.parametrize("path", ["/cookie", "/private", "/bare"])
def test_pages_that_set_a_cookie_are_private_or_say_nothing_are_not_cached(front, path):
    base, _ = front
    assert seen(base, path) == ("MISS", "1")
    assert seen(base, path) == ("MISS", "2")


@pytest.mark.django_db(transaction=True)  # no test transaction: purges go at once
def test_purge_by_key_drops_exactly_the_tagged_pages(front, settings):
    base, _ = front
    settings.FRONT_CACHE_URLS = [base]
    for path in ("/page/k1", "/page/k2"):
        get(base, path)
        assert seen(base, path)[0] == "HIT"
    frontcache.purge(["k1"])
    assert seen(base, "/page/k1") == ("MISS", "2")
    assert seen(base, "/page/k2") == ("HIT", "1")
    frontcache.purge(["home", "no-such-key"])
    assert seen(base, "/page/k1") == ("MISS", "3")
    assert seen(base, "/page/k2") == ("MISS", "2")


@pytest.mark.django_db
def test_purge_waits_for_the_publishing_transaction_to_commit(front, settings, django_capture_on_commit_callbacks):
    base, _ = front
    settings.FRONT_CACHE_URLS = [base]
    get(base, "/page/tx")
    with django_capture_on_commit_callbacks(execute=True):
        frontcache.purge(["tx"])
        assert seen(base, "/page/tx") == ("HIT", "1")  # not committed yet: readers keep the old page
    assert seen(base, "/page/tx") == ("MISS", "2")


def test_only_the_allowed_addresses_may_purge(front):
    base, _ = front
    get(base, "/page/acl")
    status, _response, _text = get(base, "/", method="PURGE", headers={"xkey-purge": "acl"}, source="127.0.0.2")
    assert status == 403
    assert seen(base, "/page/acl") == ("HIT", "1")
    status, _response, text = get(base, "/", method="PURGE", headers={"xkey-purge": "acl"})
    assert status == 200 and "Purged 1" in text
    assert seen(base, "/page/acl") == ("MISS", "2")


@pytest.mark.django_db(transaction=True)  # no test transaction: purges go at once
def test_a_front_cache_that_does_not_answer_never_breaks_publishing(settings, caplog):
    settings.FRONT_CACHE_URLS = [f"http://127.0.0.1:{free_port()}"]
    settings.FRONT_CACHE_TIMEOUT = 0.5
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="portal.frontcache"):
        frontcache.purge(["article-1", "home"])
    assert time.monotonic() - started < 2
    assert "not purged (article-1 home)" in caplog.text


@pytest.mark.django_db(transaction=True)  # no test transaction: purges go at once
def test_keys_that_could_break_the_header_are_not_sent(front, settings, caplog):
    base, _ = front
    settings.FRONT_CACHE_URLS = [base]
    get(base, "/page/safe")
    with caplog.at_level(logging.WARNING, logger="portal.frontcache"):
        frontcache.purge(["safe", "evil\r\nxkey-purge: home"])
    assert "not header-safe" in caplog.text
    assert seen(base, "/page/safe") == ("MISS", "2")


def test_stale_while_revalidate_serves_the_old_copy_once_and_refreshes_it(front):
    base, _ = front
    assert seen(base, "/swr") == ("MISS", "1")
    time.sleep(1.5)  # past s-maxage=1, inside stale-while-revalidate=30
    assert seen(base, "/swr") == ("HIT", "1")
    time.sleep(0.3)  # the background fetch lands
    assert seen(base, "/swr") == ("HIT", "2")


def test_past_s_maxage_without_revalidate_a_healthy_backend_is_asked_at_once(front):
    base, _ = front
    assert seen(base, "/no-swr") == ("MISS", "1")
    time.sleep(1.5)
    assert seen(base, "/no-swr") == ("MISS", "2")


def test_while_the_backend_is_down_stale_if_error_copies_are_served(front):
    base, backend = front
    assert seen(base, "/no-swr?sie") == ("MISS", "1")
    backend_port = backend.server_address[1]
    backend.shutdown()
    backend.server_close()
    try:
        # Once two failed health probes (every 5 s) mark the backend sick, the copy past
        # s-maxage=1 is served within stale-if-error instead of an error page.
        assert wait_until(lambda: seen(base, "/no-swr?sie") == ("HIT", "1"), timeout=20, interval=0.5)
        status, _response, text = get(base, "/page/never-cached")
        assert status == 503 and "الموقع غير متاح مؤقتا" in text
    finally:
        backend.__init__(("127.0.0.1", backend_port), Backend)
        threading.Thread(target=backend.serve_forever, daemon=True).start()
