# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
EDGE_PORT ?= 6081

.PHONY: run edge varnish test lint fmt migrations-check install browser bench load chaos admin-timing backup restore

# Reinstall only when pyproject.toml changed: a cold install costs ~20 s here and pip's cache does not help.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The same site with Varnish in front on $(EDGE_PORT), from deploy/varnish.vcl (installed with apt-get as root).
edge: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py edge --with-app --backend $(HOST):$(PORT) --listen $(HOST):$(EDGE_PORT)

browser:
	@scripts/ensure-chromium

varnish:
	@scripts/ensure-varnish

test: $(STAMP) browser varnish
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

# A benchmark, not a test: the production stack under wrk (BENCH_ARTICLES, default 100000). See docs/performance.md.
bench: $(STAMP)
	$(BIN)/python scripts/bench

# Not a test either: 64 readers on gunicorn + PostgreSQL while an editor publishes and corrects (LOAD_ARTICLES,
# default 20000; LOAD_SECONDS, default 60); fails on any error. See docs/operations.md.
load: $(STAMP)
	$(BIN)/python scripts/load

# Not a test: the admin's server time and queries, page by page, for one editor (ADMIN_TIMING_DB=sqlite|postgres,
# ADMIN_TIMING_ARTICLES, ADMIN_TIMING_RUNS). Run it at a quiet moment. See docs/performance.md.
admin-timing: $(STAMP)
	$(BIN)/python scripts/admin-timing

# Not a test either: readers under load while Redis, PostgreSQL and Varnish stop in turn and come back; reports
# errors, recovery times and stale pages per phase (CHAOS_ARTICLES, CHAOS_PHASE). See docs/operations.md.
chaos: $(STAMP)
	$(BIN)/python scripts/chaos

# Operations on an installed site (no reinstall first): docs/operations.md.
backup:
	$(BIN)/python scripts/backup

restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/newsroom-….tar" >&2; exit 2; }
	$(BIN)/python scripts/restore "$(BACKUP)"
