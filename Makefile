# Everything a fresh machine needs is installed from here.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench clean system

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	# The package's own dependencies and extras, held to the exact pins above.
	$(BIN)/pip install -q -c requirements.txt -e ".[web,dask,pandas,dev]"
	touch $(STAMP)

# Debian packages for the browser tests (headless Chromium + driver); skipped when already present.
system:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }

setup: $(STAMP)

demo: $(STAMP)
	rm -rf demo-out
	$(BIN)/storylens analyze examples/demo --out demo-out; code=$$?; \
	  if [ $$code -ne 0 ] && [ $$code -ne 3 ]; then exit $$code; fi
	@echo "open demo-out/report.html, or: $(BIN)/storylens serve --db demo-out/storylens.sqlite"

test: $(STAMP) system
	$(BIN)/python -m pytest -q tests

clean:
	rm -rf $(VENV) demo-out .pytest_cache
