#!/usr/bin/env bash
# Writes the Python, Node.js and Go SDKs (sdk/<language>) from provider/schema.json with
# sdkgen (pkg/v3's code generators, built by scripts/tools.sh), completes the Go SDK's
# go.mod/go.sum, and writes the API reference (docs/api). `pulumi package gen-sdk
# provider/schema.json --language <language>` writes the same SDK files where that
# language's host is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
sdkgen=.tools/bin/sdkgen
[[ -x $sdkgen ]] || { echo "sdks.sh: $sdkgen is missing; run make tools" >&2; exit 1; }
for language in python nodejs go; do
  "$sdkgen" provider/schema.json "$language" "sdk/$language"
done
export GOMODCACHE=${GOMODCACHE:-$HOME/.cache/pulumi-healthcare/go/mod}
export GOCACHE=${GOCACHE:-$HOME/.cache/pulumi-healthcare/go/build}
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
(cd sdk/go && go mod tidy)
# The API reference pages (docs/api), from the same schema.
python3 scripts/apidocs.py provider/schema.json docs/api
