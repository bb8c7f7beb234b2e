"""Every page type, and the admin article form, through the W3C Nu HTML checker.

The checker is vnu-jar from npm (`make browser-tools` puts it in var/node), run with the
machine's Java once for all pages: a JVM start costs seconds. Errors must be zero on
every page, the admin article form with its CKEditor widget included (it needs no
exemption today: should a third-party error appear, name it here with its reason rather
than loosen the filter).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from articles.models import Article, Category
from newsletter.tokens import confirm_token, unsubscribe_token
from tests.comments.factories import form_data, make_comment
from tests.helpers import make_article, make_editor
from tests.newsletter.helpers import make_subscriber

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[1]
VNU_JAR = Path(os.environ.get("PORTAL_VNU_JAR", BASE_DIR / "var/node/node_modules/vnu-jar/build/dist/vnu.jar"))
ERROR_PAGES = ["400.html", "403.html", "403_csrf.html", "403_cross_site.html", "404.html", "500.html"]
SEED_TITLE = "السيد عبد اللطيف حموشي يعزز التعاون الأمني بين المغرب وبلجيكا بزيارة عمل هامة"


def vnu(pages: dict[str, str], folder: Path) -> dict[str, list[dict]]:
    """The checker's messages for each page, {name: [message, ...]}, in one Java run."""
    java = shutil.which("java")
    if not java or not VNU_JAR.is_file():
        pytest.fail(f"the W3C Nu checker needs Java and {VNU_JAR} (`make browser-tools` installs vnu-jar)")
    names = {}  # file name -> page name
    for n, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{n:02d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *(str(folder / f) for f in names)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = {name: [] for name in pages}
    for message in json.loads(run.stdout)["messages"]:
        file_name = message.get("url", "").rsplit("/", 1)[-1]
        assert file_name in names, message  # about no page: the checker itself went wrong
        found[names[file_name]].append(message)
    return found


def describe(message):
    return f"line {message.get('lastLine')}: {message['message']}\n      {message.get('extract', '').strip()[:160]}"


@pytest.fixture
def pages(client, rf, settings, tmp_path):
    """The HTML of every kind of page a reader, a subscriber or an editor sees."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # the demo articles are old: keep the form open
    call_command("load_demo", verbosity=0)
    seed = Article.objects.get(title=SEED_TITLE)
    category = seed.category
    tag = seed.tags.first()
    author = seed.authors.first()
    comment = make_comment(seed)
    make_comment(seed, parent=comment)  # a reply, shown nested
    bare = make_article("مقال بلا غلاف ولا عناوين", category=category)
    closed = make_article("مقال أغلقت تعليقاته", category=category, comments_open=False)
    month = seed.published_at
    subscriber = make_subscriber("reader@example.ma")
    pending = make_subscriber("pending@example.ma", status=type(subscriber).Status.PENDING)

    def get(url, status=200):
        response = client.get(url)
        assert response.status_code == status, url
        return response.content.decode()

    def post(url, data, status=200):
        response = client.post(url, data)
        assert response.status_code == status, url
        return response.content.decode()

    html = {
        "home": get("/"),
        "category": get(category.get_absolute_url()),
        "empty category": get(Category.objects.create(name="قسم فارغ", slug="farigh").get_absolute_url()),
        "tag": get(f"/tag/{tag.slug}/"),
        "author": get(f"/author/{author.get_username()}/"),
        "article": get(seed.get_absolute_url()),
        "article without cover or headings": get(bare.get_absolute_url()),
        "article, comment form with errors": post(
            f"/comments/post/{seed.pk}/", form_data(email="khadija@example", consent=None), 400
        ),
        "article, replying": get(f"/comments/reply/{comment.pk}/"),
        "search results": get("/search/?q=الإرهاب"),
        "search, nothing found": get("/search/?q=زلزال"),
        "search, empty query": get("/search/?q="),
        "archive year": get(f"/archive/{month.year}/"),
        "archive month": get(f"/archive/{month.year}/{month.month}/"),
        "not found": get("/article/999999/la-yujad/", 404),
        "subscribe": get("/newsletter/subscribe/"),
        "subscribed": get("/newsletter/subscribe/check-your-inbox/"),
        "confirm": get(f"/newsletter/confirm/{confirm_token(pending)}/"),
        "confirm, bad link": get("/newsletter/confirm/not-a-token/", 400),
        "unsubscribe": get(f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/"),
        "privacy": get("/newsletter/privacy/"),
        "unsubscribed": post(f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/", {}),
        "erased": post(f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/erase/", {}),
        "comments closed": post(f"/comments/post/{closed.pk}/", form_data(), 403),
        "comment notifications, bad stop link": get("/comments/stop/not-a-token/", 400),
        **{name: render_to_string(name, {"request": rf.get("/")}) for name in ERROR_PAGES},
    }
    client.force_login(make_editor("muharrir-vnu"))
    html["admin article form (add)"] = get("/admin/articles/article/add/")
    html["admin article form (change)"] = get(f"/admin/articles/article/{seed.pk}/change/")
    return html


def test_every_page_type_has_no_html_errors_for_the_w3c_checker(pages, tmp_path):
    found = vnu(pages, tmp_path)
    # "info" messages are warnings and notes; "error" and "non-document-error" count.
    errors = {name: [m for m in messages if m["type"] != "info"] for name, messages in found.items()}
    report = "\n".join(f"{name}:\n    " + "\n    ".join(map(describe, ms)) for name, ms in errors.items() if ms)
    assert not report, report
    # The one warning: a <section> without a heading (the article's intro).
    lacking = [name for name, ms in found.items() for m in ms if m["message"].startswith("Section lacks heading")]
    assert not lacking, lacking
