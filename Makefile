# qcity — every set-up step lives here, so a fresh machine needs only `make demo` or `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
DEB_PACKAGES := chromium libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk poppler-utils
export QCITY_CHROMIUM ?= /usr/bin/chromium

.PHONY: install sysdeps venv assets demo serve test test-sqlite test-pg lint postgres bench clean

install: sysdeps venv

# Debian packages the tests and document conversion need; installed only when run as root and missing.
sysdeps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "warning: missing Debian packages:$$missing (run as root, or install them)"; fi; \
	fi

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

venv: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'

# Refresh the shipped front-end assets from the npm registry (pinned in package.json / package-lock.json).
assets:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js src/qcity/web/static/vendor/htmx.min.js
	cp node_modules/alpinejs/dist/cdn.min.js src/qcity/web/static/vendor/alpine.min.js
	cp node_modules/echarts/dist/echarts.min.js src/qcity/web/static/vendor/echarts.min.js

demo: install
	$(BIN)/qcity demo

serve: venv
	$(BIN)/qcity serve

# The local PostgreSQL server, started when it is down.
postgres:
	@if command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; fi

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: install postgres lint test-sqlite test-pg

test-sqlite: venv
	$(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider

test-pg: venv postgres
	QCITY_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider -m db

bench: venv
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist src/*.egg-info
