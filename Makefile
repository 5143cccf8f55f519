# Two commands do everything on a fresh Debian 12 + Python 3.11 machine: `make report`, `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= data/tthc.duckdb
SAMPLE := data/sample
UNIT ?= an-truong
MONTH ?= 2026-06

.PHONY: report test lint format venv system-deps sample ingest bench fuzz lock clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (tthc)" >/dev/null
	$(BIN)/nbstripout --install --attributes .gitattributes 2>/dev/null || true
	touch $(STAMP)

venv: $(STAMP)

# Debian packages the PDF checks, browser tests and DOCX test use (pdftotext, pdftoppm, chromium,
# LibreOffice writer).
system-deps:
	bash scripts/system-deps.sh

sample: $(STAMP)
	$(BIN)/tthc sample --out $(SAMPLE)

ingest: sample
	$(BIN)/tthc ingest --db $(DB) --unit $(UNIT) $(SAMPLE)/*

report: ingest
	$(BIN)/tthc report --db $(DB) --unit $(UNIT) --month $(MONTH) --force

lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

format: $(STAMP)
	$(BIN)/ruff check --fix lib tests benchmarks
	$(BIN)/ruff format lib tests benchmarks

# One pytest worker per core (pytest-xdist); a file's tests stay on one worker, so its
# module fixtures (the corpus, a Dask cluster, an executed notebook) are built once.
test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q -ra -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# The fuzz tests for FUZZ_MINUTES with fresh seeds (the test suite runs a bounded, fixed set).
FUZZ_MINUTES ?= 30
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py --minutes $(FUZZ_MINUTES)

# Regenerate the lock after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 -o requirements.lock -q

clean:
	rm -rf outputs/* data/*.duckdb data/*.duckdb.wal $(SAMPLE)
