# fleetops.cloud — `make demo` and `make test` work on a fresh machine with Python 3.11 and make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= $(CURDIR)/.venv
BIN := $(VENV)/bin
# ansible-test needs the checkout at .../ansible_collections/fleetops/cloud: a symlink under a temp dir.
COLL_PARENT ?= $(or $(TMPDIR),/tmp)/fleetops-$(shell printf '%s' "$(CURDIR)" | md5sum | cut -c1-10)
COLL := $(COLL_PARENT)/ansible_collections/fleetops/cloud
PIP_BOOTSTRAP := $(HOME)/.ansible/test/cache/get_pip_24_2.py
export ANSIBLE_TEST_CONTENT_ROOT := $(COLL)
export ANSIBLE_COLLECTIONS_PATH := $(COLL_PARENT)
export PYTHONPATH := $(COLL_PARENT)
export PATH := $(BIN):$(PATH)
export VENV COLL_PARENT

.PHONY: help setup lint sanity unit integration molecule conformance reliability-fast reliability awx test demo bench changelog build clean

help:
	@echo "make demo   - start the emulator and run the fleet / cluster / stack playbooks against it"
	@echo "make test   - lint + sanity + unit + integration + molecule + conformance + reliability + awx"
	@echo "make bench  - benchmarks against the peer collections (docs/performance.md)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(COLL):
	mkdir -p $(dir $(COLL))
	ln -sfn $(CURDIR) $(COLL)

$(PIP_BOOTSTRAP): tools/get_pip_bootstrap.py
	mkdir -p $(dir $@)
	cp tools/get_pip_bootstrap.py $@

setup: $(VENV)/.installed $(COLL) $(PIP_BOOTSTRAP)

lint: setup
	cd $(COLL) && $(BIN)/ansible-lint --profile production

sanity: setup
	cd $(COLL) && $(BIN)/ansible-test sanity --python 3.11 --color no

unit: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

integration: setup
	tools/integration.sh

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

test: setup
	tools/run_layers.sh lint sanity unit integration molecule conformance reliability-fast awx

demo: setup
	tools/demo.sh

bench: setup
	$(BIN)/python bench/stack_reapply.py

changelog: setup
	$(BIN)/antsibull-changelog lint

build: setup
	$(BIN)/ansible-galaxy collection build --force --output-path build/

clean:
	rm -rf build tests/output .pytest_cache
