#!/usr/bin/env bash
# The providertest suite: examples/platform through Pulumi's own provider test library
# (github.com/pulumi/providertest) with the plugin in bin/, the pinned CLI in .tools/bin and a
# local moto server. Assumes `make build`, scripts/venv.sh and scripts/tools.sh already ran.
#   scripts/providertest.sh [go test flags...]     e.g. -run TestPlatform
# Env: PROVIDERTEST_TIMEOUT (default 20m); HEALTHCARE_PROVIDERTEST_RECORD_BASELINE=vX.Y.Z
# records the upgrade baseline from bin/ (see tests/providertest/upgrade_test.go).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
suite=$repo/tests/providertest

die() { echo "providertest.sh: error: $*" >&2; exit 1; }
command -v go > /dev/null || die "go is not on PATH"
[[ -x $repo/bin/pulumi-resource-healthcare ]] || die "bin/pulumi-resource-healthcare is missing; run make build"
[[ -x $repo/.tools/bin/pulumi && -x $repo/.tools/bin/pulumi-language-yaml ]] ||
  die ".tools/bin/pulumi or pulumi-language-yaml is missing; run scripts/tools.sh"
[[ -x $repo/.venv/bin/python ]] || die ".venv is missing; run scripts/venv.sh"

# Go: caches outside the clone, the local toolchain only, and the committed go.mod/go.sum as
# the whole truth (-mod=readonly resolves nothing new).
export GOMODCACHE=${GOMODCACHE:-$HOME/.cache/pulumi-healthcare/go/mod}
export GOCACHE=${GOCACHE:-$HOME/.cache/pulumi-healthcare/go/build}
export GOTOOLCHAIN=local
export GOFLAGS=-mod=readonly
export CGO_ENABLED=${CGO_ENABLED:-0}

# Pulumi: the pinned CLI first on PATH, no update checks, no plugin downloads. The test binary
# sets all of this again itself (so `go test` alone behaves the same) and makes its own
# throw-away PULUMI_HOME; pulumitest gives every stack its own file backend and passphrase.
export PATH=$repo/.tools/bin:$PATH
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
unset PULUMI_HOME PULUMI_BACKEND_URL PULUMI_ACCESS_TOKEN PULUMI_DEBUG_PROVIDERS || true

# Every temporary file of the run (PULUMI_HOME, program copies, state backends, gRPC logs, moto's
# log) goes under one directory: removed after a pass, kept after a failure (pulumitest keeps a
# failed test's files for debugging) unless CI=true.
work=$(mktemp -d "${TMPDIR:-/tmp}/healthcare-providertest.XXXXXX")
export TMPDIR=$work

# AWS: moto (started by the tests on a free loopback port) and nothing from the machine.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL || true

start=$(date +%s)
echo "providertest.sh: go test in tests/providertest ($(go version | cut -d' ' -f3))"
set +e
(cd "$suite" && go test -count=1 -v -timeout "${PROVIDERTEST_TIMEOUT:-20m}" "$@" ./...)
rc=$?
set -e
if ((rc == 0)) || [[ ${CI:-} == true ]]; then rm -rf "$work"; else echo "providertest.sh: the failed run's files are in $work"; fi
echo "providertest.sh: $( ((rc == 0)) && echo passed || echo "FAILED (exit $rc)") in $(($(date +%s) - start))s"
exit "$rc"
