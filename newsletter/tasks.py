"""Background work of the list, run by `manage.py db_worker`.

Arguments are ids only: the task queue keeps its rows, and must keep no addresses.
"""

from django_tasks import task

from newsletter import services


@task()
def send_confirmation(subscriber_id: int, send: bool = True) -> None:
    services.confirmation_send(subscriber_id=subscriber_id, send=send)


@task()
def send_dispatch(dispatch_id: int) -> dict:
    report = services.dispatch_deliver(dispatch_id=dispatch_id)
    return {"sent": report.sent, "failed": report.failed, "retrying": report.retrying, "skipped": report.skipped}
