from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comments.models import Comment
from comments.services import comment_approve, comment_report, comments_moderate, sender_hash
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db


def test_an_editor_who_keeps_a_reported_comment_is_not_overruled_by_the_same_reports(article, editor):
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        comment = make_comment(article, status=Comment.Status.PENDING)
        comment_approve(comment=comment, moderator=editor)
    comment.refresh_from_db()
    for address in ["10.1.0.1", "10.1.0.2", "10.1.0.3"]:
        comment_report(comment=comment, reporter_address=address)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.hold_reason == "أبلغ عنه 3 قراء"

    comment_approve(comment=comment, moderator=editor)  # the editor reads it and keeps it
    comment.refresh_from_db()
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        comment_report(comment=comment, reporter_address="10.1.0.4")
        comment_report(comment=comment, reporter_address="10.1.0.5")
        comment.refresh_from_db()
        assert (comment.status, comment.report_count) == (Comment.Status.APPROVED, 5)
        comment_report(comment=comment, reporter_address="10.1.0.6")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_the_same_reader_reporting_twice_counts_once(article):
    comment = make_comment(article)
    assert comment_report(comment=comment, reporter_address="10.1.0.1") is True
    assert comment_report(comment=comment, reporter_address="10.1.0.1") is False
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_moderation_counts_only_comments_that_change(article, editor):
    approved = make_comment(article)
    pending = make_comment(article, status=Comment.Status.PENDING)
    changed = comments_moderate(
        comments=Comment.objects.filter(pk__in=[approved.pk, pending.pk]),
        status=Comment.Status.APPROVED,
        moderator=editor,
    )
    assert changed == 1


def test_sender_hash_is_stable_keyed_and_hides_the_address(settings):
    first = sender_hash(address="196.200.1.77")
    assert first == sender_hash(address="196.200.1.77")
    assert first != sender_hash(address="196.200.1.78")
    assert "196" not in first
    settings.SECRET_KEY = "another-site-another-key"
    assert sender_hash(address="196.200.1.77") != first
