"""`make run` writes its local values to an env file; the README's commands then run as
typed. The tests point PORTAL_ENV_FILE at a file of their own: the checkout's
var/local.env (the default the README relies on) belongs to the developer."""

import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured

import portal.settings
from portal.settings import read_env_file
from tests.processes import ROOT, Processes, clean_env, fetch, free_port, manage


def write_local_env(path, **make_vars) -> dict:
    args = [f"{key}={value}" for key, value in make_vars.items()]
    subprocess.run(
        ["make", "-s", "local-env", f"LOCAL_ENV={path}", *args],
        cwd=ROOT,
        env=clean_env(),
        check=True,
        capture_output=True,
        timeout=60,
    )
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_make_run_values_carry_the_port_and_keep_their_secret_key(tmp_path):
    env_file = tmp_path / "local.env"
    values = write_local_env(env_file, PORT=8517)
    assert values["DJANGO_SITE_URL"] == "http://127.0.0.1:8517"
    assert values["DJANGO_HTTPS"] == "0" and values["DJANGO_SERVE_MEDIA"] == "1"
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    again = write_local_env(env_file, PORT=8518, HOST="localhost")
    assert again["DJANGO_SECRET_KEY"] == values["DJANGO_SECRET_KEY"]
    assert again["DJANGO_SITE_URL"] == "http://localhost:8518"


def test_the_readme_cron_commands_run_as_typed_with_the_local_env_file(tmp_path):
    env_file = tmp_path / "local.env"
    write_local_env(env_file)
    with env_file.open("a") as extra:  # this test's own database, not the checkout's
        extra.write(f"DJANGO_SQLITE_PATH={tmp_path / 'db.sqlite3'}\n")
    without_file = manage("send_newsletter", "--rhythm", "daily", env=clean_env(), check=False)
    assert without_file.returncode != 0 and "DJANGO_SECRET_KEY is required" in without_file.stderr

    env = clean_env(PORTAL_ENV_FILE=str(env_file))
    manage("migrate", "--noinput", env=env)
    assert "Nothing due" in manage("send_newsletter", "--rhythm", "daily", env=env).stdout
    assert "Nothing due" in manage("send_newsletter", "--rhythm", "weekly", env=env).stdout
    assert "Folded 0 view(s)." in manage("fold_views", env=env).stdout
    manage("reindex_search", env=env)
    assert "waiting 0" in manage("task_queue", env=env).stdout


def test_the_real_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / "local.env"
    write_local_env(env_file)
    show = ["shell", "-c", "from django.conf import settings; print(settings.SITE_URL, settings.DEBUG)"]
    from_file = manage(*show, env=clean_env(PORTAL_ENV_FILE=str(env_file)))
    assert from_file.stdout.splitlines()[-1] == "http://127.0.0.1:8000 False"
    overridden = clean_env(PORTAL_ENV_FILE=str(env_file), DJANGO_SITE_URL="https://news.example.ma")
    assert manage(*show, env=overridden).stdout.splitlines()[-1] == "https://news.example.ma False"


def test_the_site_serves_on_the_chosen_port_with_media_and_one_log_line_per_request(tmp_path):
    port = free_port()
    env_file = tmp_path / "local.env"
    write_local_env(env_file, PORT=port)
    media = tmp_path / "media"
    (media / "covers").mkdir(parents=True)
    (media / "covers" / "note.txt").write_text("صورة")
    with env_file.open("a") as extra:
        extra.write(f"DJANGO_SQLITE_PATH={tmp_path / 'db.sqlite3'}\nDJANGO_MEDIA_ROOT={media}\n")
    env = clean_env(PORTAL_ENV_FILE=str(env_file))
    manage("migrate", "--noinput", env=env)
    processes = Processes(tmp_path)
    try:
        url = processes.start_server("runserver", port, env=env, gunicorn=False)
        status, _headers, body = fetch(f"{url}/")
        assert status == 200 and "كواليس اليوم" in body  # plain http: no redirect to https
        assert fetch(f"{url}/media/covers/note.txt")[2] == "صورة"
        status, _headers, body = fetch(f"{url}/healthz")
        assert status == 200 and '"status": "ok"' in body
    finally:
        processes.stop()
    log = (tmp_path / "runserver.log").read_text()
    assert " INFO portal.access GET / 200 " in log
    assert " INFO portal.access GET /media/covers/note.txt 200 " in log
    assert '"GET / HTTP/1.1"' not in log  # runserver's own line would double every request


def test_under_pytest_a_leftover_local_env_is_not_read_unless_named(tmp_path, monkeypatch):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "local.env").write_text("DATABASE_URL=postgres://someone@127.0.0.1:1/their_db\n")
    monkeypatch.setattr(portal.settings, "BASE_DIR", tmp_path)
    monkeypatch.delenv("PORTAL_ENV_FILE", raising=False)
    assert portal.settings.local_env_file() is None
    monkeypatch.setenv("PORTAL_ENV_FILE", str(tmp_path / "var" / "local.env"))
    assert portal.settings.local_env_file() == tmp_path / "var" / "local.env"
    monkeypatch.setenv("PORTAL_ENV_FILE", "")
    assert portal.settings.local_env_file() is None


def test_a_malformed_env_file_line_is_refused_with_its_place(tmp_path):
    path = tmp_path / "local.env"
    path.write_text('# local\nDJANGO_SITE_NAME="كواليس اليوم"\n\nexport DJANGO_DEBUG 1\n')
    with pytest.raises(ImproperlyConfigured, match="local.env:4"):
        read_env_file(path)
    path.write_text(
        '# local\nDJANGO_SITE_NAME="كواليس اليوم"\nDJANGO_DEFAULT_FROM_EMAIL=كواليس اليوم <news@localhost>\n'
    )
    assert read_env_file(path) == {
        "DJANGO_SITE_NAME": "كواليس اليوم",
        "DJANGO_DEFAULT_FROM_EMAIL": "كواليس اليوم <news@localhost>",
    }
