# Tandem — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test test-deps install install-dev migrate admin notify bench demo-large lint format clean

# The venv is rebuilt when a requirements file changes (stamp files).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, upgrade the schema, seed the demo on first start, serve on :8501
run: install
	TANDEM_DEMO=$${TANDEM_DEMO:-1} $(BIN)/python -m tandem migrate
	@# Seed before serving, so the first visitor does not wait (does nothing once seeded).
	if [ "$${TANDEM_DEMO:-1}" = 1 ]; then $(BIN)/python -m tandem seed-demo; fi
	TANDEM_DEMO=$${TANDEM_DEMO:-1} $(BIN)/streamlit run Home.py --server.port $(PORT)

## make test: install what the tests need (PostgreSQL 15, Chromium) and run them all
test: install-dev test-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# System packages the tests use: Debian's postgresql-15 (a throwaway cluster is
# started by the tests), chromium (driven by Playwright; no browser download) and caddy
# (deploy/Caddyfile in front of two servers in tests/e2e/test_two_servers.py).
test-deps:
	@missing=""; \
	[ -x /usr/lib/postgresql/15/bin/initdb ] || missing="$$missing postgresql-15"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/caddy ] || missing="$$missing caddy"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing$$missing from Debian's packages"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install:$$missing (sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

migrate: install
	$(BIN)/python -m tandem migrate

## make admin: create an admin account from the command line (demo mode off)
admin: install
	$(BIN)/python -m tandem create-admin

## make notify: queue what waits for people and send the e-mails due (cron runs it)
notify: install
	$(BIN)/python -m tandem notify

bench: install-dev
	$(BIN)/python -m bench

## make demo-large: a 10 000-person company in DATABASE_URL (must be empty), seeded, in minutes
demo-large: install
	$(BIN)/python -m demo.large

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
