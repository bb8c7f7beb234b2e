"""Project-wide pytest hooks."""

import os

import pytest

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
