# The project's commands. `make help` lists them. Every target sets up .venv itself.
SHELL := /bin/bash
PYTHON_SYSTEM ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help report preview validate test administration verify clean lab lock suites dictionary bench diff

help: ## List the targets with one line each
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@echo "[setup] creating $(VENV) from requirements.lock …"
	@$(PYTHON_SYSTEM) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required, found " + sys.version.split()[0])'
	@rm -rf $(VENV)
	@$(PYTHON_SYSTEM) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@# The project itself, editable and without dependencies (the lock above pins them all): the venv
	@# then knows the distribution and its console script. It costs a build step of a few seconds.
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)
	@echo "[setup] done"

# Whether to rebuild is decided by the pipeline, not by Make: it compares the checksums of
# every byte a build reads (raw files, symbolic links' targets included, suites, notebooks,
# code, parameters, lock, the survey export named with SURVEY=…) with output/manifest.json.
# File dates are never trusted (a file copied with its old date, a deleted file or a changed
# link target would be missed), and no file target means Make never deletes the manifest
# when a build is interrupted. SURVEY reaches the pipeline as an environment variable, so
# its path may hold spaces.
export SURVEY_EXPORT := $(SURVEY)

report: $(STAMP) ## Build output/report.html and output/report.pdf from data/raw/ (SURVEY=export.csv for the real survey)
	@$(PY) -m pipeline report

# The report's HTML in the browser while one edits: built into .build/preview/ (no PDF; output/ is left
# as the last `make report` made it), served on 127.0.0.1 only, rebuilt and reloaded on every save.
preview: $(STAMP) ## Serve the report's HTML on 127.0.0.1, rebuilt on every save (PREVIEW_PORT=8000 to choose the port)
	@PREVIEW_PORT="$(PREVIEW_PORT)" $(PY) -m pipeline preview

administration: $(STAMP) ## Build one administration's page: make administration NAME=Skarpnäck
	@test -n "$(NAME)" || { echo "usage: make administration NAME=<administration>, e.g. NAME=Skarpnäck"; exit 2; }
	@$(PY) -m pipeline administration "$(NAME)"

# An edition to send, bundled from a complete, up-to-date build of committed code; its date and
# name are set in report.yml. Bundling the same build again gives the same bytes.
.PHONY: dist
dist: report ## Bundle the edition into dist/<name>-<edition date>.zip (PDF, HTML, workbook, pages, audit, manifest)
	@$(PY) -m pipeline dist

validate: $(STAMP) ## Check data/raw/ against expectations/ and write data docs to output/validation/
	@$(PY) -m pipeline validate

verify: $(STAMP) ## Rebuild in a temporary directory and list every output file that differs
	@$(PY) -m pipeline verify

# FROM is checked before anything is built; then the current edition is brought up to date (make report) and
# compared with the one built from FROM in a temporary checkout.
diff: ## List every published figure changed since an edition: make diff FROM=<tag, branch or commit>
	@test -n "$(FROM)" || { echo "usage: make diff FROM=<git ref>, e.g. FROM=v2019 (a tag), FROM=main or FROM=HEAD~1"; exit 2; }
	@$(MAKE) --no-print-directory report
	@$(PY) -m pipeline diff --from "$(FROM)"

# The browser tests (tests/test_accessibility.py) drive Debian's chromium with the node modules
# pinned in tests/browser/package-lock.json; no browser is downloaded.
BROWSER_TESTS := tests/browser
BROWSER_STAMP := $(BROWSER_TESTS)/node_modules/.installed
.PHONY: browser-tools

$(BROWSER_STAMP): $(BROWSER_TESTS)/package.json $(BROWSER_TESTS)/package-lock.json
	@command -v npm >/dev/null || { echo "[setup] npm not found: install Node.js 20 and npm (apt-get install nodejs npm)"; exit 1; }
	@echo "[setup] installing the browser tests' node modules (npm ci) …"
	@npm ci --prefix $(BROWSER_TESTS) --no-audit --no-fund --loglevel=error
	@touch $@

browser-tools: $(BROWSER_STAMP)
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "[setup] installing Debian's chromium and poppler-utils for the browser and PDF tests …"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else \
	    echo "[setup] the browser and PDF tests need Debian's chromium and poppler-utils: run 'sudo apt-get install chromium poppler-utils'"; exit 1; \
	  fi; \
	fi

# The test tools are pinned apart from the runtime (requirements-test.lock), so `make report`
# never installs pytest; rebuilding .venv removes this stamp with it.
TEST_STAMP := $(VENV)/.installed-test
$(TEST_STAMP): $(STAMP) requirements-test.lock
	@echo "[setup] adding the test tools from requirements-test.lock to $(VENV) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -r requirements-test.lock
	@touch $@

test: $(TEST_STAMP) browser-tools ## Run the test suite (builds the report in temporary copies)
	@$(PY) -m pytest

suites: $(STAMP) ## Regenerate expectations/*.json from pipeline/ingest/schemas.py
	@$(PY) -m pipeline write-suites

dictionary: $(STAMP) ## Regenerate docs/data_dictionary.md from pipeline/ingest/schemas.py and pipeline/process/datasets.py
	@$(PY) -m pipeline write-dictionary

# JupyterLab lives in its own environment (.venv-lab): installed into .venv, its packages
# (jupyter-events, jsonschema's format checkers …) would slow every build's imports and make
# the build run on something other than requirements.lock.
LAB_VENV := .venv-lab
LAB_STAMP := $(LAB_VENV)/.installed
$(LAB_STAMP): requirements.lock requirements-lab.lock pyproject.toml
	@echo "[setup] creating $(LAB_VENV) (the pipeline's packages and JupyterLab) …"
	@rm -rf $(LAB_VENV)
	@$(PYTHON_SYSTEM) -m venv $(LAB_VENV)
	@$(LAB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(LAB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -r requirements-lab.lock
	@$(LAB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

lab: $(LAB_STAMP) ## Open JupyterLab on the executed notebooks (builds the report first if needed)
	@test -d output/notebooks || $(MAKE) --no-print-directory report
	@$(LAB_VENV)/bin/jupyter lab --notebook-dir=output/notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## Time cold, no-op and incremental builds against a naive baseline (bench/latest.json)
	@test -f output/manifest.json || $(MAKE) --no-print-directory report
	@$(PY) -m pipeline.tools.bench

clean: ## Remove output/, data/processed/ and build leftovers (keeps .venv)
	rm -rf output data/processed .build

# The test tools and JupyterLab are each resolved on top of the runtime (constrained by
# requirements.lock) in a venv of their own; their lock holds only what they add to it.
# $(1): the .in file, $(2): the lock it writes, $(3): what the lock is for (its first line).
define lock_on_top
@rm -rf /tmp/lock-venv-extra && $(PYTHON_SYSTEM) -m venv /tmp/lock-venv-extra
@/tmp/lock-venv-extra/bin/pip install --quiet -r requirements.lock
@/tmp/lock-venv-extra/bin/pip install --quiet -c requirements.lock -r $(1)
@{ echo '# $(3), pinned on top of requirements.lock. Regenerate with: make lock'; /tmp/lock-venv-extra/bin/pip freeze | grep -vxF -f requirements.lock || true; } > $(2)
endef

lock: ## Re-resolve requirements*.in into requirements.lock, requirements-test.lock, requirements-lab.lock (needs the package registry)
	@rm -rf /tmp/lock-venv && $(PYTHON_SYSTEM) -m venv /tmp/lock-venv
	@/tmp/lock-venv/bin/pip install --quiet -r requirements.in
	@{ echo "# Pinned runtime environment of the pipeline (python 3.11). Regenerate with: make lock"; /tmp/lock-venv/bin/pip freeze; } > requirements.lock
	$(call lock_on_top,requirements-test.in,requirements-test.lock,The test tools for make test)
	$(call lock_on_top,requirements-lab.in,requirements-lab.lock,JupyterLab for make lab)
