"""Project-wide pytest hooks."""

import os

import pytest

# Processes the tests start (servers, commands) must not read a developer's var/local.env
# either: the settings ignore it under pytest, and this covers the child processes.
os.environ.setdefault("PORTAL_ENV_FILE", "")

# In CI a skipped test is a test that did not run: it must fail the run, not hide.
SKIP_IS_FAILURE = os.environ.get("PORTAL_FAIL_ON_SKIP") == "1" or os.environ.get("CI") == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if SKIP_IS_FAILURE and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {reason}"


def pytest_collection_modifyitems(config, items):
    # Tests of several servers on one PostgreSQL make no sense on SQLite: they are left out
    # of that run (not skipped, which CI counts as a failure) and run in CI's PostgreSQL pass.
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if not deselected:
        return
    items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
    config.hook.pytest_deselected(items=deselected)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"{len(deselected)} PostgreSQL-only test(s) deselected: the database is not PostgreSQL.")
