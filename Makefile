# `make run` and `make test` are the only two commands a newcomer needs (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test lint schema bench clean

run: $(STAMP)
	$(BIN)/pipeline run raw --out output

test: lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy

schema: $(STAMP)
	$(BIN)/pipeline schema --out schemas/record.schema.json

# Speed and memory against bare spaCy NER and a naive script; needs ../shared beside the repo.
bench: $(STAMP)
	$(BIN)/python bench/bench.py

# Installs exactly the pinned versions; nothing is downloaded at run time (the spaCy
# model is a pinned package too).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache
