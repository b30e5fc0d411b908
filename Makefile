# `make run` and `make test` are the only two commands a newcomer needs (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test lint schema browser bench clean

run: $(STAMP)
	$(BIN)/pipeline run raw --out output

test: lint browser
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy

# The HTML diff report's test drives Debian's Chromium through Playwright (never a browser
# build of Playwright's own: no `playwright install`). Installing it needs root and apt; where
# that fails the browser test is skipped, and fails under CI=true.
CHROMIUM := /usr/bin/chromium

browser:
	@test -x $(CHROMIUM) \
		|| (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium) \
		|| echo "warning: could not install chromium; the browser test will be skipped (it fails under CI=true)" >&2

schema: $(STAMP)
	$(BIN)/pipeline schema --out schemas/record.schema.json

# Speed and memory against bare spaCy NER and a naive script; needs ../shared beside the repo.
bench: $(STAMP)
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/memory_per_document.py

# Installs exactly the pinned versions; nothing is downloaded at run time (the spaCy
# model is a pinned package too).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache
