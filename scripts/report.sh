#!/usr/bin/env bash
# The HIPAA compliance report of the demo stack that `KEEP=1 make demo` left up, from its
# exported state: $REPORT_DIR/hipaa-report-demo.html and .md (REPORT_DIR defaults to reports/).
#   REFRESH=1          `pulumi refresh` first, so every control is read from AWS again
#                      (the demo's moto must still be up)
#   SCREENSHOT=FILE    also a PNG of the page's first screens, by headless Chromium
#                      (docs/report-demo.png in the README is made this way)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${HEALTHCARE_CACHE:-$HOME/.cache/pulumi-healthcare}
out=${REPORT_DIR:-$repo/reports}

export PATH=$repo/.tools/bin:$PATH
export PULUMI_BACKEND_URL=file://$cache/demo/state
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-healthcare-demo}
export PULUMI_HOME=$cache/demo/home
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

cd "$repo/examples/platform"
if ! pulumi stack select demo > /dev/null 2>&1; then
  echo "report.sh: no demo stack in $cache/demo/state: run \`KEEP=1 make demo\` first" >&2
  exit 1
fi
if [[ ${REFRESH:-0} == 1 ]]; then
  AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo pulumi refresh --yes --stack demo
fi
pulumi stack export --stack demo | "$repo/bin/pulumi-resource-healthcare" report --out "$out"

if [[ -n ${SCREENSHOT:-} ]]; then
  chromium=$("$repo/scripts/chromium.sh")
  profile=$(mktemp -d)
  trap 'rm -rf "$profile"' EXIT
  shot=$(cd "$repo" && realpath -m "$SCREENSHOT")
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size="${SCREENSHOT_SIZE:-1180,2200}" \
    --screenshot="$shot" "file://$out/hipaa-report-demo.html" 2> /dev/null
  echo "screenshot: $shot"
fi
