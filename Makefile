# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run    set up .venv, migrate, load the demo content, serve on http://127.0.0.1:8000
#   make test   run the whole test suite (SQLite, or whatever DATABASE_URL names)
# python3.11 where it exists, else python3 (which must then be 3.11).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Local values for `make run`: plain http on the loopback, mail written to var/mail,
# and comments left open on the demo articles, which date from December 2024.
RUN_ENV := DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY="$$(cat var/dev-secret-key)" \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	DJANGO_HTTPS=0 \
	DJANGO_SERVE_MEDIA=1 \
	DJANGO_SITE_URL=http://127.0.0.1:8000 \
	DJANGO_DEFAULT_FROM_EMAIL="كواليس اليوم <news@localhost>" \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	DJANGO_EMAIL_FILE_PATH=var/mail \
	DJANGO_COMMENTS_CLOSE_AFTER_DAYS=0

# Values for tests: no HTTPS redirect for the test client, mail kept in memory.
TEST_ENV := DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY=tests-only-not-a-secret \
	DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	DJANGO_HTTPS=0 \
	DJANGO_SITE_URL=http://testserver \
	DJANGO_DEFAULT_FROM_EMAIL="كواليس اليوم <news@testserver>"

.PHONY: run test install serve lint clean browser-tools

# Browser tests (tests/browser) drive Debian's Chromium (/usr/bin/chromium or
# $PORTAL_CHROMIUM) and inject axe-core, pinned, from the npm registry into var/node.
# Without npm or Chromium those tests skip with a one-line reason (a failure in CI).
AXE_VERSION := 4.14.1
AXE_JS := var/node/node_modules/axe-core/axe.min.js

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

var/dev-secret-key:
	mkdir -p var/mail
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(STAMP) var/dev-secret-key
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(PY) manage.py load_demo
	@echo "Serving on http://127.0.0.1:8000 (admin: /admin/). Ctrl-C stops the site and the worker."
	@$(RUN_ENV) sh -c 'trap "kill 0" INT TERM EXIT; \
		$(PY) manage.py db_worker --queue-name "*" --interval 2 & \
		$(PY) manage.py runserver 127.0.0.1:8000 --noreload'

$(AXE_JS):
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p var/node && npm install --prefix var/node --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION) \
		|| echo "axe-core could not be installed: the browser tests will skip"; \
	else echo "npm not found: the browser tests will skip"; fi

browser-tools: $(AXE_JS)

test: $(STAMP) browser-tools
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) staticfiles
