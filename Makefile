# ocr-client: `make demo` and `make test` each set everything up (venv, pip, npm) and then run.
# Set-up steps are stamped on their inputs, so a second run does nothing until those change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
PIP_FLAGS ?= --quiet --disable-pip-version-check

.PHONY: setup demo test test-slow test-all ape lint gas-snapshot clean

setup: $(STAMPS)/python $(STAMPS)/node

$(STAMPS)/python: pyproject.toml constraints.txt
	@mkdir -p $(STAMPS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ocr-client needs Python >= 3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) -c constraints.txt -e '.[dev]'
	@touch $@

# The optional ape extra, from the same constraints. ape-foundry finds anvil only on PATH, so an
# activated venv gets the bundled one unless a Foundry anvil is already there.
$(STAMPS)/ape: $(STAMPS)/python $(STAMPS)/node pyproject.toml constraints.txt
	$(BIN)/python -m pip install $(PIP_FLAGS) -c constraints.txt -e '.[dev,ape]'
	@command -v anvil >/dev/null || ! test -x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil || \
		ln -sf ../../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil $(BIN)/anvil
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: setup
	$(BIN)/ocr demo --nodes 7 --faulty 2 --rounds 4 --reputation

# The quick tier (under 5 minutes on 2 cores); the slow tier adds the n = 7/10/31 BFT matrix,
# multi-process node tests, long fault runs and the baseline gas runs. .ci/run runs both.
# The quick tier runs on two pytest-xdist workers, each with its own session anvil; a test file
# stays on one worker (--dist loadfile), so module fixtures are built once. TEST_WORKERS=0 runs it
# in one process.
TEST_WORKERS ?= 2
test: setup
	$(BIN)/python -m pytest -q -m "not slow" $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

test-slow: setup
	$(BIN)/python -m pytest -q -m "slow and not ape"

# The ape tier: set up the ape extra, then run the scripts with `ape run ... --network
# ethereum:local:foundry` and our fixtures under `ape test`. A skipped test fails it: here they must run.
ape: $(STAMPS)/ape
	$(BIN)/python -m pytest -q -m ape --fail-on-skip

test-all: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check ocr_client tests scripts benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

gas-snapshot: setup
	$(BIN)/python -m pytest -q tests/gas --update-gas-snapshot

clean:
	rm -rf $(STAMPS) build .pytest_cache .mypy_cache
