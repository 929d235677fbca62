#!/usr/bin/env bash
# The plugin measured through grpc-go, the engine's own gRPC stack (bench/rpc).
#   scripts/rpcbench.sh floor            the latency-floor test (go test), part of make test
#   scripts/rpcbench.sh bench [flags]    the RPC benchmark, with a local moto server for the
#                                        calls that need a created resource
# Assumes `make build` and scripts/venv.sh already ran.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
module=$repo/bench/rpc
binary=${HEALTHCARE_PLUGIN:-$repo/bin/pulumi-resource-healthcare}

die() { echo "rpcbench.sh: error: $*" >&2; exit 1; }
command -v go > /dev/null || die "go is not on PATH"
[[ -x $binary ]] || die "bin/pulumi-resource-healthcare is missing; run make build"

# Go: caches outside the clone, the local toolchain only, the committed go.mod/go.sum.
export GOMODCACHE=${GOMODCACHE:-$HOME/.cache/pulumi-healthcare/go/mod}
export GOCACHE=${GOCACHE:-$HOME/.cache/pulumi-healthcare/go/build}
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=${CGO_ENABLED:-0}
# AWS: dummy credentials, nothing from the machine.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL || true

case ${1:-} in
  floor)
    shift
    cd "$module"
    HEALTHCARE_PLUGIN=$binary go test -count=1 -v -run 'TestSequential' "$@" .
    ;;
  bench)
    shift
    [[ -x $repo/.venv/bin/python ]] || die ".venv is missing; run scripts/venv.sh"
    portfile=$(mktemp)
    "$repo/.venv/bin/python" "$repo/tests/harness/moto_launcher.py" > "$portfile" 2> /dev/null &
    moto=$!
    trap 'kill $moto 2> /dev/null || true; wait $moto 2> /dev/null || true; rm -f "$portfile"' EXIT
    for _ in $(seq 100); do [[ -s $portfile ]] && break; sleep 0.1; done
    port=$(head -n1 "$portfile")
    [[ $port =~ ^[0-9]+$ ]] || die "moto did not start"
    (cd "$module" && go build -o "$GOCACHE/../rpcbench" .)
    "$GOCACHE/../rpcbench" -binary "$binary" -endpoint "http://127.0.0.1:$port" "$@"
    ;;
  *) die "usage: rpcbench.sh floor|bench [flags]" ;;
esac
