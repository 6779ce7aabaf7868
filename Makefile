# The two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench screens install clean messages

$(VENV)/.base: setup.cfg pyproject.toml crewup/__init__.py
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	$(BIN)/pybabel -q compile -d crewup/locale
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

# Two test processes (pytest-xdist): most tests wait on databases, brokers and child
# processes, so two keep two cores busy; each process makes its own databases.
TEST_PROCESSES ?= 2
test: $(VENV)/.test
	$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check crewup cli tests bench migrations
	$(BIN)/ruff format --check crewup cli tests bench migrations
	$(BIN)/mypy
	$(BIN)/lint-imports

# After changing words on pages: extract them into messages.pot and merge the new ones
# into every language's messages.po (then translate the empty entries; see docs/operations.md).
messages: $(VENV)/.base
	$(BIN)/pybabel -q extract -F babel.cfg --project=CrewUp --version=1 --no-location --sort-output -o crewup/locale/messages.pot .
	$(BIN)/pybabel -q update -i crewup/locale/messages.pot -d crewup/locale --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel -q compile -d crewup/locale

bench: $(VENV)/.test
	bash bench/run.sh

# Screenshots of every main page, desktop and phone, into bench/screens/ (not committed).
screens: $(VENV)/.test
	cd bench && ../$(BIN)/python screens.py

clean:
	rm -rf $(VENV) var *.egg-info
