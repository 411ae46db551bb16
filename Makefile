# make run: set up and serve the explorer.  make test: set up and run every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make run` installs only what running needs; `make test` adds the test tools.
SUM := $(shell cksum < pyproject.toml | cut -d' ' -f1)
RUN_STAMP := $(VENV)/.installed-run-$(SUM)
TEST_STAMP := $(VENV)/.installed-test-$(SUM)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench bench-10m system-packages clean

$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	rm -f $(VENV)/.installed-run-*
	touch $@

$(TEST_STAMP): $(RUN_STAMP)
	$(BIN)/pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-test-*
	touch $@

# Debian packages the tests need: Chromium (browser tests), Virtuoso (remote store), a JRE
# (HermiT) when java is missing, Apache Jena (the reference engine of tests/test_engines.py).
# apt-get update runs once, before the first install. The packaged Virtuoso service would
# listen on all interfaces: it is stopped; tests run their own.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v virtuoso-t >/dev/null || missing="$$missing virtuoso-opensource"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	[ -f /usr/share/java/jena-arq.jar ] || missing="$$missing libapache-jena-java"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi; \
	$(SUDO) service virtuoso-opensource-7 stop >/dev/null 2>&1 || true

run: $(RUN_STAMP)
	$(BIN)/kg init
	@$(BIN)/python -m kg.demo
	$(BIN)/kg serve

test: $(TEST_STAMP) system-packages
	$(BIN)/ruff check kg tests benchmarks app.py
	$(BIN)/ruff format --check kg tests benchmarks app.py
	$(BIN)/pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check kg tests benchmarks app.py
	$(BIN)/ruff format --check kg tests benchmarks app.py

# Benchmarks on the on-disk store, with progress on stderr; figures merge into
# benchmarks/results.json and results.md. bench: 10k, 100k, 1M with rdflib's engine at 100k
# and Virtuoso up to 1M (about an hour on 2 quiet cores). bench-10m: 10M, the embedded store
# and the explorer.
bench: $(TEST_STAMP) system-packages
	$(BIN)/python benchmarks/run.py --sizes 10k,100k,1M

bench-10m: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py --sizes 10M --repeat 2 --cold 1 --gaps-repeat 1 \
	  --cap 150 --gaps-cap 300 --ox-mem-gib 16 --parts embedded,explorer \
	  --load-seconds 10 --load-requests 400

clean:
	rm -rf $(VENV) .kg
