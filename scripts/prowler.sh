#!/usr/bin/env bash
# Installs Prowler, the independent auditor that tests/e2e/test_prowler.py runs against the
# local AWS, with every package it needs at the version pinned in tests/audit/prowler.lock
# (a `pip freeze` of a working install), and links it at .venv-prowler. Prowler has a venv
# of its own because its pins (boto3 among them) conflict with the test venv's.
#
# The venv (2.3 GB, three minutes to install even from pip's cache) is kept once per lock in
# the project's cache, like cargo's target directory, so a fresh clone (CI's included) finds
# it ready; a no-op when it is there and complete.
set -euo pipefail
cd "$(dirname "$0")/.."
lock=tests/audit/prowler.lock
cache=${HEALTHCARE_CACHE:-$HOME/.cache/pulumi-healthcare}
want=$(sha256sum "$lock" | cut -d' ' -f1)
venv=$cache/prowler/${want:0:16}
stamp=$venv/.installed
mkdir -p "$cache/prowler"
# One install at a time: two clones testing at once wait for each other's install.
exec 9> "$cache/prowler/.lock"
flock 9
if ! [[ -x $venv/bin/prowler && -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
  # The venvs of other locks are 2.3 GB each, and made again when needed.
  find "$cache/prowler" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
  python3 -m venv "$venv"
  export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$HOME/.cache/pulumi-healthcare/pip}"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$lock"
  # It starts, and is the version the lock names.
  "$venv/bin/prowler" --version | grep -qx "Prowler $(sed -n 's/^prowler==//p' "$lock")"
  printf '%s' "$want" > "$stamp"
fi
# A directory left there by hand is replaced by the link.
[[ -L .venv-prowler || ! -e .venv-prowler ]] || rm -rf .venv-prowler
ln -sfn "$venv" .venv-prowler
