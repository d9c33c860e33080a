# polymarket-ml — every target bootstraps what it needs on first use.
#   make test    the whole test suite
#   make check   lint, format, types, import rules, then the tests
#   make bench   the benchmarks under benchmarks/
#   make demo    everything, offline, against the built-in simulator
#   make up      everything, against the real exchange

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_SPEED ?= 10
DEMO_MARKETS ?= 200

.PHONY: help venv test check lint format typecheck imports bench demo up clean

help:
	@echo "make test   - run the whole test suite (installs into .venv on first use)"
	@echo "make check  - ruff, ruff format --check, mypy, import rules, then tests"
	@echo "make bench  - storage write benchmarks (rows/s beside a naive ORM baseline)"
	@echo "make demo   - run everything against the simulator (DEMO_SPEED=$(DEMO_SPEED)x)"
	@echo "make up     - run everything against the real Polymarket"
	@echo "make format - apply ruff format and safe fixes"

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "polymarket-ml needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

check: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory test

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

demo: $(STAMP)
	$(BIN)/pmml up --sim --speed $(DEMO_SPEED) --markets $(DEMO_MARKETS)

up: $(STAMP)
	$(BIN)/pmml up

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build src/*.egg-info
