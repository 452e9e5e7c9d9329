# One command to start the dashboard on demo data, one to run every test.
# Each creates .venv, installs requirements.txt and the project (editable) the first time, and again when
# requirements.txt or pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
DB ?= $(or $(SUBSIDY_DB),data/subsidy.duckdb)

.PHONY: run test demo bench system-deps clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	# the project itself, editable (pyproject.toml): importable from notebooks, scripts and streamlit run
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $(STAMP)

system-deps:
	bash scripts/system_deps.sh

run: $(STAMP) system-deps
	@[ -f "$(DB)" ] || $(PY) -m data.build --demo
	$(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT) --server.headless true

test: $(STAMP) system-deps
	$(PY) -m pytest

demo: $(STAMP)
	$(PY) -m data.build --demo

bench: $(STAMP)
	$(PY) scripts/benchmark.py

clean:
	rm -rf $(VENV) data/subsidy.duckdb data/demo test-output
