"""Background work of the list, run by `manage.py db_worker`; the work is in `newsletter.delivery`.

Arguments are ids only: the task queue keeps its rows, and must keep no addresses.
"""

from datetime import datetime

from django_tasks import task

from newsletter import delivery


@task()
def send_confirmation(subscriber_id: int, send: bool = True) -> None:
    delivery.confirmation_send(subscriber_id=subscriber_id, send=send)


@task()
def send_dispatch(dispatch_id: int) -> dict:
    report = delivery.dispatch_deliver(dispatch_id=dispatch_id)
    if report.resume_at:
        dispatch_run_enqueue(dispatch_id=dispatch_id, run_after=report.resume_at)
    return report.counts()


def dispatch_run_enqueue(*, dispatch_id: int, run_after: datetime | None = None) -> None:
    """Queue a sending run of a dispatch, at once or not before `run_after`."""
    (send_dispatch.using(run_after=run_after) if run_after else send_dispatch).enqueue(dispatch_id)
