# pulumi-healthcare: build, test and run the provider.
SHELL := /bin/bash
# One build cache for every fresh clone (CI's included), so a second run is fast. cargo judges
# a workspace crate fresh by its files' times and not by the checkout it came from: two working
# trees that build in turn should each set their own CARGO_TARGET_DIR.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/pulumi-healthcare/target
export CARGO_TERM_COLOR ?= never
STAGE := scripts/stage.sh
BIN := bin/pulumi-resource-healthcare
LANGUAGE_BIN := bin/pulumi-language-rust
PYTEST := .venv/bin/python -m pytest

.PHONY: build schema sdks lint unit venv tools prowler test test-latency test-python test-providertest test-faults test-soak lag-figures test-garbage bench demo install clean

## build: the release binaries at bin/: the plugin, and the language host that runs it from
## source (one cargo run, which builds the plugin as the host's own `cargo build` does)
build:
	@$(STAGE) build cargo build --release --locked -p pulumi-resource-healthcare -p pulumi-language-rust
	@mkdir -p bin && install -m 0755 $(CARGO_TARGET_DIR)/release/pulumi-resource-healthcare $(BIN)
	@install -m 0755 $(CARGO_TARGET_DIR)/release/pulumi-language-rust $(LANGUAGE_BIN)

## schema: rewrite provider/schema.json from the registered resource types
schema: build
	$(BIN) schema > provider/schema.json

## sdks: rewrite sdk/python, sdk/nodejs and sdk/go from provider/schema.json
sdks: tools
	@$(STAGE) sdks scripts/sdks.sh

lint:
	@$(STAGE) fmt cargo fmt --all -- --check
	@$(STAGE) clippy cargo clippy --release --locked --workspace --all-targets -- -D warnings

unit:
	@$(STAGE) unit cargo test --release --locked --workspace

venv:
	@$(STAGE) venv scripts/venv.sh

## prowler: Prowler, the independent auditor that tests/e2e/test_prowler.py runs, pinned by
## tests/audit/prowler.lock, in a venv of its own (kept once per lock in the project's cache,
## linked at .venv-prowler)
prowler:
	@$(STAGE) prowler scripts/prowler.sh

## tools: the pinned Pulumi CLI and language hosts, built from their Go modules, in .tools/bin
tools:
	@$(STAGE) tools scripts/tools.sh

## the bad-weather and load runs (minutes each) run in make test-faults, not make test
SOAK_TESTS := tests/faults/test_weather.py tests/faults/test_load.py

## the suites run in PYTEST_WORKERS processes, a test file to each at a time: a test spends
## most of its time waiting on the CLI, the plugin and moto (each process has its own moto)
PYTEST_WORKERS ?= 3
test-python: build venv tools prowler
	@$(STAGE) pytest $(PYTEST) -q -p no:cacheprovider -n $(PYTEST_WORKERS) --dist loadfile \
		--durations=15 $(SOAK_TESTS:%=--ignore=%) tests

## test-soak: every end-to-end suite (tests/e2e) under the model of AWS's lags, as make test
## runs only tests/e2e/test_consistency.py: SEED picks the draws, SCALE multiplies every lag;
## the lagged answers each program of test_consistency.py met land in $(LAG_REPORT)
SEED ?= 1
SCALE ?= 1
LAG_REPORT ?= $(CURDIR)/.lags.json
test-soak: build venv tools prowler
	@rm -f $(LAG_REPORT)
	@$(STAGE) soak env HEALTHCARE_AWS_LAGS=aws HEALTHCARE_AWS_LAGS_SEED=$(SEED) \
		HEALTHCARE_AWS_LAGS_SCALE=$(SCALE) HEALTHCARE_LAG_REPORT=$(LAG_REPORT) \
		$(PYTEST) -q -p no:cacheprovider -n $(PYTEST_WORKERS) --dist loadfile --durations=15 tests/e2e

## lag-figures: each resource of the demo on its own through create, update and delete, without
## and with the lag model; its times and lagged answers land in $(LAG_REPORT) (docs/reliability.md)
lag-figures: build venv tools
	@rm -f $(LAG_REPORT)
	@$(STAGE) lag-figures env HEALTHCARE_LAG_REPORT=$(LAG_REPORT) \
		$(PYTEST) -q -p no:cacheprovider tests/e2e/lag_figures.py

## test-latency: many small sequential calls through grpc-go (the engine's gRPC stack) are
## not held by the socket (bench/rpc/floor_test.go)
test-latency: build
	@$(STAGE) latency-floor scripts/rpcbench.sh floor

## providertest: Pulumi's own provider test library (Go) on examples/platform
test-providertest: build venv tools
	@$(STAGE) providertest scripts/providertest.sh

## test-faults: the whole fault matrix: every resource killed at and refused at every AWS
## write of its create, update and delete (make test runs one write of each row);
## every case lands in $(FAULT_REPORT) as a JSON line; it runs the bad-weather and load tests too;
## its rows are spread over PYTEST_WORKERS processes
FAULT_REPORT ?= $(CURDIR)/.faults.jsonl
test-faults: build venv tools
	@rm -f $(FAULT_REPORT)
	@$(STAGE) faults env HEALTHCARE_FAULTS=full HEALTHCARE_FAULT_REPORT=$(FAULT_REPORT) \
		$(PYTEST) -q -s -p no:cacheprovider -n $(PYTEST_WORKERS) --dist load tests/faults; \
		rc=$$?; .venv/bin/python tests/faults/report.py $(FAULT_REPORT); exit $$rc

## test-garbage: every resource's Check and Diff fed arbitrary property values, 20000 maps
## each (make test's unit stage runs 256)
test-garbage:
	@$(STAGE) garbage env PROPTEST_CASES=20000 cargo test --release --locked -p pulumi-resource-healthcare -- garbage_tests

## test: every test (formatting, lints, unit tests, protocol conformance, gRPC suites)
test: lint unit test-latency test-python test-providertest

## demo: examples/platform up and down through the real pulumi CLI against moto (KEEP=1 keeps it up)
demo: build venv tools
	@$(STAGE) demo scripts/demo.sh

## report: the HIPAA compliance report (HTML and Markdown, in reports/) of the demo stack that
## `KEEP=1 make demo` left up (REFRESH=1 reads every control from AWS again first; docs/report.md)
.PHONY: report
report: build tools
	@$(STAGE) report scripts/report.sh

VERSION := $(shell awk -F'"' '/^version = /{print $$2; exit}' Cargo.toml)

## install: the plugin and the Rust language host into Pulumi's plugin cache, as
## `pulumi plugin install` does
install: build tools
	PATH=$(CURDIR)/.tools/bin:$$PATH pulumi plugin install resource healthcare $(VERSION) --file $(BIN)
	PATH=$(CURDIR)/.tools/bin:$$PATH pulumi plugin install language rust $(VERSION) --file $(LANGUAGE_BIN)

clean:
	rm -rf bin .venv .venv-prowler

## bench: figures, not pass/fail (see BENCHMARKS.md): every RPC through grpc-go, cold start,
## memory and size; `pulumi preview` at 1/10/40/100 resources; creates with 50 ms per AWS call
bench: build venv tools
	@$(STAGE) bench-rpc scripts/rpcbench.sh bench
	@$(STAGE) bench-preview .venv/bin/python bench/preview.py
	@$(STAGE) bench-latency .venv/bin/python bench/latency.py
