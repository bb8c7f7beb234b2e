"""Two workers sending one dispatch, in real threads with their own database connections
(committed data, so TransactionTestCase semantics).

On PostgreSQL the two run at the same time, each holding a claimed batch while the other
claims. The test database of SQLite is in memory with a shared cache, where a second
writer fails at once ("table is locked") instead of waiting as it does on the real file
database; there the two threads run one after the other, and the interleaved claims are
covered by tests/newsletter/test_sending.py.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from newsletter import delivery, services
from newsletter.models import Delivery, Dispatch
from tests.helpers import make_article
from tests.newsletter.helpers import make_subscribers, recipients_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_workers_share_one_dispatch_without_sending_twice(planned_mail, settings):
    settings.NEWSLETTER_BATCH_SIZE = 5
    readers = make_subscribers(40)
    make_article(published_at=timezone.now() - timedelta(hours=1))
    dispatch = services.dispatch_prepare(rhythm="daily")
    services.dispatch_send(dispatch=dispatch)
    concurrent = connection.vendor == "postgresql"
    if concurrent:
        # Each worker must hold a claimed batch while the other claims its own: the first
        # message of each thread waits until both workers are sending.
        planned_mail.barrier = threading.Barrier(2)
    reports, errors = {}, []

    def worker(name):
        try:
            reports[name] = delivery.dispatch_deliver(dispatch_id=dispatch.pk)
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join(timeout=60)
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert Counter(recipients_of(mail.outbox)) == Counter({r.email: 1 for r in readers})
    if concurrent:
        assert reports["a"].sent > 0 and reports["b"].sent > 0
    assert reports["a"].sent + reports["b"].sent == 40
    assert Counter(Delivery.objects.values_list("status", flat=True)) == Counter({"sent": 40})
    assert Dispatch.objects.get().status == Dispatch.Status.DONE
