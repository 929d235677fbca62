#!/usr/bin/env bash
# Compiles the Node.js SDK (sdk/nodejs) with tsc against the pinned @pulumi/pulumi, as a user's
# build would: the toolchain (tests/sdk/nodejs/package.json and its lock) is installed with
# `npm ci` into a cache outside the clone, reused while the lock is unchanged; the SDK is
# compiled from a copy, so no build output lands in sdk/nodejs, and installed into the
# toolchain's node_modules. Prints the compiled dir.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${HEALTHCARE_CACHE:-$HOME/.cache/pulumi-healthcare}/sdk-nodejs
toolchain=$root/toolchain
export npm_config_cache=${npm_config_cache:-$HOME/.cache/pulumi-healthcare/npm}
mkdir -p "$toolchain"
# One build at a time: the suites run in several processes, and two of them use this.
exec 9> "$root/.lock"
flock 9
if ! cmp -s tests/sdk/nodejs/package-lock.json "$toolchain/package-lock.json" ||
  [[ ! -d $toolchain/node_modules ]]; then
  cp tests/sdk/nodejs/package.json tests/sdk/nodejs/package-lock.json "$toolchain/"
  (cd "$toolchain" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >&2
fi
rm -rf "$root/sdk"
cp -r sdk/nodejs "$root/sdk"
ln -s "$toolchain/node_modules" "$root/sdk/node_modules"
(cd "$root/sdk" && "$toolchain/node_modules/.bin/tsc") >&2
# Installed next to @pulumi/pulumi, as `npm install <compiled SDK>` puts it, for the
# TypeScript examples to import.
cp "$root/sdk/package.json" "$root/sdk/README.md" "$root/sdk/bin/"
installed=$toolchain/node_modules/@pulumi-healthcare/healthcare
rm -rf "$installed"
mkdir -p "$(dirname "$installed")"
cp -r "$root/sdk/bin" "$installed"
echo "$root/sdk/bin"
