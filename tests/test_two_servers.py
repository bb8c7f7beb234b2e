"""Two application servers and two task workers on one PostgreSQL and one Redis, as the
README's server layout runs them (gunicorn, `manage.py db_worker`), each a separate
process: what one server does, the other sees.

There is no page cache yet (issue 11): what the servers share through Redis today is
the rate limits and the «الأكثر قراءة» view counters; the publish check asserts that a
new article is on both servers' pages at once, with no stale copy held by either.
"""

import asyncio
import re
import urllib.parse
import urllib.request
from collections import Counter

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from tests.processes import PostgresDatabases, Processes, Visitor, free_port, manage, site_env, wait_until

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
SUBSCRIBERS = 40

SETUP = f"""
from django.utils import timezone
from articles.models import Article
from newsletter.models import Subscriber
now = timezone.now()
Subscriber.objects.bulk_create([
    Subscriber(email=f"mushtarik{{n:03d}}@example.ma", status="confirmed", rhythm="daily", consent_at=now,
               consent_text="موافق", confirmed_at=now)
    for n in range({SUBSCRIBERS})
])
article = Article.objects.published().order_by("pk").first()
print(article.pk, article.get_absolute_url())
"""

# Published through the newsroom's service, which invalidates both servers' page caches.
PUBLISH = """
from django.contrib.auth import get_user_model
from articles.models import Article, Category, Section
from articles.services import article_publish
editor = get_user_model().objects.create_superuser("publisher-two-servers")
article = Article.objects.create(title="خبر عاجل يراه قراء الخادمين معا", lead="مقدمة الخبر العاجل.",
    category=Category.objects.order_by("position").first(), status="draft")
Section.objects.create(article=article, position=0, heading="", body="<p>نص الخبر.</p>")
article_publish(article=article, user=editor)
"""


def redis_for_this_test() -> str:
    # A database number of this test's own, next to the one the test run uses.
    configured = urllib.parse.urlparse(settings.CACHES["default"].get("LOCATION") or "redis://127.0.0.1:6379/0")
    number = (int((configured.path or "/0").lstrip("/") or 0) + 8) % 16
    return f"redis://127.0.0.1:{configured.port or 6379}/{number}"


class SlowMailServer:
    """An SMTP server that takes 0.1 s per message, as a real one does under load: one
    worker alone cannot finish the dispatch before the other starts."""

    def __init__(self):
        self.recipients = Counter()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.1)
        self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted"


SEND = """
from django.core.management import call_command
from newsletter.models import Dispatch
from newsletter.services import dispatch_enqueue
call_command("send_newsletter", rhythm="daily")
for _ in range(2):  # more sending runs, as cron's resume or an editor's click would queue
    dispatch_enqueue(dispatch_id=Dispatch.objects.get().pk)
"""


def test_two_servers_and_two_workers_share_one_database_and_one_cache(tmp_path):
    assert connection.vendor == "postgresql"
    databases = PostgresDatabases(connection.settings_dict)
    redis_url = redis_for_this_test()
    redis.Redis.from_url(redis_url).flushdb()
    processes = Processes(tmp_path)
    mail_servers, started_mail_servers = [SlowMailServer(), SlowMailServer()], []
    try:
        common = {
            "REDIS_URL": redis_url,
            "DJANGO_COMMENTS_RATE_PER_ADDRESS": "4/10m",
            "DJANGO_COMMENTS_MIN_FILL_SECONDS": "0",
            "DJANGO_COMMENTS_AUTO_APPROVE_AFTER": "0",
            "DJANGO_NEWSLETTER_BATCH_SIZE": "5",
        }
        url = databases.create("portal_twoserver")
        env = site_env(tmp_path, database_url=url, name="site", **common)
        manage("migrate", "--noinput", env=env)
        manage("load_demo", env=env)
        article_id, article_path = manage("shell", "-c", SETUP, env=env).stdout.splitlines()[-1].split()
        a = processes.start_server("server-a", free_port(), env=env)
        b = processes.start_server("server-b", free_port(), env=env)
        # Each worker mails through its own SMTP server, so each one's share can be told apart.
        for n, mail_server in enumerate(mail_servers, start=1):
            mail_server.controller.start()
            started_mail_servers.append(mail_server)
            smtp = {
                "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "DJANGO_EMAIL_HOST": "127.0.0.1",
                "DJANGO_EMAIL_PORT": str(mail_server.controller.port),
            }
            processes.start_worker(f"worker-{n}", env={**env, **smtp})
        reader = Visitor(user_agent=BROWSER)

        # Views counted on either server land in the same counters, folded by cron's command.
        for server in (a, a, a, b, b):
            status, page = reader.request(f"{server}{article_path}")
            assert status == 200
            # What the page's script does once it is shown (articles.beacon).
            beacon = re.search(r'data-view-beacon="([^"]+)"', page).group(1)
            assert reader.request(f"{server}{beacon}", {})[0] == 204
        assert "Folded 5 view(s)." in manage("fold_views", env=env).stdout

        # A publish shows on both servers' pages at once.
        title = "خبر عاجل يراه قراء الخادمين معا"
        assert title not in reader.request(f"{a}/")[1] and title not in reader.request(f"{b}/")[1]
        manage("shell", "-c", PUBLISH, env=env)
        assert title in reader.request(f"{a}/")[1] and title in reader.request(f"{b}/")[1]

        # Comments alternate between the servers; the per-address limit (4 in 10 minutes) counts them all.
        page = reader.request(f"{b}{article_path}")[1]
        fields = reader.form_values(page, "comment-form")
        posted = []
        for n, server in enumerate((b, a, b, a)):
            body = f"تعليق رقم {n} من قارئ واحد"
            data = {**fields, "name": "قارئ", "email": f"qari{n}@example.ma", "body": body, "consent": "on"}
            status, _html = reader.request(f"{server}/comments/post/{article_id}/", data)
            assert status == 302, _html[:500]
            posted.append(body)
        data = {**fields, "name": "قارئ", "email": "qari9@example.ma", "body": "تعليق خامس", "consent": "on"}
        status, html = reader.request(f"{b}/comments/post/{article_id}/", data)
        assert status == 429 and 'lang="ar' in html

        # An editor approves the first comment through server A; readers of server B see it.
        assert posted[0] not in reader.request(f"{b}{article_path}")[1]
        editor = Visitor(user_agent=BROWSER)
        login = editor.request(f"{a}/admin/login/")[1]
        status, _ = editor.request(
            f"{a}/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": editor.csrf(login), "username": "muharrir", "password": "demo-portal-2024"},
        )
        assert status == 302
        # The second step, as the editor's phone answers it: the demo authenticator's code.
        step = editor.request(f"{a}/admin/second-factor/")[1]
        code = manage("demo_otp", "muharrir", env=env).stdout.strip().split()[-1]
        status, _ = editor.request(
            f"{a}/admin/second-factor/", {"csrfmiddlewaretoken": editor.csrf(step), "code": code}
        )
        assert status == 302
        changelist = editor.request(f"{a}/admin/comments/comment/")[1]
        comment_id = _comment_id(env, posted[0])
        assert posted[0] in changelist  # the editor sees it waiting in the queue
        status, _ = editor.request(
            f"{a}/admin/comments/comment/",
            {"csrfmiddlewaretoken": editor.csrf(changelist), "action": "approve", "_selected_action": comment_id},
        )
        assert status == 302
        page_b = reader.request(f"{b}{article_path}")[1]
        assert posted[0] in page_b and posted[1] not in page_b

        # One dispatch, two workers sending at once, three runs queued: each subscriber gets it once.
        assert f"to {SUBSCRIBERS} subscribers" in manage("shell", "-c", SEND, env=env).stdout
        wait_until(lambda: "waiting 0  running 0" in manage("task_queue", env=env).stdout, timeout=90, what="idle")
        first, second = (mail_server.recipients for mail_server in mail_servers)
        newsletter = Counter({f"mushtarik{n:03d}@example.ma": 1 for n in range(SUBSCRIBERS)})
        assert first + second == newsletter
        assert first and second  # both workers took part
    finally:
        processes.stop()
        for mail_server in started_mail_servers:
            mail_server.controller.stop()
        databases.drop_all()
        redis.Redis.from_url(redis_url).flushdb()
    for log in tmp_path.glob("*.log"):
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def _comment_id(env, body) -> str:
    code = f"from comments.models import Comment; print(Comment.objects.get(body={body!r}).pk)"
    return manage("shell", "-c", code, env=env).stdout.splitlines()[-1]
