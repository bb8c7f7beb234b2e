"""The whole site behind the shipped Varnish, as `make serve` runs it: gunicorn, the task
worker and varnishd, each a real process, the site purging the front cache on publish.

As `make serve` without REDIS_URL: the application's own page cache is off (one
local-memory cache per gunicorn worker could not see the purges of another process),
Varnish is the cache.
"""

import pytest

from tests.processes import Processes, Visitor, free_port, manage, site_env, wait_until
from tests.varnish import start_varnish

pytestmark = pytest.mark.django_db

SETUP = """
from articles.models import Article
article = Article.objects.published().order_by("pk").first()
from articles.models import Category, Section
draft = Article.objects.create(title="مسودة لم تنشر بعد", lead="مقدمة المسودة.", status="draft",
    category=Category.objects.order_by("position").first())
Section.objects.create(article=draft, position=0, heading="", body="<p>نص المسودة.</p>")
print(article.pk, article.get_absolute_url(), draft.pk, draft.get_absolute_url(), draft.title)
"""

EDIT = """
from django.contrib.auth import get_user_model
from articles.models import Article
from articles.services import article_save
article = Article.objects.get(pk={pk})
article.title = "{title}"
article_save(article=article, user=get_user_model().objects.get(username="muharrir"),
             status=article.status, published_at=article.published_at)
"""

COMMENT = """
from django.contrib.auth import get_user_model
from articles.models import Article
from comments.services import comment_approve, comment_submit
comment = comment_submit(article=Article.objects.get(pk={pk}), name="قارئ", email="qari@example.ma",
    body="{body}", consent_text="موافق", sender_address="127.0.0.9")
comment_approve(comment=comment, moderator=get_user_model().objects.get(username="muharrir"))
"""


def test_readers_are_served_by_varnish_and_see_each_change_within_two_seconds(tmp_path):
    processes = Processes(tmp_path)
    try:
        front_port, app_port = free_port(), free_port()
        front = f"http://127.0.0.1:{front_port}"
        env = site_env(tmp_path, DJANGO_FRONT_CACHE_URLS=front, DJANGO_SITE_URL=front, DJANGO_PAGE_CACHE_SECONDS="0")
        manage("migrate", "--noinput", env=env)
        manage("load_demo", env=env)
        pk, path, draft_pk, draft_path, draft_title = (
            manage("shell", "-c", SETUP, env=env).stdout.splitlines()[-1].split(" ", 4)
        )
        processes.start_server("gunicorn", app_port, env=env)
        processes.start_worker("worker", env=env)
        start_varnish(processes, backend_port=app_port, port=front_port)
        reader = Visitor()

        # The second anonymous GET of the home and of an article comes from the cache.
        for url in (f"{front}/", f"{front}{path}"):
            first, second = reader.get(url), reader.get(url)
            assert first[0] == 200 and first[1]["X-Cache"] == "MISS" and "Set-Cookie" not in first[1]
            assert second[1]["X-Cache"] == "HIT" and second[2] == first[2]
        # Compressed for a browser that asks.
        status, headers, text = reader.get(f"{front}{path}", headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip" and "</html>" in text

        # An edit through the publishing service is on the article and the home within 2 s.
        title = "عنوان معدل يراه القراء عبر ذاكرة الواجهة"
        manage("shell", "-c", EDIT.format(pk=pk, title=title), env=env)
        for url in (f"{front}{path}", f"{front}/"):
            wait_until(lambda url=url: title in reader.get(url)[2], timeout=2, interval=0.1, what=f"the edit on {url}")

        # An approved comment appears within 2 s.
        body = "تعليق وافق عليه المحرر للتو"
        reader.get(f"{front}{path}")
        manage("shell", "-c", COMMENT.format(pk=pk, body=body), env=env)
        wait_until(lambda: body in reader.get(f"{front}{path}")[2], timeout=2, interval=0.1, what="the comment")

        # A draft is never cached for readers.
        for _ in range(2):
            status, headers, text = reader.get(f"{front}{draft_path}")
            assert status == 404 and draft_title not in text

        # An editor signed in passes the cache, and the preview is never stored.
        editor = Visitor()
        login = editor.get(f"{front}/admin/login/")[2]
        status, _, _ = editor.get(
            f"{front}/admin/login/?next=/admin/",
            data={"csrfmiddlewaretoken": editor.csrf(login), "username": "muharrir", "password": "demo-portal-2024"},
        )
        assert status == 302
        step = editor.get(f"{front}/admin/second-factor/")[2]
        code = manage("demo_otp", "muharrir", env=env).stdout.strip().split()[-1]
        status, _, _ = editor.get(
            f"{front}/admin/second-factor/", data={"csrfmiddlewaretoken": editor.csrf(step), "code": code}
        )
        assert status == 302
        for _ in range(2):
            status, headers, _text = editor.get(f"{front}/")
            assert status == 200 and headers["X-Cache"] == "PASS"
            status, headers, text = editor.get(f"{front}/admin/articles/article/{draft_pk}/preview/")
            assert status == 200 and headers["X-Cache"] == "PASS" and draft_title in text
            assert "no-store" in headers["Cache-Control"]
    finally:
        processes.stop()
