# The commands a person types. Everything sets itself up, idempotently:
#   make demo   — the whole system with demo data, on the default ports
#   make stop   — stop what make demo started
#   make test   — every test (unit, integration on the real broker and store, browser e2e)
#   make unit   — the fast unit tests alone
#   make soak   — the fault suite's long form (SOAK_SECONDS, SOAK_REQUESTS), on its own stack; writes reports/soak-*.md
#   make bench  — the benchmarks on a stack of their own; writes docs/benchmarks.md
SHELL := /bin/bash
PYTHON ?= python3
JINGZHUN_CACHE ?= $(HOME)/.cache/jingzhun
export JINGZHUN_CACHE
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
VENV := $(JINGZHUN_CACHE)/venv-$(REQ_HASH)
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)
STACK := $(PY) deploy/local/stack.py

# Demo: default ports (see README). Tests: their own ports and data, so both can run at once.
KAFKA_PORT ?= 9092
MONGO_PORT ?= 27017
JINGZHUN_DATA ?= $(HOME)/.local/state/jingzhun
TEST_KAFKA_PORT ?= 19092
TEST_MONGO_PORT ?= 28017
TEST_DATA ?= $(JINGZHUN_CACHE)/test-stack
BENCH_KAFKA_PORT ?= 19292
BENCH_MONGO_PORT ?= 28217
BENCH_WEB_PORT ?= 26000
BENCH_DATA ?= $(JINGZHUN_CACHE)/bench-stack
BENCH_ARGS ?=

.PHONY: setup venv translations browser cjk-font stack-fetch gazetteer k8s-tools specs demo stop unit test test-only bench bench-reads clean-stack soak

setup: venv translations cjk-font stack-fetch gazetteer

venv: $(VENV)/.ready
$(VENV)/.ready: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

translations: venv
	@PYBABEL=$(VENV)/bin/pybabel scripts/translations.sh compile

browser:
	@scripts/ensure-chromium.sh

# The font the household card's PDF embeds (Noto Sans CJK, Debian's fonts-noto-cjk).
cjk-font:
	@scripts/ensure-cjk-font.sh

stack-fetch: venv
	@$(STACK) fetch

# The official area codes' pinned edition (shared/gazetteer), loaded into the store by the
# demo and the tests (offline afterwards).
gazetteer: venv
	@$(PY) -m shared.gazetteer fetch >/dev/null

# kubeconform and the Kubernetes schemas, for the manifest tests (offline afterwards).
k8s-tools: venv
	@$(PY) -m deploy.k8s.tools fetch

demo: setup
	@$(STACK) start --kafka-port $(KAFKA_PORT) --mongo-port $(MONGO_PORT) --data $(JINGZHUN_DATA)/stack
	@KAFKA_PORT=$(KAFKA_PORT) MONGO_PORT=$(MONGO_PORT) JINGZHUN_DATA=$(JINGZHUN_DATA) $(PY) -m deploy.local.demo up

stop:
	-@JINGZHUN_DATA=$(JINGZHUN_DATA) $(PY) -m deploy.local.demo down
	@$(STACK) stop --data $(JINGZHUN_DATA)/stack

# AsyncAPI's JSON Schema, for the document's test (offline afterwards).
specs: venv
	@$(PY) -m deploy.specs fetch

unit: venv translations k8s-tools specs
	$(PY) -m pytest -q tests/unit

# Each run starts on a fresh test stack: tests keep their databases and topics (unique
# prefixes) instead of dropping them (FerretDB was seen to crash once right after a drop).
test: setup browser k8s-tools specs
	@$(STACK) stop --data $(TEST_DATA) >/dev/null 2>&1 || true
	@rm -rf $(TEST_DATA)
	@$(STACK) start --kafka-port $(TEST_KAFKA_PORT) --mongo-port $(TEST_MONGO_PORT) --data $(TEST_DATA)
	@set -o pipefail; status=0; \
	  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$(TEST_KAFKA_PORT) MONGO_URL=mongodb://127.0.0.1:$(TEST_MONGO_PORT) \
	  JINGZHUN_TEST_DATA=$(TEST_DATA) $(PY) -m pytest -q tests || status=$$?; \
	  $(STACK) stop --data $(TEST_DATA); exit $$status

clean-stack:
	-@$(STACK) stop --data $(TEST_DATA)
	rm -rf $(TEST_DATA)

# The long form of the fault suite: its own stack, ports and data, so it runs beside a demo
# or a test run. Bounded: SOAK_SECONDS (600) of faults, SOAK_REQUESTS (6000) at most.
SOAK_KAFKA_PORT ?= 19192
SOAK_MONGO_PORT ?= 28117
SOAK_PORT_BASE ?= 18100
SOAK_DATA ?= $(JINGZHUN_CACHE)/soak-stack
SOAK_SECONDS ?= 600
SOAK_REQUESTS ?= 6000
soak: setup
	@$(STACK) stop --data $(SOAK_DATA) >/dev/null 2>&1 || true
	@rm -rf $(SOAK_DATA)
	@$(STACK) start --kafka-port $(SOAK_KAFKA_PORT) --mongo-port $(SOAK_MONGO_PORT) --data $(SOAK_DATA)
	@status=0; \
	  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$(SOAK_KAFKA_PORT) MONGO_URL=mongodb://127.0.0.1:$(SOAK_MONGO_PORT) \
	  SOAK_DATA=$(SOAK_DATA) SOAK_PORT_BASE=$(SOAK_PORT_BASE) SOAK_SECONDS=$(SOAK_SECONDS) SOAK_REQUESTS=$(SOAK_REQUESTS) \
	  $(PY) -m tests.faults.soak || status=$$?; \
	  $(STACK) stop --data $(SOAK_DATA); exit $$status

# Full size by default (BENCH_ARGS=--quick for the tiny form, or e.g. --events 50000); a fresh
# stack of its own, stopped after, so the figures are not shared with anything else it runs.
bench: setup
	@$(STACK) stop --data $(BENCH_DATA) >/dev/null 2>&1 || true
	@rm -rf $(BENCH_DATA)
	@$(STACK) start --kafka-port $(BENCH_KAFKA_PORT) --controller-port $$(($(BENCH_KAFKA_PORT) + 1)) \
	  --mongo-port $(BENCH_MONGO_PORT) --data $(BENCH_DATA)
	@set -o pipefail; status=0; \
	  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$(BENCH_KAFKA_PORT) MONGO_URL=mongodb://127.0.0.1:$(BENCH_MONGO_PORT) \
	  $(PY) -m bench --port-base $(BENCH_WEB_PORT) $(BENCH_ARGS) || status=$$?; \
	  $(STACK) stop --data $(BENCH_DATA); exit $$status

# Reads at size alone: loads READS_HOUSEHOLDS households and READS_HISTORY history entries
# into a store folder kept under $(JINGZHUN_CACHE)/reads (once: about an hour and ~27 GB of
# disk at full size on 2 cores, at a lower priority), then measures it and every set cached before. Later
# `make bench` runs measure the cached sets too. The report goes to READS_OUT, not docs/.
READS_HOUSEHOLDS ?= 1000000
READS_HISTORY ?= 10000000
READS_OUT ?= $(JINGZHUN_CACHE)/bench-reads
bench-reads:
	@$(MAKE) --no-print-directory bench \
	  BENCH_ARGS="--only reads --reads $(READS_HOUSEHOLDS):$(READS_HISTORY) --out $(READS_OUT) $(BENCH_ARGS)"
