"""Benchmark: one dispatch to 10,000 subscribers through a local SMTP sink.

Not a test. Builds a throwaway SQLite database, or with DATABASE_URL set drops and
creates that PostgreSQL database (it must be a scratch one, never the site's), starts an
aiosmtpd sink on 127.0.0.1 in a separate process, queues a dispatch and runs the real
task workers (`db_worker --batch`, two processes by default), then prints deliveries per
second and the workers' memory (RSS when sending started, and its peak).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_newsletter_bench \
        .venv/bin/python newsletter/benchmarks/send_10k.py [--subscribers 10000] [--workers 2]
    .venv/bin/python newsletter/benchmarks/send_10k.py --workers 1 --batch-size 100   # SQLite
    .venv/bin/python newsletter/benchmarks/send_10k.py --trace-memory   # one worker in this process, Python allocations too
"""

import argparse
import multiprocessing
import os
import resource
import socket
import subprocess
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


def process_rss_mb(pid):
    """The resident memory of a running process, in MB (None once it has exited)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def scratch_postgres(url):
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    if name in {"portal", "postgres", ""}:
        sys.exit("Give the benchmark a database of its own (DATABASE_URL=.../portal_newsletter_bench).")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_workers(count):
    """`count` db_worker processes until the queue is empty: (seconds, RSS at start, peak RSS)."""
    command = [
        sys.executable,
        str(BASE_DIR / "manage.py"),
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--queue-name",
        "*",
        "--verbosity",
        "0",
    ]
    started = time.perf_counter()
    workers = [subprocess.Popen(command, cwd=BASE_DIR) for _ in range(count)]
    first, peak = {}, {}
    while any(worker.poll() is None for worker in workers):
        for worker in workers:
            rss = process_rss_mb(worker.pid)
            if rss is None:
                continue
            # The first reading after Django has loaded (about a second in) is the baseline.
            if time.perf_counter() - started > 1.5:
                first.setdefault(worker.pid, rss)
            peak[worker.pid] = max(peak.get(worker.pid, 0), rss)
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    if any(worker.returncode for worker in workers):
        sys.exit("a worker failed")
    return elapsed, first, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes (default 2)")
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
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "newsletter-benchmark-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "news.example.ma",
            "DJANGO_DEFAULT_FROM_EMAIL": "news@news.example.ma",
            "DJANGO_SQLITE_PATH": os.path.join(workdir, "bench.sqlite3"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(port),
            "DJANGO_SITE_URL": "https://news.example.ma",
            "DJANGO_NEWSLETTER_BATCH_SIZE": str(args.batch_size),
            "DJANGO_NEWSLETTER_PARALLEL_RUNS": str(args.workers),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
    )
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        scratch_postgres(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Max, Min
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

    in_process = args.trace_memory or args.profile
    traced_peak = None
    if in_process:
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
        if args.trace_memory:
            traced_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        memory = f"{rss_mb():.1f} MB (before sending {rss_before:.1f} MB)"
    else:
        from django.db import connections

        connections.close_all()
        elapsed, first, peak = run_workers(args.workers)
        memory = ", ".join(
            f"worker {n}: {first.get(pid, 0):.1f} → {peak[pid]:.1f} MB" for n, pid in enumerate(peak, start=1)
        )

    deadline = time.time() + 10
    while received.value < args.subscribers and time.time() < deadline:
        time.sleep(0.05)
    sent = Delivery.objects.filter(dispatch=dispatch, status=Delivery.Status.SENT).count()
    # From the first claim to the last message marked sent: the workers' start-up is not sending.
    span = Delivery.objects.filter(dispatch=dispatch).aggregate(first=Min("claimed_at"), last=Max("sent_at"))
    sending = (span["last"] - span["first"]).total_seconds()
    sink.terminate()

    print(f"subscribers           {args.subscribers}")
    print(f"database              {connection.vendor}")
    print(f"workers               {1 if in_process else args.workers}")
    print(f"batch size            {args.batch_size} messages per SMTP connection")
    print(f"queue (delivery rows) {queued_in:.2f} s")
    print(f"sent (rows marked)    {sent}")
    print(f"received by the sink  {received.value}")
    print(f"sending time          {sending:.2f} s (first claim to last row marked sent)")
    print(
        f"deliveries per second {sent / sending:.0f} ({sent / elapsed:.0f} counting the workers' start, {elapsed:.2f} s)"
    )
    print(f"peak RSS              {memory}")
    if traced_peak is not None:
        print(f"peak Python allocs    {traced_peak:.1f} MB (tracemalloc, during sending)")
    return 0 if sent == received.value == args.subscribers else 1


if __name__ == "__main__":
    sys.exit(main())
