# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run    set up .venv, migrate, load the demo content, serve on http://127.0.0.1:8000
#   make test   run the whole test suite (SQLite, or whatever DATABASE_URL names)
# python3.11 where it exists, else python3 (which must then be 3.11).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Local values for `make run`: plain http, mail written to var/mail, and comments left
# open on the demo articles, which date from December 2024. `make run` writes them to
# $(LOCAL_ENV), which the settings read for whatever the real environment does not set,
# so `.venv/bin/python manage.py <command>` works as typed in this checkout.
# `make run PORT=8500 HOST=192.168.1.20` serves elsewhere; links and mail follow.
PORT ?= 8000
HOST ?= 127.0.0.1
LOCAL_ENV ?= var/local.env
comma := ,
empty :=
space := $(empty) $(empty)
RUN_ENV := DJANGO_DEBUG=0 \
	DJANGO_ALLOWED_HOSTS=$(subst $(space),$(comma),$(sort $(HOST) 127.0.0.1 localhost)) \
	DJANGO_HTTPS=0 \
	DJANGO_SERVE_MEDIA=1 \
	DJANGO_SITE_URL=http://$(HOST):$(PORT) \
	DJANGO_DEFAULT_FROM_EMAIL=news@localhost \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	DJANGO_EMAIL_FILE_PATH=$(CURDIR)/var/mail \
	DJANGO_COMMENTS_CLOSE_AFTER_DAYS=0

# Values for tests: no HTTPS redirect for the test client, mail kept in memory.
TEST_ENV := PORTAL_ENV_FILE= \
	DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY=tests-only-not-a-secret-but-long-enough-for-the-50-character-rule \
	DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	DJANGO_HTTPS=0 \
	DJANGO_SITE_URL=http://testserver \
	DJANGO_DEFAULT_FROM_EMAIL="كواليس اليوم <news@testserver>"

.PHONY: run local-env test install serve lint clean browser-tools backup restore varnish bench-cache bench

# Browser tests (tests/browser) drive Debian's Chromium (/usr/bin/chromium or
# $PORTAL_CHROMIUM) and inject axe-core, pinned, from the npm registry into var/node.
# Without npm or Chromium those tests skip with a one-line reason (a failure in CI).
# tests/test_markup.py runs the W3C Nu HTML checker (vnu-jar, pinned, from npm) with the
# machine's Java; without it that test fails and says how to get it.
AXE_VERSION := 4.14.1
AXE_JS := var/node/node_modules/axe-core/axe.min.js
VNU_VERSION := 26.9.27
VNU_JAR := var/node/node_modules/vnu-jar/build/dist/vnu.jar

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# The secret key is made once and kept: sessions and signed links survive a new `make run`.
# The database and cache in use when `make run` runs (DATABASE_URL, REDIS_URL) are kept too.
local-env:
	@mkdir -p $(dir $(LOCAL_ENV)) var/mail
	@key="$$(sed -n 's/^DJANGO_SECRET_KEY=//p' $(LOCAL_ENV) 2>/dev/null)"; \
	test -n "$$key" || key="$$(test -f var/dev-secret-key && cat var/dev-secret-key)"; \
	test -n "$$key" || key="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	{ echo "# Written by \`make run\` each time (hand edits are lost); the real environment wins over these values."; \
	  echo "DJANGO_SECRET_KEY=$$key"; \
	  for value in $(RUN_ENV); do echo "$$value"; done; \
	  test -z "$$DATABASE_URL" || echo "DATABASE_URL=$$DATABASE_URL"; \
	  test -z "$$REDIS_URL" || echo "REDIS_URL=$$REDIS_URL"; \
	} > $(LOCAL_ENV).tmp && mv $(LOCAL_ENV).tmp $(LOCAL_ENV)

run: $(STAMP) local-env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT) (admin: /admin/). Ctrl-C stops the site and the worker."
	@sh -c 'trap "kill 0" INT TERM EXIT; \
		$(PY) manage.py db_worker --queue-name "*" --interval 2 & \
		$(PY) manage.py runserver $(HOST):$(PORT) --noreload'

# The production shape on this machine: gunicorn on 127.0.0.1:$(APP_PORT), the task
# worker, and Varnish (deploy/varnish/portal.vcl, xkey purge) in front on
# http://127.0.0.1:$(SERVE_PORT), purged by the site on publish. Installs Debian's varnish
# and varnish-modules with apt-get when they are missing (as root). Ctrl-C stops all three.
SERVE_PORT ?= 8080
APP_PORT ?= 8091
VARNISH_DIR := $(CURDIR)/var/varnish
# Varnish is the cache every process shares; the application's page cache joins it only on
# Redis (REDIS_URL): a local-memory cache is one per gunicorn worker, and an edit made in
# one worker would not reach the pages another one keeps.
SERVE_ENV := DJANGO_FRONT_CACHE_URLS=http://127.0.0.1:$(SERVE_PORT) $(if $(REDIS_URL),,DJANGO_PAGE_CACHE_SECONDS=0)

varnish:
	@command -v varnishd >/dev/null 2>&1 && ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 \
	|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish varnish-modules; }

serve: $(STAMP) varnish
	$(MAKE) --no-print-directory local-env PORT=$(SERVE_PORT) HOST=127.0.0.1
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	@mkdir -p $(VARNISH_DIR)
	@sed 's/\.port = "[0-9]*";/.port = "$(APP_PORT)";/' deploy/varnish/portal.vcl > $(VARNISH_DIR)/portal.vcl
	@echo "Serving on http://127.0.0.1:$(SERVE_PORT) through Varnish (gunicorn on 127.0.0.1:$(APP_PORT)). Ctrl-C stops all."
	@$(SERVE_ENV) sh -c 'trap "kill 0" INT TERM EXIT; \
		$(PY) manage.py db_worker --queue-name "*" --interval 2 & \
		$(VENV)/bin/gunicorn portal.wsgi --bind 127.0.0.1:$(APP_PORT) --workers 3 --timeout 30 & \
		varnishd -F -n $(VARNISH_DIR)/work -a 127.0.0.1:$(SERVE_PORT) -f $(VARNISH_DIR)/portal.vcl -s malloc,256m & \
		wait'

# Requests per second of the cached article, side by side in one run: through Varnish
# against a static file of the same bytes, and gunicorn's page cache against a bare view in
# cache_page (articles/benchmarks/front.py). Uses wrk when installed.
bench-cache: $(STAMP) varnish
	$(PY) -m articles.benchmarks.front

# The uncached pages against a bare Django view, side by side in one run
# (articles/benchmarks/site.py): builds BENCH_ARTICLES published articles on DATABASE_URL
# if missing (default: PostgreSQL database portal_bench on 127.0.0.1, created if missing),
# runs gunicorn on 127.0.0.1:BENCH_PORT with the page cache off and loads it with wrk
# (installed with apt-get when missing, as root; else a Python load generator).
BENCH_ARTICLES ?= 50000
BENCH_PORT ?= 8113
BENCH_ARGS ?=
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/portal_bench)
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { test "$$(id -u)" = 0 && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } || echo "wrk not installed: Python load generator"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m articles.benchmarks.site --articles $(BENCH_ARTICLES) --port $(BENCH_PORT) $(BENCH_ARGS)

# A dated archive of the database and the uploads under var/backups/ (safe while the
# site runs); `make restore FILE=var/backups/portal-....tar.gz` brings one back.
backup: $(STAMP)
	$(PY) manage.py backup

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/portal-YYYYMMDD-HHMMSS.tar.gz"; exit 1; }
	$(PY) manage.py restore "$(FILE)"

# One npm call for both: `npm install --no-save` of one package prunes the other.
$(AXE_JS) $(VNU_JAR) &:
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p var/node && npm install --prefix var/node --no-save --no-audit --no-fund --loglevel=error \
			axe-core@$(AXE_VERSION) vnu-jar@$(VNU_VERSION) \
		|| echo "axe-core and vnu-jar could not be installed: the browser tests skip, the HTML checker test fails"; \
	else echo "npm not found: the browser tests skip, the HTML checker test fails"; fi

browser-tools: $(AXE_JS) $(VNU_JAR)

test: $(STAMP) browser-tools
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) staticfiles
