#!/usr/bin/env bash
# Runs one stage of a make target and prints how long it took: stage.sh NAME CMD...
set -uo pipefail
name=$1; shift
start=$(date +%s)
echo "==> $name"
"$@"
rc=$?
echo "<== $name: $(( $(date +%s) - start ))s (exit $rc)"
exit $rc
