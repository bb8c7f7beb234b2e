"""Benchmark (not a test): the uncached pages against a bare Django view, in one run (make bench).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python -m articles.benchmarks.site [--articles 50000] [--seconds 8] [--connections 16]

Creates the database if it is missing (PostgreSQL), migrates it, builds the archive with
`manage.py bench_data` (idempotent: a second run reuses it), starts gunicorn on
127.0.0.1:--port with production settings and the page cache off, and loads each page
with wrk (else a bounded Python load generator). The reference is a deliberately bare
view in the benchmark's URLconf: one row from the database and one template of the
article page's byte size. It prints requests/s, p50/p99 latency, CPU milliseconds per
request of the gunicorn workers and of their PostgreSQL backends, and each page's
ratio to the reference. Everything it started is stopped at the end.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from articles.benchmarks.front import (
    children,
    cpu_seconds_between,
    cpu_ticks,
    get,
    python_load,
    server_env,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
# Targets of issue 10: each page's requests/s as a share of the reference's.
TARGETS = {"article": 0.5, "home": 0.4, "category": 0.4, "tag": 0.4, "search": 0.2}


def database_create(url: str) -> None:
    """CREATE DATABASE for a PostgreSQL URL whose database does not exist yet."""
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if found is None:
        raise SystemExit(f"wrk printed a latency this benchmark cannot read: {text!r}")
    value, unit = found.groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def load(url: str, *, seconds: int, connections: int) -> tuple[float, int, float, float]:
    """(requests/s, requests, p50 ms, p99 ms) of keep-alive GETs of `url`."""
    if shutil.which("wrk"):
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "--latency",
                "-H",
                "Accept-Encoding: gzip",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if "Non-2xx" in output:
            raise SystemExit(f"{url} answered errors under load:\n{output}")
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        count = int(re.search(r"(\d+) requests in", output).group(1))
        p50 = _ms(re.search(r"^\s*50%\s+(\S+)", output, re.M).group(1))
        p99 = _ms(re.search(r"^\s*99%\s+(\S+)", output, re.M).group(1))
        return rate, count, p50, p99
    rate, latencies = python_load(url, seconds=seconds, connections=min(connections, 16), latencies=True)
    latencies.sort()
    return rate, len(latencies), statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]


def manage(env: dict, *command: str, capture: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout if capture else ""


PAGES_SCRIPT = """
from taggit.models import Tag
from django.urls import reverse
from django.utils.http import urlencode
from articles.models import Article
seed = Article.objects.get(title__startswith="السيد عبد اللطيف حموشي")
tag = Tag.objects.get(name="الأمن")
print("PAGE reference", f"/bench/reference/?pk={seed.pk}")
print("PAGE article", seed.get_absolute_url())
print("PAGE home", "/")
print("PAGE category", seed.category.get_absolute_url())
print("PAGE tag", reverse("articles:tag", kwargs={"slug": tag.slug}))
print("PAGE search", reverse("articles:search") + "?" + urlencode({"q": "التعاون الأمني"}))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds over the pages; medians shown")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=8113)
    parser.add_argument(
        "--draw-everything",
        action="store_true",
        help="pages keep no parts between requests (DJANGO_KEPT_SECONDS=0): each page drawn whole, every request",
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    database_create(database_url)
    media = ROOT / "var" / "bench-media"
    reference = ROOT / "var" / "bench-reference.html"
    env = server_env(settings="articles.benchmarks.site_settings", reference=reference, site_port=args.port)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_SERVE_MEDIA="1",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_PAGE_CACHE_SECONDS="0",  # the real render, every request
        DJANGO_COMMENTS_CLOSE_AFTER_DAYS="0",  # the seed article shows its comment form
    )
    if args.draw_everything:
        env["DJANGO_KEPT_SECONDS"] = "0"
    started = time.monotonic()
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "bench_data", "--articles", str(args.articles), capture=False)
    pages = dict(
        line.split(" ", 2)[1:]
        for line in manage(env, "shell", "-c", PAGES_SCRIPT).splitlines()
        if line.startswith("PAGE ")
    )
    print(f"data ready in {time.monotonic() - started:.0f}s; {urllib.parse.urlsplit(database_url).scheme} database")

    logs = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115 - closed below
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "portal.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers), "--timeout", "60"],
        cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{args.port}"
        wait_for(f"{base}/robots.txt", [server])
        _, article = get(base + pages["article"])
        # The reference template: the article page's byte size, one variable from the row.
        marker = "{{ article.title }} {{ article.lead }}"
        reference.write_text(
            article.decode().replace("</body>", marker + "</body>", 1)
            if b"</body>" in article
            else article.decode() + marker
        )
        for name, path in pages.items():  # warm every worker: templates, thumbnails, connections
            for _ in range(args.workers * 3):
                try:
                    get(base + path)
                except OSError as error:
                    raise SystemExit(f"{name} {path}: {error}") from error
        print(
            f"article page {len(article):,} bytes; reference "
            f"{len(get(base + pages['reference'])[1]):,} bytes; {args.workers} gunicorn workers, "
            f"wrk {args.connections} connections, {args.seconds}s a page, {args.rounds} round(s)"
        )
        workers = children(server.pid)
        results = {name: [] for name in pages}
        for _ in range(args.rounds):
            for name, path in pages.items():
                backends = database_backends(env)
                before = cpu_ticks(workers), cpu_ticks(backends)
                rate, count, p50, p99 = load(base + path, seconds=args.seconds, connections=args.connections)
                app = cpu_seconds_between(before[0], cpu_ticks(workers))
                db = cpu_seconds_between(before[1], cpu_ticks(backends))
                count = max(count, 1)
                results[name].append((rate, p50, p99, app * 1000 / count, db * 1000 / count))
        rss = max(rss_mb(pid) for pid in workers)
        print(
            f"\n{'page':10s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'app CPU':>8s} {'db CPU':>8s} {'ratio':>7s}  target"
        )
        print(f"{'':10s} {'':>8s} {'':>8s} {'':>8s} {'ms/req':>8s} {'ms/req':>8s}")
        reference_rate = statistics.median(row[0] for row in results["reference"])
        for name, rows in results.items():
            rate, p50, p99, app, db = (statistics.median(column) for column in zip(*rows, strict=True))
            ratio = rate / reference_rate
            target = TARGETS.get(name)
            verdict = "" if target is None else f">= {target}x {'ok' if ratio >= target else 'MISSED'}"
            print(f"{name:10s} {rate:8.0f} {p50:8.1f} {p99:8.1f} {app:8.1f} {db:8.1f} {ratio:6.2f}x  {verdict}")
        print(f"\nwarm worker RSS: {rss:.0f} MB (max of {len(workers)}); load average {os.getloadavg()[0]:.2f}")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        logs.close()


def database_backends(env: dict) -> list[int]:
    """The PostgreSQL server processes serving the benchmark's database (the workers' kept connections)."""
    if not env["DATABASE_URL"].startswith("postgres"):
        return []
    script = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "c.execute('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')\n"
        "print('PIDS', *[row[0] for row in c.fetchall()])"
    )
    line = next(line for line in manage(env, "shell", "-c", script).splitlines() if line.startswith("PIDS"))
    return [int(pid) for pid in line.split()[1:]]


if __name__ == "__main__":
    sys.exit(main())
