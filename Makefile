# Two entry points: `make demo` and `make test`. Each creates .venv from the hashed lock file
# when it is missing or out of date, so a fresh machine needs only Python 3.11 and the registries.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test test-all lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/fogwatch demo

test: setup
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything, including the slow tests and evaluations kept out of the default run.
test-all: setup
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -m "" $(PYTEST_ARGS)

# Re-resolve dependencies from pyproject.toml against PyPI only, with hashes.
lock:
	$(PYTHON) -m venv /tmp/fogwatch-lock && /tmp/fogwatch-lock/bin/pip install --quiet pip-tools
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null /tmp/fogwatch-lock/bin/pip-compile --quiet \
	  --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras \
	  --extra dev -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache fogwatch-demo.db*
