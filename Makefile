# make demo: install everything (system packages included) and run the samples.
# make test: the same set-up, then lint, type checks and the whole test suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
STAMP := $(VENV)/.installed
LINT_PATHS := pipeline tests examples $(wildcard benchmarks/*.py)

.PHONY: demo test fuzz system install lint typecheck layers bench clean-demo help

help:
	@echo "make demo   install everything and run the pipeline over the sample forms"
	@echo "make test   install everything and run lint, type checks and the tests"
	@echo "make fuzz   the hostile-value tests with 50x the cases (>= 10,000; about 30 min)"
	@echo "make bench  measure conversion and batch speed, beside Carbone (benchmarks/)"

system:
	@bash scripts/install-system.sh

$(STAMP): pyproject.toml scripts/install-system.sh
	@bash scripts/install-system.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	@cp examples/*.docx examples/*.xlsx inbox/
	@echo "Copied the sample forms into inbox/; running the pipeline..."
	@$(BIN)/pipeline run; status=$$?; test $$status -le 1 || exit $$status
	@echo
	@echo "Documents:     outbox/<reference>/<version>/ (Word, PDF and web page)"
	@echo "For the web:   outbox/publish/ (web pages, PDFs, index.html, manifest.csv)"
	@echo "Register:      register.xlsx"
	@echo "Originals:     inbox/processed/<date>/ (accepted), inbox/rejected/ (with a report beside each)"

lint: install
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: install
	$(BIN)/mypy

# The layer contract in pyproject.toml ([tool.importlinter]): no stage imports one above it.
layers: install
	$(BIN)/lint-imports

test: lint typecheck layers
	$(BIN)/pytest -q

# The same property tests as make test, with the hypothesis profile "fuzz": 50x the cases.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q -p no:cacheprovider tests/test_hostile_values.py tests/test_hostile_pdf.py

# The peer row needs node and the carbone npm package: setup.sh installs them (once).
# make bench BENCH_ARGS=--large adds a 1,000-form batch and a 5,000-policy register.
bench: install
	@bash benchmarks/peer/setup.sh
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean-demo:
	rm -rf outbox/ASC-* outbox/publish inbox/processed inbox/rejected inbox/.processing .pipeline
	git checkout -- register.xlsx
