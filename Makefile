# pulumi-healthcare: build, test and run the provider.
SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/pulumi-healthcare/target
export CARGO_TERM_COLOR ?= never
STAGE := scripts/stage.sh
BIN := bin/pulumi-resource-healthcare
PYTEST := .venv/bin/python -m pytest

.PHONY: build schema lint unit venv tools test test-python test-providertest bench demo install clean

## build: the release binary at bin/pulumi-resource-healthcare
build:
	@$(STAGE) build cargo build --release --locked -p pulumi-resource-healthcare
	@mkdir -p bin && install -m 0755 $(CARGO_TARGET_DIR)/release/pulumi-resource-healthcare $(BIN)

## schema: rewrite provider/schema.json from the registered resource types
schema: build
	$(BIN) schema > provider/schema.json

lint:
	@$(STAGE) fmt cargo fmt --all -- --check
	@$(STAGE) clippy cargo clippy --release --locked --workspace --all-targets -- -D warnings

unit:
	@$(STAGE) unit cargo test --release --locked --workspace

venv:
	@$(STAGE) venv scripts/venv.sh

## tools: the pinned Pulumi CLI and language hosts, built from their Go modules, in .tools/bin
tools:
	@$(STAGE) tools scripts/tools.sh

test-python: build venv tools
	@$(STAGE) pytest $(PYTEST) -q -p no:cacheprovider tests

## providertest: Pulumi's own provider test library (Go) on examples/platform
test-providertest: build venv tools
	@$(STAGE) providertest scripts/providertest.sh

## test: every test (formatting, lints, unit tests, protocol conformance, gRPC suites)
test: lint unit test-python test-providertest

## demo: examples/platform up and down through the real pulumi CLI against moto (KEEP=1 keeps it up)
demo: build venv tools
	@$(STAGE) demo scripts/demo.sh

VERSION := $(shell awk -F'"' '/^version = /{print $$2; exit}' Cargo.toml)

## install: the release binary into Pulumi's plugin cache, as `pulumi plugin install` does
install: build tools
	PATH=$(CURDIR)/.tools/bin:$$PATH pulumi plugin install resource healthcare $(VERSION) --file $(BIN)

clean:
	rm -rf bin .venv

## bench: start-up time and memory of the release binary (figures, not pass/fail)
bench: build venv
	.venv/bin/python bench/startup.py 20
