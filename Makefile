# Two commands do everything: `make run` and `make test` (each bootstraps .venv itself).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean schema

# axe-core, the accessibility checker the browser tests inject (from the npm registry, at
# set-up only; nothing is fetched while the tests or the product run). Without npm or the
# registry the accessibility test is skipped and says why.
AXE_VERSION := 4.14.1
AXE := .cache/axe-core-$(AXE_VERSION)/axe.min.js

# pytest-xdist workers: one more than the cores. Part of each worker's time is spent waiting
# (for its PostgreSQL server, Chromium, the test's own uvicorn or SMTP server), so on 2 cores
# 3 workers keep both busier than 2 did. Override: make test TEST_WORKERS=2
TEST_WORKERS ?= $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2) + 1 )))

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found); set PY=..."; exit 1; }
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,vision]'
	@touch $(STAMP)

## run: set up, and start the web app on http://127.0.0.1:8000/ (SQLite; demo accounts on first run)
run: $(STAMP)
	@echo "Database: $$($(BIN)/anklet where)   (the command line: $(BIN)/anklet --help)"
	$(BIN)/anklet serve --demo-if-empty

## test: set up, lint, check the architecture contract, and run every test
test: $(STAMP) $(AXE)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -q

$(AXE):
	@mkdir -p $(dir $(AXE))
	@cd $(dir $(AXE)) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null 2>&1 \
	  && tar -xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js && mv package/axe.min.js . \
	  && rm -rf package axe-core-$(AXE_VERSION).tgz \
	  || echo "axe-core $(AXE_VERSION) could not be fetched with npm: the accessibility test will be skipped"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

## bench: print the benchmark figures as JSON
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_decide.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_photo.py
	$(BIN)/python benchmarks/bench_cohort.py
	$(BIN)/python benchmarks/bench_cli.py

schema: $(STAMP)
	$(BIN)/anklet schema > schema/history.schema.json

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis
