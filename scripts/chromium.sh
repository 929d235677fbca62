#!/usr/bin/env bash
# Installs Debian's chromium (headless rendering of the compliance report in its test and
# the README's screenshot) when /usr/bin/chromium is missing; prints its path and version.
# Needs root (the tests and CI run as root), as apt-get does.
set -euo pipefail
bin=/usr/bin/chromium
# One install at a time (the suites run in several processes); the second finds it installed.
lock=${HEALTHCARE_CACHE:-$HOME/.cache/pulumi-healthcare}/chromium.lock
mkdir -p "$(dirname "$lock")"
exec 9> "$lock"
flock 9
if [[ ! -x $bin ]]; then
  start=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine's package lists may be missing or stale: update them when the package is unknown.
  if ! apt-cache show chromium > /dev/null 2>&1; then
    apt-get update -qq
  fi
  apt-get install -y -qq --no-install-recommends chromium > /dev/null ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium > /dev/null; }
  echo "chromium.sh: installed chromium in $(($(date +%s) - start))s" >&2
fi
"$bin" --version >&2
echo "$bin"
