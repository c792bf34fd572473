# The README's commands. Everything is installed from nothing: a virtual
# environment with pinned packages, and pinned jars from Maven Central in .cache/.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JARS := .cache/jars/.complete
export SQLFLOW_CACHE := $(CURDIR)/.cache

.PHONY: all install jars system-deps demo test test-unit test-integration bench validate clean distclean

all: install jars

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	@command -v java >/dev/null || { echo "error: java not found (Java 17 is required for Flink and Kafka)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(STAMP)

$(JARS): $(STAMP) sqlflow/__init__.py sqlflow/jars.py
	$(BIN)/sqlflow setup
	touch $@

jars: $(JARS)

# Debian packages some tests use (headless Chromium for the dashboard test,
# docker-compose to check the compose file). Skipped where apt-get is not usable;
# those tests then skip with the reason.
system-deps:
	@if command -v chromium >/dev/null && command -v docker-compose >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium docker-compose >/dev/null) \
		|| echo "warning: could not install chromium/docker-compose; their tests will skip"; \
	else echo "note: chromium/docker-compose missing and apt-get not usable; their tests will skip"; fi

demo: install jars
	$(BIN)/sqlflow demo

test: install jars system-deps
	$(BIN)/pytest -m "not gpu" -p no:cacheprovider tests

test-unit: install
	$(BIN)/pytest -m "not integration and not e2e and not gpu" -p no:cacheprovider tests

test-integration: install jars system-deps
	$(BIN)/pytest -m "integration or e2e" -p no:cacheprovider tests

validate: install
	$(BIN)/sqlflow validate

bench: install jars
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_udf.py micro
	$(BIN)/python bench/bench_udf.py flink --quick
	$(BIN)/python bench/bench_scoring.py

.PHONY: bench-spark
bench-spark: install jars
	$(BIN)/python bench/bench_spark.py

# Exactly-once under faults: 100,000 ids through four faults on the local target (several minutes).
.PHONY: bench-faults
bench-faults: install jars
	$(BIN)/python bench/bench_faults.py soak

clean:
	rm -rf .sqlflow out .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .cache
