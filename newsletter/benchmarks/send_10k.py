"""Benchmark: one dispatch to 10,000 subscribers through a local SMTP sink.

Not a test. Builds a throwaway SQLite database (or uses DATABASE_URL if set, which it
then fills with benchmark rows: point it at a scratch database), starts an aiosmtpd sink
on 127.0.0.1 in a separate process, queues a dispatch and runs the real task worker
(`db_worker --batch`) in this process, then prints deliveries per second and peak memory.

    .venv/bin/python newsletter/benchmarks/send_10k.py [--subscribers 10000] [--batch-size 100]
    .venv/bin/python newsletter/benchmarks/send_10k.py --trace-memory   # Python allocations too (slower)
"""

import argparse
import multiprocessing
import os
import resource
import socket
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def run_sink(port, received, ready):
    import asyncio

    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            with received.get_lock():
                received.value += len(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        asyncio.run(asyncio.sleep(3600))
    finally:
        controller.stop()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb():
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--trace-memory", action="store_true", help="also measure peak Python allocations")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the sending to FILE")
    args = parser.parse_args()

    port = free_port()
    received = multiprocessing.Value("i", 0)
    ready = multiprocessing.Event()
    sink = multiprocessing.Process(target=run_sink, args=(port, received, ready), daemon=True)
    sink.start()
    ready.wait(10)

    workdir = tempfile.mkdtemp(prefix="newsletter-bench-")
    os.environ.update(
        {
            "DJANGO_DEBUG": "1",
            "DJANGO_SQLITE_PATH": os.path.join(workdir, "bench.sqlite3"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(port),
            "DJANGO_SITE_URL": "https://news.example.ma",
            "DJANGO_NEWSLETTER_BATCH_SIZE": str(args.batch_size),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article, Category
    from newsletter import services
    from newsletter.models import Delivery, Subscriber

    call_command("migrate", verbosity=0)
    now = timezone.now()
    category = Category.objects.create(name="وطني", slug="watani")
    for n in range(8):
        Article.objects.create(
            title=f"خبر رقم {n} من أخبار اليوم في المغرب",
            lead="مقدمة قصيرة للخبر تظهر في النشرة البريدية وفي بطاقات الموقع.",
            category=category,
            status=Article.Status.PUBLISHED,
            published_at=now - timezone.timedelta(hours=n + 1),
        )
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"reader{n:05d}@example.ma",
                status=Subscriber.Status.CONFIRMED,
                consent_at=now,
                confirmed_at=now,
                consent_text="موافقة",
            )
            for n in range(args.subscribers)
        ),
        batch_size=2000,
    )

    with transaction.atomic():
        dispatch = services.dispatch_prepare(rhythm="daily")
        queue_started = time.perf_counter()
        services.dispatch_send(dispatch=dispatch)
    queued_in = time.perf_counter() - queue_started

    rss_before = rss_mb()
    if args.trace_memory:
        tracemalloc.start()
    started = time.perf_counter()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(call_command, "db_worker", batch=True, startup_delay=False, queue_name="*", verbosity=0)
        profiler.dump_stats(args.profile)
    else:
        call_command("db_worker", batch=True, startup_delay=False, queue_name="*", verbosity=0)
    elapsed = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if args.trace_memory else None
    rss_after = rss_mb()

    deadline = time.time() + 10
    while received.value < args.subscribers and time.time() < deadline:
        time.sleep(0.05)
    sent = Delivery.objects.filter(dispatch=dispatch, status=Delivery.Status.SENT).count()
    sink.terminate()

    print(f"subscribers           {args.subscribers}")
    print(f"batch size            {args.batch_size} messages per SMTP connection")
    print(f"queue (delivery rows) {queued_in:.2f} s")
    print(f"sent (rows marked)    {sent}")
    print(f"received by the sink  {received.value}")
    print(f"sending time          {elapsed:.2f} s")
    print(f"deliveries per second {sent / elapsed:.0f}")
    print(f"peak RSS              {rss_after:.1f} MB (before sending {rss_before:.1f} MB)")
    if traced_peak is not None:
        print(f"peak Python allocs    {traced_peak:.1f} MB (tracemalloc, during sending)")
    return 0 if sent == received.value == args.subscribers else 1


if __name__ == "__main__":
    sys.exit(main())
