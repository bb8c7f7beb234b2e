"""Benchmark (not a test): the cached article, side by side in one run (make bench-cache).

    .venv/bin/python -m articles.benchmarks.front [--seconds 5] [--connections 32] [--rounds 3]

Builds a throw-away site (SQLite, demo content), starts Varnish with
deploy/varnish/portal.vcl and gunicorn (2 sync workers) behind it on loopback ports the
kernel picks (gunicorn is handed its listening socket; Varnish is started again on
another port if its own was taken meanwhile), then measures requests per second with wrk
(else a bounded Python load generator), and the gunicorn workers' CPU per request, of:

  1. the article through Varnish, against Varnish serving a static file of the same bytes
     (target: at least 0.8 times);
  2. the article from gunicorn alone (the application's page cache, answered at the WSGI
     entry), against a bare Django view in `cache_page` returning the same bytes at an
     address as long as the article's (target: at least 2 times); the same view at the
     short /bench/bare/ is shown too: gunicorn's decoding of the article's long
     percent-encoded Arabic address is a cost of that address, paid before any code of
     the site runs.

The loads alternate in rounds (every other round in the opposite order), so that the
load of a shared machine weighs on each side alike; medians are shown, each round's rate,
and `uptime` before and after. Everything it started is stopped at the end.
"""

import argparse
import concurrent.futures
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pids: list[int]) -> dict[tuple[int, int], int]:
    """utime + stime of each live process, keyed by (pid, start time): a reused pid is another key."""
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[(pid, int(fields[19]))] = int(fields[11]) + int(fields[12])
    return ticks


def cpu_seconds_between(before: dict, after: dict) -> float:
    # Processes present at both ends (a backend that ended meanwhile is not counted).
    return sum(after[key] - before[key] for key in after.keys() & before.keys()) / TICKS


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


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


def listening_socket() -> socket.socket:
    """A loopback socket already listening on a port the kernel chose: gunicorn is given it
    (fd://), so no other process can take the port between choosing and binding."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def start_varnish(varnishd: str, work: Path, vcl: Path, logs, attempts: int = 5) -> tuple[subprocess.Popen, int]:
    """varnishd on a free loopback port; another port if that one was taken meanwhile.

    varnishd cannot be handed a socket: it exits when its port is taken, and it is the
    one answering only if it is still running once the port answers.
    """
    for _ in range(attempts):
        port = free_port()
        process = subprocess.Popen(
            [varnishd, "-F", "-j", "none", "-n", str(work / "varnish"), "-a", f"127.0.0.1:{port}",
             "-T", "none", "-f", str(vcl), "-s", "malloc,128m"],
            cwd=ROOT, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                time.sleep(0.2)
                continue
            time.sleep(0.5)
            if process.poll() is None:
                return process, port
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    raise SystemExit(f"varnishd did not start on a free port in {attempts} attempts (see its log)")


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(url: str, *, seconds: int, connections: int) -> tuple[float, int]:
    """(requests/s, requests) of keep-alive GETs of `url`."""
    if shutil.which("wrk"):
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", "Accept-Encoding: gzip", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        return rate, int(re.search(r"(\d+) requests in", output).group(1))
    rate = python_load(url, seconds=seconds, connections=min(connections, 16))
    return rate, round(rate * seconds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="rounds alternating the four loads; medians shown")
    args = parser.parse_args()
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(varnishd).exists():
        raise SystemExit("Varnish is not installed: apt-get install -y varnish varnish-modules")

    work = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    reference = work / "article.html"
    logs = open(work / "servers.log", "w")  # noqa: SIM115 - closed below
    app_socket = listening_socket()
    app_port = app_socket.getsockname()[1]
    vcl = work / "portal.vcl"
    vcl.write_text(
        re.sub(r'\.port = "\d+";', f'.port = "{app_port}";', (ROOT / "deploy/varnish/portal.vcl").read_text())
    )
    started = []
    try:
        # Varnish first: its port is in the site's settings (links, purges).
        varnish, front_port = start_varnish(varnishd, work, vcl, logs)
        started.append(varnish)
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
        gunicorn = str(Path(python).with_name("gunicorn"))
        started.append(
            subprocess.Popen(
                [gunicorn, "portal.wsgi", "-b", f"fd://{app_socket.fileno()}", "-w", "2", "--timeout", "30"],
                cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True,
                pass_fds=[app_socket.fileno()],
            )
        )  # fmt: skip
        app_socket.close()  # gunicorn has it
        app = f"http://127.0.0.1:{app_port}"
        wait_for(f"{app}/robots.txt", started)
        front = f"http://127.0.0.1:{front_port}"
        wait_for(f"{front}/robots.txt", started)

        # The reference file holds exactly the bytes a reader gets for the article.
        get(f"{app}{path}")
        headers, body = get(f"{app}{path}")
        reference.write_bytes(body)
        for url in (
            f"{front}{path}",
            f"{front}/static/bench/article.html",
            f"{app}/bench/bare{path}",
            f"{app}/bench/bare/",
        ):
            get(url)
            get(url)
        front_headers, _ = get(f"{front}{path}")
        print(f"article {path}: {len(body)} bytes; through Varnish: X-Cache {front_headers.get('X-Cache')}")
        if "Set-Cookie" in headers:
            print("note: the article sets a cookie, so neither cache may keep it")
        workers = children(started[1].pid)
        print(f"before: {uptime()}")

        loads = [
            ("article through Varnish", f"{front}{path}"),
            ("static file through Varnish", f"{front}/static/bench/article.html"),
            ("article from gunicorn (page cache)", f"{app}{path}"),
            ("cache_page view, article's address", f"{app}/bench/bare{path}"),
            ("cache_page view at /bench/bare/", f"{app}/bench/bare/"),
        ]
        rates = {label: [] for label, _ in loads}
        cpu = {label: [] for label, _ in loads}
        for round_number in range(args.rounds):
            # Every other round in the opposite order: a load that rises or falls during the
            # run weighs on each side alike.
            for label, url in loads if round_number % 2 == 0 else loads[::-1]:
                before = cpu_ticks(workers)
                rate, count = measure(url, seconds=args.seconds, connections=args.connections)
                rates[label].append(rate)
                cpu[label].append(cpu_seconds_between(before, cpu_ticks(workers)) * 1000 / max(count, 1))
        print(f"after:  {uptime()}")

        labels = [label for label, _ in loads]
        median = {label: statistics.median(values) for label, values in rates.items()}
        print(f"\n{'':38s} {'req/s':>8s}  {'worker CPU':>10s}  each round's req/s")
        for label in labels:
            # The workers' CPU per request, for the loads gunicorn answers (Varnish's do not reach it).
            worker_cpu = f"{statistics.median(cpu[label]):7.3f} ms" if label in labels[2:] else ""
            rounds = " ".join(f"{rate:.0f}" for rate in rates[label])
            print(f"{label:38s} {median[label]:8.0f}  {worker_cpu:>10s}  {rounds}")
        front_ratio = median[labels[0]] / median[labels[1]]
        app_ratio = median[labels[2]] / median[labels[3]]
        short_ratio = median[labels[2]] / median[labels[4]]
        per_round = " ".join(f"{a / b:.2f}" for a, b in zip(rates[labels[2]], rates[labels[3]], strict=True))
        cpu_ratio = statistics.median(cpu[labels[3]]) / max(statistics.median(cpu[labels[2]]), 1e-9)
        print(f"\nVarnish: article / static file       {front_ratio:5.2f}x  (target >= 0.8x)")
        print(f"gunicorn: page cache / cache_page     {app_ratio:5.2f}x  (target >= 2x; each round: {per_round})")
        print(f"  the workers' CPU per request:       {cpu_ratio:5.2f}x")
        print(f"  against /bench/bare/, a short address: {short_ratio:.2f}x")
    finally:
        app_socket.close()
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
