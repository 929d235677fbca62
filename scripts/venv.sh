#!/usr/bin/env bash
# Creates .venv with the pinned test packages and the generated Python SDK (sdk/python),
# installed as a user installs it; a no-op when neither the pins nor the SDK have changed.
set -euo pipefail
cd "$(dirname "$0")/.."
lock=tests/requirements.lock
stamp=.venv/.installed
want=$(cat "$lock"; find sdk/python -type f -print0 | sort -z | xargs -0 sha256sum)
if [[ -x .venv/bin/python && -f $stamp ]] && [[ "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
python3 -m venv .venv
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$HOME/.cache/pulumi-healthcare/pip}"
pip=(.venv/bin/pip install --quiet --disable-pip-version-check)
"${pip[@]}" -r "$lock"
# Its dependencies are pinned in the lock above; setuptools and wheel build it, from a copy
# so that no build output lands in sdk/python.
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r sdk/python "$copy/"
"${pip[@]}" --no-deps --no-build-isolation --force-reinstall "$copy/python"
printf '%s' "$want" > "$stamp"
