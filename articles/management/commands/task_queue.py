from django.core.management.base import BaseCommand

from articles.health import task_queue_state


class Command(BaseCommand):
    help = "Prints the background task queue: waiting, running, failed, and the oldest waiting task's age."

    def handle(self, *args, **options):
        state = task_queue_state()
        oldest = "-" if state.oldest_waiting_seconds is None else f"{state.oldest_waiting_seconds}s"
        self.stdout.write(
            f"waiting {state.waiting}  running {state.running}  failed {state.failed}  oldest waiting {oldest}"
        )
