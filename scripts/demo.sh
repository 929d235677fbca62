#!/usr/bin/env bash
# The demo: examples/platform through the real pulumi CLI against a local moto server.
# KEEP=1 leaves the stack (and moto) up.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${HEALTHCARE_CACHE:-$HOME/.cache/pulumi-healthcare}
state=$cache/demo/state
mkdir -p "$state" "$cache/demo/home"

export PATH=$repo/.tools/bin:$PATH
export PULUMI_BACKEND_URL=file://$state
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-healthcare-demo}
export PULUMI_HOME=$cache/demo/home
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL || true

portfile=$(mktemp)
"$repo/.venv/bin/python" "$repo/tests/harness/moto_launcher.py" > "$portfile" 2> "$cache/demo/moto.log" &
moto_pid=$!
stop_moto() { kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; rm -f "$portfile"; }
for _ in $(seq 100); do [[ -s $portfile ]] && break; sleep 0.1; done
moto_port=$(head -n1 "$portfile")
[[ $moto_port =~ ^[0-9]+$ ]] || { echo "moto did not start; see $cache/demo/moto.log" >&2; stop_moto; exit 1; }
# Real AWS is eventually consistent and moto is not: the plugin talks to moto through a proxy
# that lags as AWS does (tests/harness/consistency.py), so the demo shows the waits a user
# sees on a real account. LAGS=off talks to moto directly.
: > "$portfile"
if [[ ${LAGS:-aws} != off ]]; then
  "$repo/.venv/bin/python" "$repo/tests/harness/faultproxy.py" --upstream "http://127.0.0.1:$moto_port" \
    --consistency aws --seed "${LAGS_SEED:-0}" > "$portfile" 2> "$cache/demo/proxy.log" &
  proxy_pid=$!
  for _ in $(seq 100); do [[ -s $portfile ]] && break; sleep 0.1; done
  port=$(head -n1 "$portfile")
  [[ $port =~ ^[0-9]+$ ]] || { echo "the lag proxy did not start; see $cache/demo/proxy.log" >&2; kill "$proxy_pid"; stop_moto; exit 1; }
  echo "moto (local AWS) on http://127.0.0.1:$moto_port, with AWS's lags through http://127.0.0.1:$port"
else
  proxy_pid=
  port=$moto_port
  echo "moto (local AWS) on http://127.0.0.1:$port"
fi
stop_moto() {
  [[ -n $proxy_pid ]] && { kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; }
  kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; rm -f "$portfile"
}
if [[ ${KEEP:-0} != 1 ]]; then trap stop_moto EXIT; fi

cd "$repo/examples/platform"
# A stack left by an earlier run points at an emulator that is gone: start afresh.
pulumi stack rm demo --force --yes > /dev/null 2>&1 || true
pulumi stack init demo
pulumi config set healthcare:endpoint "http://127.0.0.1:$port"
pulumi config set healthcare:region us-east-1
pulumi up --yes --skip-preview=false
echo
echo "== stack outputs"
pulumi stack output --json
echo
echo "== compliance"
pulumi stack output compliance --json | "$repo/.venv/bin/python" "$repo/scripts/compliance_report.py"
if [[ ${KEEP:-0} == 1 ]]; then
  echo
  echo "KEEP=1: the stack 'demo' and moto (pid $moto_pid, port $port${proxy_pid:+, lag proxy pid $proxy_pid}) are still up."
  echo "Tear down: (cd examples/platform && PATH=\$PWD/../../.tools/bin:\$PATH PULUMI_BACKEND_URL=file://$state \\"
  echo "  PULUMI_CONFIG_PASSPHRASE=$PULUMI_CONFIG_PASSPHRASE PULUMI_HOME=$PULUMI_HOME \\"
  echo "  AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo pulumi destroy --yes); kill $moto_pid${proxy_pid:+ $proxy_pid}"
  exit 0
fi
echo
echo "== destroy: deletion protection first refuses, then is turned off with pulumi up"
if pulumi destroy --yes; then
  echo "destroy succeeded although the database has deletion protection on" >&2
  exit 1
fi
pulumi config set databaseDeletionProtection false
pulumi up --yes --skip-preview
pulumi destroy --yes
pulumi stack rm --yes demo
