# The two set-up commands of the README: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: build test system node-tools lint clean

build: system $(VENV)/.installed
	$(BIN)/careprint build

test: system node-tools $(VENV)/.installed
	$(BIN)/ruff check careprint tests bench
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check careprint tests bench

system:
	@sh scripts/install-system-deps.sh

# Ace by DAISY and axe-core (npm, pinned in package-lock.json) and Debian's Chromium:
# `careprint check --outputs` and the tests of the EPUB and the web edition run them.
node-tools:
	@sh scripts/install-ace.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis
