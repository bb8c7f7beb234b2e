"""`make backup` / `make restore`: back up a running site, restore it into a fresh database
and media folder, and find the same newsroom there. Runs on the database the test run
uses: SQLite (the online-backup copy) or PostgreSQL (pg_dump / pg_restore)."""

import json
import subprocess
import threading

import pytest
from django.db import connection

from tests.processes import ROOT, PostgresDatabases, Processes, fetch, free_port, manage, site_env

pytestmark = pytest.mark.django_db  # only to read which database the run uses

ADD_READERS = """
from articles.models import Article
from comments.services import comment_submit
from newsletter.models import Subscriber
from django.utils import timezone
article = Article.objects.published().order_by("pk").first()
for n in range(3):
    comment_submit(article=article, name=f"قارئ {n}", email=f"qari{n}@example.ma", body=f"تعليق رقم {n} على المقال",
                   consent_text="موافق", sender_address="127.0.0.1")
for n in range(4):
    Subscriber.objects.create(email=f"mushtarik{n}@example.ma", status="confirmed", consent_at=timezone.now(),
                              consent_text="موافق", confirmed_at=timezone.now())
"""

NEWSROOM = """
import json
from articles.models import Article
from comments.models import Comment
from newsletter.models import Subscriber
print(json.dumps({
    "articles": sorted((a.pk, a.title, a.status, a.cover.name) for a in Article.objects.all()),
    "comments": sorted(Comment.objects.values_list("article_id", "name", "body", "status")),
    "subscribers": sorted(Subscriber.objects.values_list("email", "status")),
}, ensure_ascii=False))
"""


def newsroom(env) -> dict:
    return json.loads(manage("shell", "-c", NEWSROOM, env=env).stdout.splitlines()[-1])


def test_a_backup_of_a_running_site_restores_into_a_fresh_database_and_media_folder(tmp_path):
    databases = PostgresDatabases(connection.settings_dict) if connection.vendor == "postgresql" else None
    processes = Processes(tmp_path)
    try:
        live_url = databases.create("portal_backup_live") if databases else None
        fresh_url = databases.create("portal_backup_fresh") if databases else None
        live = site_env(tmp_path, database_url=live_url, name="live", DJANGO_BACKUP_DIR=str(tmp_path / "backups"))
        fresh = site_env(tmp_path, database_url=fresh_url, name="fresh")
        manage("migrate", "--noinput", env=live)
        manage("load_demo", env=live)
        manage("shell", "-c", ADD_READERS, env=live)
        before = newsroom(live)
        assert len(before["articles"]) == 8 and len(before["comments"]) == 3 and len(before["subscribers"]) == 4

        url = processes.start_server("live", free_port(), env=live)
        readers_done = threading.Event()
        answers = []

        def read_the_site():
            while not readers_done.is_set():
                answers.append(fetch(f"{url}/")[0])
                answers.append(fetch(f"{url}/search/?q=%D8%A7%D9%84%D8%A3%D9%85%D9%86")[0])

        reader = threading.Thread(target=read_the_site)
        reader.start()
        try:
            written = manage("backup", env=live).stdout
        finally:
            readers_done.set()
            reader.join(timeout=30)
        assert answers and set(answers) == {200}
        archives = sorted((tmp_path / "backups").glob("portal-*Z.tar.gz"))
        assert len(archives) == 1 and f"Backup written: {archives[0]}" in written

        restored = manage("restore", str(archives[0]), env=fresh).stdout
        assert "articles.article: 8 (archive: 8)" in restored and "newsletter.subscriber: 4 (archive: 4)" in restored
        assert newsroom(fresh) == before
        covers = [cover for _pk, _title, _status, cover in before["articles"] if cover]
        assert covers and all((tmp_path / "fresh-media" / cover).is_file() for cover in covers)

        again = manage("restore", str(archives[0]), env=fresh, check=False)
        assert again.returncode != 0 and "--force" in again.stderr  # a live newsroom is not overwritten by a slip
        assert "articles.article: 8" in manage("restore", str(archives[0]), "--force", env=fresh).stdout
    finally:
        processes.stop()
        if databases:
            databases.drop_all()


def test_make_restore_without_a_file_says_how_to_call_it():
    result = subprocess.run(["make", "-s", "restore"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "usage: make restore FILE=" in result.stdout
