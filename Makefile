# fleetops.cloud — `make demo` and `make test` work on a fresh machine with Python 3.10-3.13 and make, whatever
# HOME holds: every tool that writes under HOME (ansible-test's key and pip bootstrap) gets a HOME of its own.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter the virtualenv is made with: the newest supported one on PATH (tools/find_python.sh), or
# `make PYTHON=/path/to/python3.12 ...`. Every layer then runs the virtualenv's Python and its version.
PYTHON ?= $(shell $(CURDIR)/tools/find_python.sh)
VENV ?= $(CURDIR)/.venv
BIN := $(VENV)/bin
# Evaluated when a recipe runs, after the virtualenv exists.
PYVER = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# ansible-test needs the checkout at .../ansible_collections/fleetops/cloud: a symlink under a temp dir.
COLL_PARENT ?= $(or $(TMPDIR),/tmp)/fleetops-$(shell printf '%s' "$(CURDIR)" | md5sum | cut -c1-10)
COLL := $(COLL_PARENT)/ansible_collections/fleetops/cloud
# kubernetes.core for a demo-only virtualenv (tools/get_kubernetes_core.sh); `ansible` (make test) ships it too.
VENV_COLLECTIONS := $(VENV)/collections
export ANSIBLE_TEST_CONTENT_ROOT := $(COLL)
export ANSIBLE_COLLECTIONS_PATH := $(COLL_PARENT):$(VENV_COLLECTIONS)
export PYTHONPATH := $(COLL_PARENT)
export PATH := $(BIN):$(PATH)
export VENV COLL_PARENT
# Ansible writes async job results (the roles' long waits) under $HOME but reads them under the account's home
# directory: when HOME is another directory (CI, containers), they must be one absolute path.
export ANSIBLE_ASYNC_DIR ?= $(HOME)/.ansible_async

.PHONY: help setup setup-demo docs realheat lint sanity unit integration integration-alternatives molecule conformance reliability-fast reliability awx test demo bench changelog build clean

help:
	@echo "make demo   - start the emulator and run the fleet / cluster / stack playbooks against it"
	@echo "make test   - lint + sanity + unit + integration + molecule + conformance + reliability + awx + docs"
	@echo "              (PYTHON=/path/to/python picks the interpreter of .venv; default: tools/find_python.sh)"
	@echo "make bench  - benchmarks against the peer collections (docs/performance.md)"

# Two steps: what the demo needs (requirements-demo.txt, kubernetes.core), then the test toolchain.
$(VENV)/.demo-installed: requirements.txt requirements-demo.txt tools/get_kubernetes_core.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-demo.txt
	tools/get_kubernetes_core.sh $(VENV_COLLECTIONS)
	touch $@

$(VENV)/.installed: $(VENV)/.demo-installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(COLL):
	mkdir -p $(dir $(COLL))
	ln -sfn $(CURDIR) $(COLL)

setup-demo: $(VENV)/.demo-installed $(COLL)

setup: $(VENV)/.installed $(COLL)

lint: setup
	cd $(COLL) && $(BIN)/ansible-lint --profile production

# ansible-test writes its SSH key and reads its pip bootstrap under HOME: tools/private_home.sh gives it its own.
sanity: setup
	cd $(COLL) && $(CURDIR)/tools/private_home.sh $(BIN)/ansible-test sanity --python $(PYVER) --color no

unit: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

integration: setup
	tools/integration.sh

# The same targets against the emulator's alternative readings of the references (docs/emulator.md, "Readings").
ALTERNATIVE_TARGETS := ucs_fleet ucs_fleet_federation ucs_fleet_kubeconfig ucs_cluster ucs_cluster_list \
	ucs_cluster_agent ucs_cluster_registration ucs_cce_cluster_info bce_pool bce_pool_info bce_wdl_execution \
	bce_wdl_execution_info
integration-alternatives: setup
	EMULATOR_PROFILE=alternatives tools/integration.sh $(ALTERNATIVE_TARGETS)

molecule: setup
	tools/molecule.sh

conformance: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/conformance

# make test runs one seed; make reliability runs every seed and prints the figures.
reliability-fast: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability

reliability: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability --full

# Inventory plugin, execution environment, AWX-style ansible-runner run, galaxy-importer.
awx: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/awx tests/inventory

# Every documented example (module EXAMPLES, README.md and docs/ code blocks) against the emulator.
docs: setup
	$(BIN)/python -m pytest -q -x -p no:cacheprovider tests/docs

# A real Keystone + Heat from PyPI (tests/realheat, venv .realheat/venv): installs once, fails loudly if it cannot.
realheat: setup
	$(BIN)/python tests/realheat/harness.py install
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/realheat

test: setup
	tools/run_layers.sh lint sanity unit integration integration-alternatives molecule conformance reliability-fast awx docs realheat

demo: setup-demo
	tools/demo.sh

# Not part of make test: counts and side-by-side ratios, printed as Markdown and written to docs/performance.md.
bench: setup
	$(BIN)/python bench/run_all.py --doc docs/performance.md $(BENCH_ARGS)

changelog: setup
	$(BIN)/antsibull-changelog lint

build: setup
	$(BIN)/ansible-galaxy collection build --force --output-path build/

clean:
	rm -rf build tests/output .pytest_cache
