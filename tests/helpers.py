"""Small builders for test data, walking the same model paths as production."""

import itertools
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy
from email.utils import format_datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Author, Category, Section
from articles.services import article_bylines_fill, article_search_index_update

_counter = itertools.count(1)
JOURNALIST_GROUP = "صحفي"
EDITOR_GROUP = "محرر"


def make_category(name=None, slug=None, **fields):
    n = next(_counter)
    return Category.objects.create(name=name or f"قسم {n}", slug=slug or f"qism-{n}", **fields)


def make_article(
    title=None,
    *,
    category=None,
    status=Article.Status.PUBLISHED,
    published_at=None,
    sections=(("", "<p>نص المقدمة.</p>"),),
    tags=(),
    authors=(),
    bylines=None,
    lead="مقدمة قصيرة للمقال.",
    **fields,
):
    n = next(_counter)
    if published_at is None and status == Article.Status.PUBLISHED:
        published_at = timezone.now() - timedelta(hours=n)
    article = Article.objects.create(
        title=title or f"مقال تجريبي رقم {n}",
        category=category or make_category(),
        status=status,
        published_at=published_at,
        lead=lead,
        **fields,
    )
    for position, (heading, body) in enumerate(sections):
        Section.objects.create(article=article, position=position, heading=heading, body=body)
    if tags:
        article.tags.set(list(tags))
    if authors:
        article.authors.set(authors)
    if bylines is None:
        article_bylines_fill(article=article)  # as the desk signs an article saved without a byline
    else:
        for position, author in enumerate(bylines):
            article.bylines.add(author, through_defaults={"position": position})
    article_search_index_update(article=article)
    return article


def make_author(name="و.م.ع", *, slug=None, kind=Author.Kind.AGENCY, **fields):
    """A byline profile; by default a news agency, which has no login."""
    return Author.objects.create(name=name, slug=slug or f"author-{next(_counter)}", kind=kind, **fields)


def make_user(username=None, *, group=None, is_staff=False, **fields):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_counter)}", password="x-pass-123456", is_staff=is_staff, **fields
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_journalist(username=None, **fields):
    return make_user(username, group=JOURNALIST_GROUP, is_staff=True, **fields)


def make_editor(username=None, **fields):
    return make_user(username, group=EDITOR_GROUP, is_staff=True, **fields)


def run_tasks():
    """Run every queued background task now, the way `manage.py db_worker` does."""
    from unittest import mock

    from django.core.management import call_command

    # The worker closes "old" connections between tasks; inside a test's transaction
    # that would drop the test's data on PostgreSQL.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, queue_name="*", verbosity=0)


def admin_article_form(category, **overrides):
    """The article admin form as a browser posts it: one intro and one headed section."""
    data = {
        "title": "مقال جديد من غرفة التحرير",
        "slug": "",
        "lead": "مقدمة المقال الجديد.",
        "category": str(category.pk),
        "tags": "المغرب، بلجيكا",
        "status": "review",
        "comments_open": "on",
        "cover_caption": "",
        "cover_credit": "",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "1",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-position": "0",
        "sections-0-heading": "",
        "sections-0-body": "<p>المقدمة</p>",
        "sections-1-position": "1",
        "sections-1-heading": "خطة عمل مشتركة",
        "sections-1-body": "<p>نص<script>alert(1)</script></p><ul><li>بند</li></ul>",
        # The corrections inline (editors, published articles only): none added.
        # The byline inline: none added (a byline left empty is signed with the desk authors).
        "byline_set-TOTAL_FORMS": "0",
        "byline_set-INITIAL_FORMS": "0",
        "byline_set-MIN_NUM_FORMS": "0",
        "byline_set-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def totp_device(user, *, key=None):
    """A confirmed authenticator-app device for `user` (the state after enrolment)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    fields = {"key": key} if key else {}
    return TOTPDevice.objects.create(user=user, name="تطبيق المصادقة", confirmed=True, **fields)


def current_code(device) -> str:
    """The six digits the authenticator app shows for `device` right now."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in_verified(client, user):
    """Sign `user` in as the two-step login leaves a session: password and second factor passed.

    The session carries a confirmed device the way django-otp records it after a code
    (`DEVICE_ID_SESSION_KEY`), so the admin's second-factor check passes honestly. The
    real steps (password, code, enrolment) are tested in tests/articles/test_mfa.py.
    """
    from django.test import Client as StockClient
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    StockClient.force_login(client, user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def read_as_provider(message):
    """A sent message as a receiving provider parses it (`email.policy.default`), checked for defects.

    Returns the parsed message and its plain-text and HTML bodies.
    """
    parsed = message_from_bytes(message.message().as_bytes(), policy=email_policy.default)
    assert parsed.defects == []
    for part in parsed.walk():
        assert part.defects == []
        for name, value in part.items():
            assert value.defects == (), name
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    return parsed, text, html


def assert_headers_as_a_provider_reads_them(parsed, *, subject, feedback, host, sent_at):
    """Subject as written, Date in Casablanca time with its offset, ids at the site's host."""
    assert parsed["Subject"] == subject
    assert parsed["Date"].datetime == sent_at
    local = timezone.localtime(sent_at)
    assert parsed["Date"] == format_datetime(local)
    assert not parsed["Date"].endswith("-0000")
    assert parsed["Message-ID"].endswith(f"@{host}>")
    assert parsed["Feedback-ID"] == f"{feedback}:{host}"
    assert parsed.get_content_type() == "multipart/alternative"
