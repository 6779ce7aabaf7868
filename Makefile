# The two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench screens install clean

$(VENV)/.base: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.base

# Embedded default: SQLite in ./var, in-process pub/sub and queue.
run: $(VENV)/.base
	$(BIN)/crewup-admin db upgrade
	$(BIN)/crewup-admin seed demo --if-empty
	$(BIN)/crewup serve

test: $(VENV)/.test
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check crewup cli tests bench migrations
	$(BIN)/ruff format --check crewup cli tests bench migrations
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(VENV)/.test
	bash bench/run.sh

# Screenshots of every main page, desktop and phone, into bench/screens/ (not committed).
screens: $(VENV)/.test
	cd bench && ../$(BIN)/python screens.py

clean:
	rm -rf $(VENV) var *.egg-info
