"""Thousands of malformed requests against a live server, across every URL pattern: no 5xx.

The requests are written byte by byte on a socket, as an attacker's script would send
them: bad percent-encodings and NUL bytes in paths and queries, numbers too large for
any column, odd methods, bodies in charsets Django cannot decode, broken multipart,
oversized bodies and headers. Each one must get a 4xx (or a 2xx/3xx); a 5xx, or a
server that stops answering, fails the test with the requests that caused it.
"""

import os
import random
import re
import socket
from urllib.parse import quote, unquote

import pytest
from django.contrib import admin
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver

from comments.services import comment_submit
from newsletter.models import Subscriber
from newsletter.tokens import confirm_token, unsubscribe_token
from portal.wsgi import application
from tests.helpers import make_article, make_category, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 20261202
CASES = int(os.environ.get("HOSTILE_CASES", 3000))
HUGE = "9" * 20

METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "G<T", "POST "]
PATH_MUTATIONS = [
    lambda p: p + "%00",
    lambda p: p.rstrip("/") + "%00/",
    lambda p: p + "%ff%fe/",
    lambda p: p + "%c0%af",
    lambda p: p.rstrip("/") + "%/",
    lambda p: re.sub(r"/\d+/", f"/{HUGE}/", p),
    lambda p: re.sub(r"/\d+/", "/-1/", p),
    lambda p: re.sub(r"/\d+/", "/0/", p),
    lambda p: p + "x" * 3000 + "/",
    lambda p: p.replace("/", "//"),
    lambda p: p + "..%2f..%2fetc%2fpasswd",
    lambda p: p,
]
QUERIES = [
    "",
    "?page=" + HUGE,
    "?page=-1",
    "?page=%00",
    "?q=%00",
    "?q=" + "%d8%a7" * 2000,
    "?q=%ff%fe",
    "?q=%22%22%22",
    "?q=" + quote('"الإرهاب" OR 1=1 --'),
    "?e=1",
    "?o=999",
    "?o=-1.a",
    "?p=" + HUGE,
    "?published_at__year=" + HUGE,
    "?published_at__year=2024&published_at__month=" + HUGE,
    "?published_at__year=9999&published_at__month=12",
    "?published_at__year=9999",
    "?published_at__gte=" + HUGE,
    "?status__exact=%00",
    "?created_at__year=" + HUGE,
    "?id__in=1,2," + HUGE,
    "?_changelist_filters=" + "%25" * 500,
    "?next=" + quote("//evil.example/") + "&a=%00",
    "?" + "&".join(f"a{n}=1" for n in range(1200)),
]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=x-no-such-charset",
    "multipart/form-data; boundary=xx",
    "multipart/form-data",
    "multipart/form-data; boundary=" + "b" * 200,
    "application/json",
    "text/plain; charset=utf-32",
]
BODIES = [
    b"",
    b"email=a%40b.ma&consent=on&rhythm=daily&name=%00&body=%ff",
    "email=a@b.ma&body=تعليق".encode("utf-16"),
    b'--xx\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.ma\r\n',
    b'--xx\r\nContent-Disposition: form-data; name="upload"; filename="x.html"\r\n\r\n<script>',
    b"--xx--\r\n--xx\r\n\r\n\r\n--",
    b"\xff\xfe\x00\x00" * 64,
    b"%" * 4000,
    b"{" * 5000,
    b"signature=1&timestamp=" + HUGE.encode() + b"&token=x&event-data=%7B",
]
HEADERS = [
    {},
    {"Cookie": "sessionid=" + "a" * 5000},
    {"Cookie": "csrftoken=%00; sessionid=%ff"},
    {"X-Real-IP": "not-an-ip", "X-Forwarded-For": "1.1.1.1, <script>, ::::"},
    {"Accept-Language": "xx-" + "y" * 3000},
    {"If-Modified-Since": "Tue, 99 Foo 99999 99:99:99 GMT", "If-None-Match": '"' + "x" * 1000},
    {"Range": "bytes=99999999999999999999-"},
    {"Host": "evil.example"},
    {"Host": "127.0.0.1:" + HUGE},
    {"User-Agent": "\x01\x02" + "Z" * 8000},
    {"Content-Length": "-1"},
    {"Content-Length": HUGE},
    {"X-Big": "h" * 70000},
]


def concrete_paths(article, comment, subscriber, category, tag, author) -> list[str]:
    """A real path for every URL pattern of the site, and the admin pages of every model."""
    paths = [
        "/",
        "/robots.txt",
        "/favicon.ico",
        "/healthz",
        "/sitemap.xml",
        "/sitemap-news.xml",
        "/sitemap-articles.xml",
        "/feed/",
        f"/{category.slug}/",
        f"/{category.slug}/feed/",
        f"/tag/{tag}/",
        f"/author/{author}/",
        f"/article/{article.pk}/",
        article.get_absolute_url(),
        f"/search/?q={quote('الإرهاب')}",
        "/page/about/",
        f"/archive/{article.published_at.year}/",
        f"/archive/{article.published_at.year}/{article.published_at.month}/",
        f"/v/{article.pk}/",
        f"/comments/post/{article.pk}/",
        "/comments/started/",
        f"/comments/reply/{comment.pk}/",
        f"/comments/report/{comment.pk}/",
        "/comments/stop/not-a-token/",
        "/newsletter/subscribe/",
        "/newsletter/subscribe/check-your-inbox/",
        f"/newsletter/confirm/{confirm_token(subscriber)}/",
        f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/",
        f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/undo/",
        f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/erase/",
        "/newsletter/privacy/",
        "/newsletter/webhooks/mailgun/tracking/",
        "/editor/image-upload/",
        "/media/nothing-here.png",
        "/static/css/site.css",
        "/admin/",
        "/admin/login/",
        "/admin/logout/",
        "/admin/jsi18n/",
        f"/admin/articles/article/{article.pk}/preview/",
    ]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pk = model._default_manager.values_list("pk", flat=True).first() or 1
        paths += [base, base + "add/", f"{base}{pk}/change/", f"{base}{pk}/history/", f"{base}{pk}/delete/"]
    paths.append("/admin/autocomplete/?app_label=articles&model_name=article&field_name=see_also&term=x")
    return paths


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def raw_request(address, method, target, headers, body) -> int | None:
    head = [f"{method} {target} HTTP/1.1", "Connection: close"]
    headers = {"Host": f"{address[0]}:{address[1]}", **headers}
    if body or method in {"POST", "PUT", "PATCH"}:
        headers.setdefault("Content-Length", str(len(body)))
    head += [f"{name}: {value}" for name, value in headers.items()]
    data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "replace") + body
    with socket.create_connection(address, timeout=30) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may close early on an oversized request: its answer still counts
        received = b""
        try:
            while b"\r\n" not in received:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
        except OSError:
            pass
    match = re.match(rb"HTTP/1\.[01] (\d{3})", received)
    return int(match.group(1)) if match else None


def generated_requests(paths, *, session, csrf):
    rng = random.Random(SEED)
    for _ in range(CASES):
        path = rng.choice(PATH_MUTATIONS)(rng.choice(paths))
        query = rng.choice(QUERIES) if "?" not in path else ""
        method = rng.choice(METHODS[:3]) if rng.random() < 0.6 else rng.choice(METHODS)
        headers = dict(rng.choice(HEADERS)) if rng.random() < 0.4 else {}
        headers.setdefault("Cookie", f"csrftoken={csrf}" + (f"; sessionid={session}" if rng.random() < 0.5 else ""))
        headers["X-CSRFToken"] = csrf
        headers["Referer"] = "http://testserver/"
        body = b""
        if method not in {"GET", "HEAD"} or rng.random() < 0.1:
            headers.setdefault("Content-Type", rng.choice(CONTENT_TYPES))
            body = rng.choice(BODIES)
        yield method, path + query, headers, body
    # Bodies over the upload bound, on every POST URL.
    for path in paths:
        yield "POST", path, {"Content-Type": "application/x-www-form-urlencoded"}, b"a=" + b"x" * (11 * 1024 * 1024)


def test_no_malformed_request_gets_a_server_error(live_server, client, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    settings.CSRF_TRUSTED_ORIGINS = ["http://testserver"]
    category = make_category("أمن", slug="amn")
    # A superuser reaches every admin page (transactional tests flush the newsroom groups).
    editor = make_user("muharrir-hostile", is_staff=True, is_superuser=True, first_name="سعاد")
    article = make_article("مقال عن الإرهاب", category=category, tags=["الأمن"], authors=[editor])
    comment = comment_submit(
        article=article,
        parent=None,
        name="قارئ",
        email="r@example.ma",
        body="تعليق.",
        consent_text="نعم",
        sender_address="10.0.0.1",
    )
    subscriber = Subscriber.objects.create(email="s@example.ma", consent_text="نعم")
    paths = concrete_paths(article, comment, subscriber, category, quote("الأمن"), editor.username)

    # Every URL pattern of the site has at least one of the paths above.
    resolver = get_resolver()
    covered = set()
    for path in paths:
        try:
            covered.add(resolver.resolve(unquote(path.split("?")[0])).route)
        except Resolver404:
            pass
    site_patterns = {p for p in _patterns(resolver) if not p.startswith(("admin/", "^media/"))}
    assert site_patterns <= covered, site_patterns - covered

    client.force_login(editor)
    session = client.cookies["sessionid"].value
    csrf = "h" * 32
    # The server answers with the application gunicorn serves, not the test runner's own.
    live_server.thread.httpd.set_app(application)
    address = (live_server.thread.host, live_server.thread.port)
    failures, silent = [], 0
    for method, target, headers, body in generated_requests(paths, session=session, csrf=csrf):
        status = raw_request(address, method, target, headers, body)
        if status is None:
            silent += 1
        elif status >= 500:
            failures.append(f"{status} {method} {target[:160]} {sorted(headers)[:4]} body={body[:40]!r}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:40])
    # The server refused to parse a few (an invalid request line, a huge header): no more than that.
    assert silent < CASES // 20
    assert raw_request(address, "GET", "/", {}, b"") == 200  # and it is still serving
