# One command to start the dashboard on demo data, one to run every test.
# Each creates .venv, installs requirements.lock (every package pinned with its hashes) and the project
# (editable) the first time, and again when requirements.lock or pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# the local OIDC provider of the sign-in tests (tests/oidc/): npm ci from its committed lock
OIDC_DEPS := tests/oidc/node_modules/.installed
PORT ?= 8501
# the dashboard shows personal data: it listens on this machine only unless ADDRESS says otherwise
# (README.md, "Opening the dashboard to a network")
ADDRESS ?= 127.0.0.1
DB ?= $(or $(SUBSIDY_DB),data/subsidy.duckdb)

.PHONY: run test demo bench system-deps clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# exactly the locked tree (pip and setuptools included): a package whose hash differs is refused
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements.lock
	# the project itself, editable (pyproject.toml), built by the locked setuptools: nothing unpinned fetched
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

system-deps:
	bash scripts/system_deps.sh

run: $(STAMP) system-deps
	@[ -f "$(DB)" ] || $(PY) -m subsidy build --demo
	@# the demo accounts (one per role) on the demo database; refused, and not needed, on real data
	@SUBSIDY_DB=$(DB) $(PY) -m subsidy users demo 2>/dev/null || true
	$(VENV)/bin/streamlit run dashboard/app.py --server.address $(ADDRESS) --server.port $(PORT) --server.headless true

$(OIDC_DEPS): tests/oidc/package.json tests/oidc/package-lock.json | system-deps
	npm ci --prefix tests/oidc --no-audit --no-fund
	touch $(OIDC_DEPS)

test: $(STAMP) system-deps $(OIDC_DEPS)
	$(PY) -m pytest

demo: $(STAMP)
	$(PY) -m subsidy build --demo

bench: $(STAMP)
	$(PY) scripts/benchmark.py

clean:
	rm -rf $(VENV) data/subsidy.duckdb data/demo test-output tests/oidc/node_modules
