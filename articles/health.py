"""The health check a load balancer or a monitor polls: /healthz.

Never cached and without a cookie; 200 when the database, the cache and the task queue
answer, 503 when one does not, or when the oldest waiting task has waited longer than
HEALTH_QUEUE_MAX_AGE (no worker is taking work).
"""

import logging
import uuid
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("portal.health")


@dataclass
class QueueState:
    waiting: int
    running: int
    failed: int
    oldest_waiting_seconds: int | None


def task_queue_state() -> QueueState:
    """Counts of the database task queue; the age of the oldest task ready to run."""
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    age = None
    if oldest is not None:
        # A task scheduled for later has waited only since its time came.
        waiting_since = max(oldest[0], oldest[1]) if oldest[1].year < 9999 else oldest[0]
        age = max(0, int((timezone.now() - waiting_since).total_seconds()))
    return QueueState(
        waiting=ready.count(),
        running=DBTaskResult.objects.running().count(),
        failed=DBTaskResult.objects.failed().count(),
        oldest_waiting_seconds=age,
    )


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _cache() -> dict:
    key, token = "healthz:probe", uuid.uuid4().hex
    cache.set(key, token, 30)
    if cache.get(key) != token:
        raise RuntimeError("the cache did not return what was stored")
    return {"ok": True, "backend": type(caches[DEFAULT_CACHE_ALIAS]).__name__}


def _tasks() -> dict:
    state = task_queue_state()
    limit = settings.HEALTH_QUEUE_MAX_AGE
    stale = bool(limit) and state.oldest_waiting_seconds is not None and state.oldest_waiting_seconds > limit
    return {"ok": not stale, **asdict(state)}


def _check(probe) -> dict:
    try:
        return probe()
    except Exception as error:  # any failure is the answer, not a 500
        # The page is public: it names the kind of failure; the log holds the details.
        logger.warning("health check %s failed: %s: %s", probe.__name__.strip("_"), type(error).__name__, error)
        return {"ok": False, "error": type(error).__name__}


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _check(_database), "cache": _check(_cache)}
    checks["tasks"] = _check(_tasks) if checks["database"]["ok"] else {"ok": False, "error": "database down"}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503)
