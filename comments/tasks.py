"""Background work of the comments app, run by `manage.py db_worker`; the work is in its module."""

from django_tasks import task

from comments import notifications


@task()
def send_comment_notifications(*, comment_id: int) -> int:
    return notifications.comment_notifications_send(comment_id=comment_id)
