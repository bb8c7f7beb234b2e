"""A task a killed worker left RUNNING is taken back and run: no confirmation mail is lost."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from newsletter.services import subscription_request
from tests.helpers import run_tasks
from tests.newsletter.helpers import committed

pytestmark = pytest.mark.django_db


def taken_by_a_worker_that_died(minutes_ago: int) -> DBTaskResult:
    with committed():
        subscription_request(email="amina@example.ma", rhythm="daily", consent_text="نعم")
    task = DBTaskResult.objects.get()
    task.claim("worker-killed-by-sigkill")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(minutes=minutes_ago))
    return task


def requeue() -> str:
    out = io.StringIO()
    call_command("requeue_stalled_tasks", stdout=out)
    return out.getvalue()


def test_a_confirmation_left_running_by_a_dead_worker_is_sent_after_all(settings):
    settings.TASKS_STALLED_AFTER = 600
    taken_by_a_worker_that_died(minutes_ago=11)
    run_tasks()
    assert mail.outbox == []  # as it is today: nobody runs a RUNNING task
    assert requeue().startswith("1 stalled task")
    run_tasks()
    assert [message.to for message in mail.outbox] == [["amina@example.ma"]]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_task_still_within_its_time_is_left_to_its_worker(settings):
    settings.TASKS_STALLED_AFTER = 600
    task = taken_by_a_worker_that_died(minutes_ago=2)
    assert requeue().startswith("0 stalled task")
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING
