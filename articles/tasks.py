"""Background work of the articles app, run by `manage.py db_worker`: one line each, the work is in its module."""

from django_tasks import task

from articles.readership import views_fold


@task()
def fold_views() -> int:
    return views_fold()
