"""Give back to the queue the tasks a killed worker left RUNNING.

django-tasks-db marks a task RUNNING when a worker takes it and never looks at it again:
a worker killed mid-task (SIGKILL, out of memory, a reboot) leaves it RUNNING forever,
and with it a subscriber's confirmation mail or a reader's reply notification. Run this
every minute or two (cron or the systemd timer in deploy/); each task it finds running
for longer than DJANGO_TASKS_STALLED_AFTER seconds is made READY again, and the next
free worker runs it. The project's tasks are safe to run twice: the newsletter claims
each delivery row, and a confirmation or notification that went out just before the
kill may, at worst, go out once more.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Make tasks left RUNNING by a dead worker READY again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.TASKS_STALLED_AFTER,
            help="seconds a task may run before it counts as abandoned",
        )

    def handle(self, *args, older_than: int, **options):
        cutoff = timezone.now() - timedelta(seconds=older_than)
        count = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
            status=TaskResultStatus.READY, started_at=None
        )
        self.stdout.write(f"{count} stalled task(s) requeued")
