#!/usr/bin/env bash
# Creates .venv with the pinned test packages; a no-op when the pins have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
lock=tests/requirements.lock
stamp=.venv/.installed
if [[ -x .venv/bin/python && -f $stamp ]] && cmp -s "$lock" "$stamp"; then
  exit 0
fi
python3 -m venv .venv
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$HOME/.cache/pulumi-healthcare/pip}"
.venv/bin/pip install --quiet --disable-pip-version-check -r "$lock"
cp "$lock" "$stamp"
