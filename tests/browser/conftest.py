"""The portal in a real Chromium: a live server on 127.0.0.1, Playwright's sync API, axe-core.

Chromium is Debian's (`/usr/bin/chromium`, or `$PORTAL_CHROMIUM`); axe-core comes from
npm (`make browser-tools` puts it in var/node). When either is missing every test here
skips with one reason, which CI (PORTAL_FAIL_ON_SKIP=1) turns into a failure.
"""

import functools
import inspect
import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to
# run next to it. The tests call the ORM only between browser steps, never inside them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(os.environ.get("PORTAL_AXE_JS", BASE_DIR / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"))
SCREENSHOTS = Path(os.environ.get("PORTAL_SCREENSHOTS", BASE_DIR / "var" / "screenshots"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}

_screenshots_taken = []


def _is_browser_test(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # After pytest-django's ordering: the browser tests go last. They are the slowest,
    # and their transactional flushes then cannot disturb any other test's data.
    browser = [item for item in items if _is_browser_test(item)]
    for item in browser:
        item.add_marker(pytest.mark.browser)
        # The live server in its own thread must see what the test writes: no wrapping transaction.
        item.add_marker(pytest.mark.django_db(transaction=True))
    if browser:
        items[:] = [item for item in items if not _is_browser_test(item)] + browser


def pytest_terminal_summary(terminalreporter):
    if _screenshots_taken:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"{len(_screenshots_taken)} screenshots in {SCREENSHOTS}")


def _missing_tools() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set PORTAL_CHROMIUM)"
    if not AXE_JS.is_file():
        return f"no axe-core at {AXE_JS} (`make browser-tools` installs it with npm)"
    return ""


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run; each test gets its own fresh context."""
    missing = _missing_tools()
    if missing:
        pytest.skip(f"browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright

    shutil.rmtree(SCREENSHOTS / "failures", ignore_errors=True)  # from an earlier run
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _through(application):
    return application


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server on 127.0.0.1, serving static files the production way.

    The stock fixture answers /static/ with the staticfiles finders, which know nothing of
    the hashed names that whitenoise's manifest storage puts in the pages (so every CSS and
    JS file would 404). Here the request goes through the middleware, and whitenoise serves
    the collected files, as it does in production. Uploads are served from MEDIA_ROOT by
    Django's test media handler.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("127.0.0.1:0", start=False)
    server.thread.static_handler = _through
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _media_root():
    path = Path(tempfile.mkdtemp(prefix="portal-browser-media-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, _media_root):
    settings.MEDIA_ROOT = str(_media_root)


@functools.cache
def _group_migrations():
    """The data migrations that build the newsroom groups, with the apps they run against."""
    from django.db import connection
    from django.db.migrations import RunPython
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    keys = []
    for leaf in loader.graph.leaf_nodes():
        keys += [key for key in loader.graph.forwards_plan(leaf) if key not in keys]
    builders = [
        operation.code
        for key in keys
        for operation in loader.graph.nodes[key].operations
        if isinstance(operation, RunPython) and 'get_model("auth", "Group")' in inspect.getsource(operation.code)
    ]
    return loader.project_state().apps, builders


@pytest.fixture(autouse=True)
def _newsroom_groups(transactional_db):
    # A transactional test ends with a flush, which takes the groups the data migrations
    # made (صحفي, محرر and their permissions) with it. Replay those migrations.
    apps, builders = _group_migrations()
    for build in builders:
        build(apps, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[_failed] = True
    return report


_failed = pytest.StashKey[bool]()


@pytest.fixture
def new_page(request, chromium, live_server):
    """Open a page in a fresh browser context: new_page(viewport=PHONE)."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = chromium.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="ar-MA",
            timezone_id="Africa/Casablanca",
        )
        context.set_default_timeout(15_000)
        # Chromium asks for /favicon.ico after each page, and that
        # request would race the test's own database calls on the shared SQLite connection.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
        contexts.append(context)
        return context.new_page()

    yield open_page
    if request.node.stash.get(_failed, False):
        # What each window showed when the test failed, for whoever reads the CI log.
        folder = SCREENSHOTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(page for context in contexts for page in context.pages):
            path = folder / f"{request.node.name}-{number}.png"
            page.screenshot(path=str(path), full_page=True)
            print(f"failure screenshot: {path} ({page.url})")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page in a fresh context."""
    return new_page()


@pytest.fixture
def demo(transactional_db):
    """The demo content of `make run`: the seed article, its neighbours, three accounts."""
    from articles.models import Article

    call_command("load_demo", stdout=io.StringIO())
    return Article.objects.get(title__startswith="السيد عبد اللطيف حموشي")


@pytest.fixture
def axe():
    """Run axe-core in a page: {"violations": [serious or critical ones], "passes": [rule ids]}."""
    source = AXE_JS.read_text(encoding="utf-8")

    def audit(page):
        # Evaluated through the DevTools protocol: the page's CSP forbids inline scripts.
        page.evaluate(source + "\n;true")
        report = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ["violations"]});
                return {
                    passes: r.passes.map(rule => rule.id),
                    violations: r.violations.map(v => ({
                        id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
                    })),
                };
            }"""
        )
        report["violations"] = [v for v in report["violations"] if v["impact"] in ("serious", "critical")]
        return report

    return audit


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under the screenshots folder: screenshot(page, "home-phone")."""

    def take(page, name):
        # Lazy images below the fold would stay blank in a full-page picture: load them all.
        page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => img.loading = 'eager')")
        page.wait_for_function("() => [...document.images].every(img => img.complete)")  # a function: CSP forbids eval
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _screenshots_taken.append(path)
        return path

    return take
