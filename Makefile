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

# The C accelerators of the market channel (optional: without a C compiler the Python code runs).
ACCEL_SRC := $(wildcard src/polymarket_ml/*.h src/polymarket_ml/*/*.c src/polymarket_ml/*/*/*.c)
ACCEL := $(VENV)/.accelerators
CC_FOUND := $(shell command -v $${CC:-cc} 2>/dev/null)

DASH := dashboard
NODE := $(shell command -v node)
DASH_SRC := $(shell find $(DASH)/src -type f 2>/dev/null) $(DASH)/index.html $(DASH)/vite.config.ts $(DASH)/tsconfig.json
DASH_MODULES := $(DASH)/node_modules/.package-lock.json
DASH_DIST := $(DASH)/dist/index.html
ifneq ($(NODE),)
DASHBOARD := $(DASH_DIST)
else
DASHBOARD :=
$(warning node not found: the dashboard is not built and its tests skip (install Node 20+))
endif

DEMO_SPEED ?= 10
DEMO_MARKETS ?= 200

.PHONY: help venv dashboard test check lint format typecheck imports bench demo up clean

help:
	@echo "make test   - run the whole test suite (installs into .venv on first use)"
	@echo "make check  - ruff, ruff format --check, mypy, import rules, then tests"
	@echo "make bench  - storage write benchmarks (rows/s beside a naive ORM baseline)"
	@echo "make demo   - run everything against the simulator (DEMO_SPEED=$(DEMO_SPEED)x)"
	@echo "make up     - run everything against the real Polymarket"
	@echo "make format - apply ruff format and safe fixes"

venv: $(ACCEL)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "polymarket-ml needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

# The package itself, in editable mode, with its C accelerators: built again when a .c file
# changes (the old builds go first: a failed build must not leave them in use); says so
# plainly when they could not be built.
$(ACCEL): $(STAMP) pyproject.toml setup.py $(ACCEL_SRC)
	find src -name '*.so' -delete
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(ACCEL)
	@$(BIN)/python -c 'import polymarket_ml.core._orderbook_c, polymarket_ml.sources.polymarket._parse_c' 2>/dev/null \
	  || echo "WARNING: the C accelerators were not built (no C compiler, or a build error: $(BIN)/pip install -v -e . shows it): the collector decodes the market channel about 2.5x slower. Install gcc (Debian: apt install gcc) and run make again."

$(DASH_MODULES): $(DASH)/package.json $(DASH)/package-lock.json
	cd $(DASH) && npm ci --no-audit --no-fund
	@touch $@

$(DASH_DIST): $(DASH_MODULES) $(DASH_SRC)
	cd $(DASH) && npm run build
	@touch $@

dashboard: $(DASH_DIST)

test: $(ACCEL) $(DASHBOARD)
	PMML_REQUIRE_ACCELERATOR=$(if $(CC_FOUND),1,0) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(ACCEL)
	$(BIN)/ruff check src tests benchmarks

format: $(ACCEL)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

typecheck: $(ACCEL)
	$(BIN)/mypy

imports: $(ACCEL)
	$(BIN)/lint-imports

check: $(ACCEL)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
ifneq ($(NODE),)
	$(MAKE) --no-print-directory $(DASH_MODULES)
	cd $(DASH) && npx tsc --noEmit && npx eslint . && PYTHON=$(CURDIR)/$(BIN)/python node scripts/gen-api.mjs --check
endif
	$(MAKE) --no-print-directory test

bench: $(ACCEL)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

demo: $(ACCEL) $(DASHBOARD)
	$(BIN)/pmml up --sim --speed $(DEMO_SPEED) --markets $(DEMO_MARKETS)

up: $(ACCEL) $(DASHBOARD)
	$(BIN)/pmml up

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build src/*.egg-info $(DASH)/dist $(DASH)/node_modules
	find src -name '*.so' -delete
