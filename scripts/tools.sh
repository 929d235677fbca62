#!/usr/bin/env bash
# Installs the pinned Pulumi CLI and the YAML language host into .tools/bin, built from
# their Go modules (the Go module proxy is the only source; no prebuilt binaries).
#   pulumi                 <- github.com/pulumi/pulumi/pkg/v3/cmd/pulumi via scripts/tools/pulumi
#   pulumi-language-yaml   <- github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml via scripts/tools/pulumi-yaml
#   sdkgen                 <- scripts/tools/pulumi/sdkgen (pkg/v3's SDK code generators)
# A tool already at its pin is skipped, so a second run takes seconds. See docs/tools.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

wrapper=$root/scripts/tools/pulumi
yaml_wrapper=$root/scripts/tools/pulumi-yaml
bin=$root/.tools/bin

# The CLI release is whatever the wrapper module requires; sdk/v3 must be the same release.
# The YAML host's release is whatever its wrapper requires (v1.38.3, built against pkg/sdk
# v3.257.0: the newest the proxy serves that is not newer than the CLI).
pin_of() { awk -v m="$1" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$2/go.mod"; }
PULUMI_VERSION=$(pin_of github.com/pulumi/pulumi/pkg/v3 "$wrapper")
PULUMI_SDK_VERSION=$(pin_of github.com/pulumi/pulumi/sdk/v3 "$wrapper")
PULUMI_YAML_VERSION=$(pin_of github.com/pulumi/pulumi-yaml "$yaml_wrapper")

die() { echo "tools.sh: error: $*" >&2; exit 1; }

semver='^v[0-9]+\.[0-9]+\.[0-9]+$'
[[ $PULUMI_VERSION =~ $semver ]] ||
  die "no github.com/pulumi/pulumi/pkg/v3 vX.Y.Z requirement in $wrapper/go.mod (got '$PULUMI_VERSION')"
[[ $PULUMI_YAML_VERSION =~ $semver ]] ||
  die "no github.com/pulumi/pulumi-yaml vX.Y.Z requirement in $yaml_wrapper/go.mod (got '$PULUMI_YAML_VERSION')"
[[ $PULUMI_VERSION == "$PULUMI_SDK_VERSION" ]] ||
  die "$wrapper/go.mod requires pkg/v3 $PULUMI_VERSION but sdk/v3 $PULUMI_SDK_VERSION; they must match"
command -v go > /dev/null || die "go is not on PATH"

export GOMODCACHE=${GOMODCACHE:-$HOME/.cache/pulumi-healthcare/go/mod}
export GOCACHE=${GOCACHE:-$HOME/.cache/pulumi-healthcare/go/build}
export GOTOOLCHAIN=local
export CGO_ENABLED=${CGO_ENABLED:-0}
export GOFLAGS="-buildvcs=false -trimpath"
export PULUMI_SKIP_UPDATE_CHECK=1

mkdir -p "$bin"

# step NAME CMD...: runs one install, prints how long it took, stops the script on failure.
step() {
  local name=$1 start rc
  shift
  start=$(date +%s)
  echo "==> $name"
  set +e
  "$@"
  rc=$?
  set -e
  echo "<== $name: $(($(date +%s) - start))s"
  ((rc == 0)) || die "$name failed (exit $rc); see the output above"
}

stamp_ok() { [[ -x $bin/$1 && -f $bin/.$1.version && "$(cat "$bin/.$1.version")" == "$2" ]]; }

# build_tool NAME WRAPPER PKG LDFLAGS: go build PKG inside WRAPPER into .tools/bin/NAME.
build_tool() {
  local name=$1 dir=$2 pkg=$3 ldflags=$4
  rm -f "$bin/.$name.version"
  # -mod=readonly: the committed go.mod/go.sum are the whole truth; nothing is re-resolved.
  (cd "$dir" && go build -mod=readonly -o "$bin/$name.tmp" -ldflags "-s -w $ldflags" "$pkg") || return 1
  mv -f "$bin/$name.tmp" "$bin/$name"
}

# A stamp key: the pin plus a hash of the wrapper's go.mod/go.sum (a changed go.sum rebuilds).
key_of() { echo "$1 $(cat "$2/go.mod" "$2/go.sum" | sha256sum | cut -c1-16)"; }

install_pulumi() {
  local key got
  key=$(key_of "$PULUMI_VERSION" "$wrapper")
  if stamp_ok pulumi "$key" &&
    [[ "$("$bin/pulumi" version 2> /dev/null)" == "$PULUMI_VERSION" ]]; then
    echo "pulumi $PULUMI_VERSION already installed"
    return 0
  fi
  build_tool pulumi "$wrapper" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" || return 1
  got=$("$bin/pulumi" version) || return 1
  [[ $got == "$PULUMI_VERSION" ]] || { echo "built pulumi reports '$got', wanted $PULUMI_VERSION" >&2; return 1; }
  echo "$key" > "$bin/.pulumi.version"
  echo "pulumi $got"
}

install_yaml() {
  local tool=pulumi-language-yaml key
  key=$(key_of "$PULUMI_YAML_VERSION" "$yaml_wrapper")
  if stamp_ok $tool "$key"; then
    echo "$tool $PULUMI_YAML_VERSION already installed"
    return 0
  fi
  build_tool $tool "$yaml_wrapper" github.com/pulumi/pulumi-yaml/cmd/$tool \
    "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$PULUMI_YAML_VERSION" || return 1
  echo "$key" > "$bin/.$tool.version"
  echo "$tool $PULUMI_YAML_VERSION"
}

# The SDK generator (scripts/tools/pulumi/sdkgen): pkg/v3's code generators at the CLI's pin.
install_sdkgen() {
  local key
  key="$(key_of "$PULUMI_VERSION" "$wrapper") $(sha256sum < "$wrapper/sdkgen/main.go" | cut -c1-16)"
  if stamp_ok sdkgen "$key"; then
    echo "sdkgen $PULUMI_VERSION already installed"
    return 0
  fi
  build_tool sdkgen "$wrapper" ./sdkgen "" || return 1
  echo "$key" > "$bin/.sdkgen.version"
  echo "sdkgen $PULUMI_VERSION"
}

total_start=$(date +%s)
echo "tools.sh: pulumi $PULUMI_VERSION, pulumi-language-yaml $PULUMI_YAML_VERSION -> $bin ($(go version))"
step pulumi install_pulumi
step pulumi-language-yaml install_yaml
step sdkgen install_sdkgen
# pulumi-language-python is not installed: its module
# (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is not served by the
# Go module proxy reachable here, at any version. See docs/tools.md.
echo "note: pulumi-language-python is not installed (not obtainable from the Go module proxy; see docs/tools.md)"
echo "tools.sh: done in $(($(date +%s) - total_start))s"
