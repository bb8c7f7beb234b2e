"""The server layout in deploy/: systemd accepts the units, every command they run exists
with those arguments, and the production environment list passes `check --deploy`."""

import re
import shlex
import subprocess

from django.core.management import get_commands, load_command_class

from portal.settings import read_env_file
from tests.processes import ROOT, clean_env, manage

DEPLOY = ROOT / "deploy"
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))


def commands_run_by_the_layout() -> list[list[str]]:
    lines = [
        line.split("=", 1)[1]
        for unit in UNITS
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=")
    ]
    lines += [
        line.split(":", 1)[1] for line in (DEPLOY / "Procfile").read_text().splitlines() if re.match(r"^\w+:", line)
    ]
    found = []
    for line in lines:
        words = shlex.split(line.replace("%H-%i", "host-1"))
        if "manage.py" in words:
            found.append(words[words.index("manage.py") + 1 :])
    return found


def test_every_command_of_the_layout_exists_and_accepts_its_arguments():
    commands = commands_run_by_the_layout()
    assert {words[0] for words in commands} == {
        "db_worker",
        "send_newsletter",
        "fold_views",
        "backup",
        "requeue_stalled_tasks",
    }
    for name, *args in commands:
        app = get_commands()[name]
        parser = load_command_class(app, name).create_parser("manage.py", name)
        parser.parse_args(args)  # exits (fails the test) on an unknown option or value


def test_systemd_accepts_the_units(tmp_path):
    # Installed where they would be, minus the portal user this machine does not have.
    for unit in UNITS:
        text = unit.read_text().replace("/srv/portal", str(ROOT))
        text = re.sub(r"^(User|Group)=.*\n", "", text, flags=re.M)
        text = re.sub(r"^EnvironmentFile=.*$", f"EnvironmentFile={DEPLOY / 'portal.env.example'}", text, flags=re.M)
        text = re.sub(r"^ReadWritePaths=.*$", f"ReadWritePaths={tmp_path}", text, flags=re.M)
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *[unit.name for unit in UNITS]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    timers = {unit.stem for unit in UNITS if unit.suffix == ".timer"}
    assert timers == {
        "portal-newsletter-daily",
        "portal-newsletter-weekly",
        "portal-fold-views",
        "portal-backup",
        "portal-requeue-tasks",
    }


def test_the_production_environment_list_passes_the_deployment_checks():
    values = read_env_file(DEPLOY / "portal.env.example")
    settings_source = (ROOT / "portal" / "settings.py").read_text()
    assert [key for key in values if f'"{key}"' not in settings_source] == []
    env = clean_env(
        PORTAL_ENV_FILE=str(DEPLOY / "portal.env.example"), DJANGO_SECRET_KEY="k" * 30 + "-unique-PROD-" + "z9" * 20
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert "System check identified no issues" in result.stdout
