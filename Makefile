# Two entry points, both self-contained on a fresh machine:
#   make demo   create/update .venv, install, run the main job on the embedded data
#   make test   create/update .venv, run format check, lint, type check and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench clean warm

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

# numba compiles the simulator kernel on first use (minutes on 2 cores) and caches it; do it here,
# once, so neither the demo's user nor the test suite waits for it (seconds when already cached)
warm: $(STAMP)
	$(BIN)/python -m lanthanide.cli.warm

demo: $(STAMP) warm
	$(BIN)/lanthanide chain --year 2025

lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) warm
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
