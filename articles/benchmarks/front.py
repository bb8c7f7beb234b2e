"""Benchmark (not a test): the cached article, side by side in one run (make bench-cache).

    .venv/bin/python -m articles.benchmarks.front [--seconds 5] [--connections 32]

Builds a throw-away site (SQLite, demo content), starts gunicorn on a loopback port and
Varnish with deploy/varnish/portal.vcl in front of it, then measures requests per second
with wrk (else a bounded Python load generator) of:

  1. the article through Varnish, against Varnish serving a static file of the same bytes
     (target: at least 0.8 times);
  2. the article from gunicorn alone (the application's page cache), against a bare
     Django view in `cache_page` returning the same bytes (target: at least 2 times).

Everything it started is stopped at the end.
"""

import argparse
import concurrent.futures
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, processes: list, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise SystemExit(f"a process ended early while waiting for {url}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout}s")


def get(url: str) -> tuple[dict, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "identity"})) as response:
        return dict(response.headers), response.read()


def requests_per_second(url: str, *, seconds: int, connections: int) -> float:
    if shutil.which("wrk"):
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", "Accept-Encoding: gzip", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return python_load(url, seconds=seconds, connections=min(connections, 16))


def python_load(url: str, *, seconds: int, connections: int, latencies: bool = False):
    """Keep-alive GETs from `connections` threads for `seconds` (bounded: no wrk).

    Returns requests/s, or with `latencies` (requests/s, every request's milliseconds).
    """
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + seconds

    def worker() -> list[float]:
        timings = []
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < deadline:
            start = time.perf_counter()
            connection.request("GET", target, headers={"Accept-Encoding": "gzip"})
            connection.getresponse().read()
            timings.append((time.perf_counter() - start) * 1000)
        connection.close()
        return timings

    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        timings = [ms for one in pool.map(lambda _: worker(), range(connections)) for ms in one]
    rate = len(timings) / seconds
    return (rate, timings) if latencies else rate


def server_env(*, settings: str, reference: Path, site_port: int) -> dict:
    """The environment of a benchmark's server: production settings, none of the caller's DJANGO_ values."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTAL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        PORTAL_ENV_FILE="",
        PORTAL_BENCH_REFERENCE_FILE=str(reference),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_HTTPS="0",
        DJANGO_SITE_URL=f"http://127.0.0.1:{site_port}",
        DJANGO_DEFAULT_FROM_EMAIL="news@localhost",
    )
    return env


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(varnishd).exists():
        raise SystemExit("Varnish is not installed: apt-get install -y varnish varnish-modules")

    work = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    reference = work / "article.html"
    app_port, front_port = free_port(), free_port()
    env = server_env(settings="articles.benchmarks.front_settings", reference=reference, site_port=front_port)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SQLITE_PATH=str(work / "bench.sqlite3"),
        DJANGO_MEDIA_ROOT=str(work / "media"),
        DJANGO_SERVE_MEDIA="1",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_FRONT_CACHE_URLS=f"http://127.0.0.1:{front_port}",
    )
    python = sys.executable
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    path = subprocess.run(
        [python, "manage.py", "shell", "-c", "from articles.models import Article;"
         "print(Article.objects.published().order_by('pk').first().get_absolute_url())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()[-1]  # fmt: skip
    vcl = work / "portal.vcl"
    vcl.write_text(
        re.sub(r'\.port = "\d+";', f'.port = "{app_port}";', (ROOT / "deploy/varnish/portal.vcl").read_text())
    )
    logs = open(work / "servers.log", "w")  # noqa: SIM115 - closed below
    started = []
    try:
        gunicorn = str(Path(python).with_name("gunicorn"))
        started.append(
            subprocess.Popen(
                [gunicorn, "portal.wsgi", "-b", f"127.0.0.1:{app_port}", "-w", "2", "--timeout", "30"],
                cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True,
            )
        )  # fmt: skip
        app = f"http://127.0.0.1:{app_port}"
        wait_for(f"{app}/robots.txt", started)
        started.append(
            subprocess.Popen(
                [varnishd, "-F", "-j", "none", "-n", str(work / "varnish"), "-a", f"127.0.0.1:{front_port}",
                 "-T", "none", "-f", str(vcl), "-s", "malloc,128m"],
                cwd=ROOT, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True,
            )
        )  # fmt: skip
        front = f"http://127.0.0.1:{front_port}"
        wait_for(f"{front}/robots.txt", started)

        # The reference file holds exactly the bytes a reader gets for the article.
        get(f"{app}{path}")
        headers, body = get(f"{app}{path}")
        reference.write_bytes(body)
        for url in (f"{front}{path}", f"{front}/static/bench/article.html", f"{app}/bench/bare/"):
            get(url)
            get(url)
        front_headers, _ = get(f"{front}{path}")
        print(f"article {path}: {len(body)} bytes; through Varnish: X-Cache {front_headers.get('X-Cache')}")
        if "Set-Cookie" in headers:
            print("note: the article sets a cookie, so neither cache may keep it")

        rows = []
        for label, url in (
            ("article through Varnish", f"{front}{path}"),
            ("static file through Varnish", f"{front}/static/bench/article.html"),
            ("article from gunicorn (page cache)", f"{app}{path}"),
            ("bare view in cache_page (gunicorn)", f"{app}/bench/bare/"),
        ):
            rows.append((label, requests_per_second(url, seconds=args.seconds, connections=args.connections)))
        print(f"\n{'':38s} {'req/s':>10s}")
        for label, rate in rows:
            print(f"{label:38s} {rate:10.0f}")
        front_ratio, app_ratio = rows[0][1] / rows[1][1], rows[2][1] / rows[3][1]
        print(f"\nVarnish: article / static file       {front_ratio:5.2f}x  (target >= 0.8x)")
        print(f"gunicorn: page cache / cache_page     {app_ratio:5.2f}x  (target >= 2x)")
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        logs.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
