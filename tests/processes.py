"""Real server and worker processes for the operations tests: free ports, bounded waits,
and everything stopped in the end, whatever happened."""

import gzip
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def clean_env(**values) -> dict:
    """An environment with none of the test run's settings and no env file, plus `values`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTAL_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.pop("SENTRY_DSN", None)
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "PORTAL_ENV_FILE": "", "PYTHONUNBUFFERED": "1"})
    env.update(values)
    return env


def manage(*args, env: dict, timeout: float = 180, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, *, timeout: float = 20, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request; redirects are not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class Processes:
    """Started processes, each writing its output to a log file; stop() ends them all."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, args: list[str], *, env: dict) -> Path:
        log = self.log_dir / f"{name}.log"
        handle = open(log, "w")  # noqa: SIM115 - closed with the process in stop()
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        self.running.append((process, log))
        return log

    def start_server(self, name: str, port: int, *, env: dict, gunicorn: bool = True) -> str:
        if gunicorn:
            args = [GUNICORN, "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "60"]
        else:
            args = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        self.start(name, args, env=env)
        url = f"http://127.0.0.1:{port}"
        self.wait_for(f"{url}/healthz")
        return url

    def start_worker(self, name: str, *, env: dict) -> Path:
        return self.start(name, [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.5"], env=env)

    def wait_for(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process, log in self.running:
                if process.poll() is not None:
                    raise AssertionError(f"a process ended early:\n{log.read_text()[-3000:]}")
            try:
                fetch(url, timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{url} did not answer within {timeout}s")

    def stop(self) -> None:
        for process, _log in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _log in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.running.clear()


def wait_until(condition, *, timeout: float = 60, interval: float = 0.3, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout}s")


def site_env(tmp_path: Path, *, database_url: str | None = None, name: str = "site", **values) -> dict:
    """Production-like values for a site of the test's own: its database, media and mail."""
    env = {
        "DJANGO_SECRET_KEY": "ops-tests-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_HTTPS": "0",
        "DJANGO_SERVE_MEDIA": "1",
        "DJANGO_SITE_URL": "http://127.0.0.1",
        "DJANGO_DEFAULT_FROM_EMAIL": "news@localhost",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(tmp_path / f"{name}-mail"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / f"{name}-media"),
        "DJANGO_COMMENTS_CLOSE_AFTER_DAYS": "0",
        "DJANGO_LOG_LEVEL": "INFO",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env["DJANGO_SQLITE_PATH"] = str(tmp_path / f"{name}.sqlite3")
    env.update(values)
    return clean_env(**env)


class PostgresDatabases:
    """Databases of the test's own on the PostgreSQL the test run uses, dropped at the end."""

    def __init__(self, settings_dict: dict):
        self.server = {key: settings_dict[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
        self.names: list[str] = []

    def _admin(self):
        import psycopg

        s = self.server
        return psycopg.connect(
            dbname="postgres",
            user=s["USER"],
            password=s["PASSWORD"] or None,
            host=s["HOST"],
            port=s["PORT"] or None,
            autocommit=True,
        )

    def create(self, prefix: str) -> str:
        name = f"{prefix}_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        s = self.server
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"

    def drop_all(self) -> None:
        with self._admin() as conn:
            for name in self.names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.names.clear()


class Visitor:
    """A browser for a site of the test's own: cookies kept, no redirects followed, the
    page's own address as Referer and Origin; (status, headers, text) of each request."""

    def __init__(self, *, user_agent: str | None = None):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.user_agent = user_agent
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def get(self, url, *, data=None, headers=None):
        """GET `url`, or POST `data` to it."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        parts = urllib.parse.urlsplit(url)
        sent = {"Referer": url, "Origin": f"{parts.scheme}://{parts.netloc}"}
        if self.user_agent:
            sent["User-Agent"] = self.user_agent
        request = urllib.request.Request(url, data=body, headers={**sent, **(headers or {})})
        try:
            with self.opener.open(request, timeout=30) as response:
                status, received, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, received, raw = error.code, error.headers, error.read()
        if received.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        return status, received, raw.decode()

    def request(self, url, data=None):
        """(status, text) of a GET, or of a POST of `data`."""
        status, _headers, text = self.get(url, data=data)
        return status, text

    def form_values(self, html, form_id):
        form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
        return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))

    def csrf(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
