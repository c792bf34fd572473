# The README's commands. Everything is installed from nothing: a virtual
# environment with pinned packages, pinned jars from Maven Central in .cache/, and
# the native ONNX model runtime (jvm/, Maven) built into .cache/jars/native/.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JARS := .cache/jars/.complete
export SQLFLOW_CACHE := $(CURDIR)/.cache
# the native model runtime: its version is also in jvm/pom.xml and sqlflow/flink/native.py
NATIVE_VERSION := 0.1.0
NATIVE_JAR := $(SQLFLOW_CACHE)/jars/native/sqlflow-onnx-$(NATIVE_VERSION).jar
JVM_SOURCES := jvm/pom.xml $(shell find jvm/src -type f 2>/dev/null)
MVN := mvn -B -ntp -Dstyle.color=never -Dmaven.repo.local=$(SQLFLOW_CACHE)/m2 -f jvm/pom.xml
MVN_TIMEOUT ?= 1200

.PHONY: all install jars jvm test-jvm system-deps demo test test-unit test-integration test-sql lint bench \
	bench-native bench-models bench-predict bench-defaults bench-scoring bench-streaming bench-spark bench-faults \
	fuzz validate clean distclean

all: install jars jvm

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

# Rebuilt only when jvm/ changes; Flink is provided by the cluster, onnxruntime is inside.
$(NATIVE_JAR): $(JVM_SOURCES)
	@command -v mvn >/dev/null || { echo "error: mvn not found (Maven builds the native model runtime in jvm/)"; exit 1; }
	@command -v javac >/dev/null || { echo "error: javac not found (Java 17 builds the native model runtime in jvm/)"; exit 1; }
	timeout $(MVN_TIMEOUT) $(MVN) -q package -DskipTests
	mkdir -p $(dir $@)
	cp jvm/target/sqlflow-onnx-$(NATIVE_VERSION).jar $@

jvm: $(NATIVE_JAR)

test-jvm: $(NATIVE_JAR)
	timeout $(MVN_TIMEOUT) $(MVN) test

# Debian packages some tests use (headless Chromium for the dashboard test,
# docker-compose to check the compose file). Skipped where apt-get is not usable;
# those tests then skip with the reason.
system-deps:
	@if command -v chromium >/dev/null && command -v docker-compose >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium docker-compose >/dev/null) \
		|| echo "warning: could not install chromium/docker-compose; their tests will skip"; \
	else echo "note: chromium/docker-compose missing and apt-get not usable; their tests will skip"; fi

demo: install jars jvm
	$(BIN)/sqlflow demo

# the layer contract, the native runtime's JUnit tests, pytest's tiers, then the shipped project's own
# SQL tests (the *.test.yaml beside the jobs)
test: install jars jvm system-deps lint test-jvm
	$(BIN)/pytest -m "not gpu" -p no:cacheprovider tests
	$(BIN)/sqlflow test sql/

test-sql: install jars jvm
	$(BIN)/sqlflow test sql/

# the package's layers (pyproject.toml [tool.importlinter]): a module imports only from layers below it
lint: install
	$(BIN)/lint-imports

test-unit: install lint
	$(BIN)/pytest -m "not integration and not e2e and not gpu" -p no:cacheprovider tests

test-integration: install jars jvm system-deps
	$(BIN)/pytest -m "integration or e2e" -p no:cacheprovider tests

validate: install
	$(BIN)/sqlflow validate

# every benchmark; each writes its section of bench/RESULTS.md and its JSON.
# BENCH_ARGS=--quick makes the model benchmarks a short check of their scripts.
bench: install jars jvm
	$(BIN)/python bench/bench_parse.py --flink --json bench/parse_results.json --results bench/RESULTS.md
	$(BIN)/python bench/bench_agreement.py --json bench/agreement_results.json --results bench/RESULTS.md
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_udf.py micro
	$(BIN)/python bench/bench_udf.py flink --quick
	$(MAKE) bench-models

# the fuzzing soak: the properties of tests/unit/fuzz on many thousands of random cases (about 20 minutes;
# writes the "Compiler fuzzing" section of bench/RESULTS.md and bench/fuzz_results.json)
fuzz: install
	$(BIN)/python bench/bench_fuzz.py

# Exactly-once under faults: 100,000 ids through four faults on the local target (several minutes).
bench-faults: install jars jvm
	$(BIN)/python bench/bench_faults.py soak

# the model benchmarks, about 50 minutes in all on a quiet 2-core machine
bench-models: bench-predict bench-defaults bench-scoring bench-streaming bench-spark

# ML_PREDICT native and Python against the job with a SQL expression, batch/streaming, p1/p2, model sizes
bench-predict: install jars jvm
	$(BIN)/python bench/bench_predict.py $(BENCH_ARGS)

# the settings behind sqlflow's defaults: object reuse, batch sizes, Python bundles, latency settings
bench-defaults: install jars jvm
	$(BIN)/python bench/bench_defaults.py $(BENCH_ARGS)

# the shipped batch scoring job: against its SQL-expression twin at 1M candidates, then 10M and 50M
bench-scoring: install jars jvm
	$(BIN)/python bench/bench_scoring.py $(BENCH_ARGS)

# Kafka -> ML_PREDICT -> Kafka at 5,000 requests/s (latency) and flat out, against a plain Python service
bench-streaming: install jars jvm
	$(BIN)/python bench/bench_streaming.py $(BENCH_ARGS)

# the native batch job against PySpark 4.3's pandas_udf (PySpark in its own venv under $(SQLFLOW_CACHE))
bench-spark: install jars jvm
	$(BIN)/python bench/bench_spark.py $(BENCH_ARGS)

# the native runtime's designs (sync, async, the splice) in hand-built PyFlink jobs (bench/native_results.json)
bench-native: install jars jvm
	$(BIN)/python bench/bench_native.py

clean:
	rm -rf .sqlflow out .pytest_cache jvm/target
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .cache
