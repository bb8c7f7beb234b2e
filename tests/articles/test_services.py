"""Publishing goes through articles.services: who may, when it shows, what hears of it."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import services
from articles.models import Article
from articles.services import article_publish, article_save, article_schedule, article_unpublish
from tests.helpers import make_article

CASABLANCA = ZoneInfo("Africa/Casablanca")
pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    """What a later feature hanging on article changes (cache purge, alerts) is told."""
    calls = []
    monkeypatch.setattr(
        services,
        "article_change_receivers",
        [lambda *, article, was_public: calls.append((article.title, article.is_public, was_public))],
    )
    return calls


@time_machine.travel(datetime(2025, 3, 1, 9, 0, tzinfo=CASABLANCA), tick=False)
def test_publishing_without_a_date_publishes_now(editor, client):
    article = make_article("خبر الصباح", status=Article.Status.IN_REVIEW)
    article_save(article=article, user=editor, status=Article.Status.PUBLISHED, published_at=None)
    article.refresh_from_db()
    assert article.published_at == timezone.now()
    assert "خبر الصباح" in client.get("/").content.decode()


def test_a_future_date_schedules_and_the_article_shows_when_its_time_comes(editor, client):
    article = make_article("خبر مجدول", status=Article.Status.IN_REVIEW)
    later = timezone.now() + timedelta(hours=3)
    article_schedule(article=article, user=editor, at=later)
    assert "خبر مجدول" not in client.get("/").content.decode()
    with time_machine.travel(later + timedelta(minutes=1)):
        assert "خبر مجدول" in client.get("/").content.decode()


def test_scheduling_in_the_past_is_refused_in_arabic(editor):
    article = make_article(status=Article.Status.IN_REVIEW)
    with pytest.raises(ValidationError, match="في المستقبل"):
        article_schedule(article=article, user=editor, at=timezone.now() - timedelta(minutes=1))
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_journalists_may_not_publish_nor_date(journalist):
    article = make_article(status=Article.Status.IN_REVIEW, authors=[journalist])
    with pytest.raises(PermissionDenied):
        article_publish(article=article, user=journalist)
    with pytest.raises(PermissionDenied):
        article_save(article=article, user=journalist, status=Article.Status.PUBLISHED, published_at=None)
    with pytest.raises(PermissionDenied):
        article_save(
            article=article,
            user=journalist,
            status=Article.Status.IN_REVIEW,
            published_at=timezone.now() + timedelta(days=1),
        )
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.IN_REVIEW, None)
    # Their own edits still go through.
    article.title = "عنوان معدل"
    article_save(article=article, user=journalist, status=Article.Status.DRAFT, published_at=None)
    article.refresh_from_db()
    assert (article.title, article.status) == ("عنوان معدل", Article.Status.DRAFT)


def test_unpublishing_takes_the_article_off_the_site(editor, client):
    article = make_article("خبر سيُسحب")
    article_unpublish(article=article, user=editor)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "خبر سيُسحب" not in client.get("/").content.decode()


def test_saving_refreshes_the_search_index(editor, client):
    article = make_article("عنوان قديم")
    article.title = "مهرجان الصويرة"
    assert article.get_absolute_url() not in client.get("/search/", {"q": "الصويرة"}).content.decode()
    article_save(article=article, user=editor, status=article.status, published_at=article.published_at)
    assert article.get_absolute_url() in client.get("/search/", {"q": "الصويرة"}).content.decode()


def test_later_features_hear_of_every_public_change_once_it_is_committed(
    editor, heard, django_capture_on_commit_callbacks
):
    draft = make_article("مسودة", status=Article.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        article_save(article=draft, user=editor, status=Article.Status.DRAFT, published_at=None)
    assert heard == []  # a draft edited: nothing public changed

    with django_capture_on_commit_callbacks(execute=False) as pending:
        article_publish(article=draft, user=editor)
    assert heard == []  # not before the transaction commits
    for callback in pending:
        callback()
    assert heard == [("مسودة", True, False)]

    with django_capture_on_commit_callbacks(execute=True):
        article_unpublish(article=draft, user=editor)
    assert heard[-1] == ("مسودة", False, True)


def test_every_model_constraint_speaks_arabic():
    constraints = [
        (model.__name__, constraint)
        for app in ("articles", "comments", "newsletter")
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    ]
    assert len(constraints) >= 10
    for model, constraint in constraints:
        message = str(constraint.violation_error_message)
        assert re.search(r"[\u0600-\u06FF]", message) and not re.search(r"[A-Za-z]", message), (model, message)


def test_a_published_article_without_a_date_is_explained_in_arabic():
    article = make_article(status=Article.Status.DRAFT)
    article.status = Article.Status.PUBLISHED
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert error.value.messages == ["لا يُنشر مقال دون تاريخ نشر."]
