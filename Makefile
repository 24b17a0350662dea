# Two commands do everything: `make run` and `make test` (each bootstraps .venv itself).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean schema

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
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
