#!/usr/bin/env bash
# Checks the release configuration (.goreleaser.yaml) and builds a snapshot release with it:
# archives, the checksums file, the version and commit stamped into --version; then installs
# that snapshot with the action's own install script (action/install.sh), checksum verified.
#
# GoReleaser comes through the Go module proxy, pinned (v2.15.1 is the newest that builds with
# the Go here), and is kept in GOPATH/bin between runs; set GORELEASER to use another binary.
# CI builds the snapshot for linux/amd64 only: each target costs a cold cross-build of the whole
# dependency tree (about a minute of CPU on 2 cores, with -trimpath not shared with the test
# builds), and the matrix itself is checked by `goreleaser check`. SNAPSHOT_ALL=1 builds all six.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v2.15.1
if [ -z "${GORELEASER:-}" ]; then
  bin="$(go env GOPATH)/bin/goreleaser-$version"
  if [ ! -x "$bin" ]; then
    echo "installing goreleaser $version from the Go module proxy"
    tmpbin="$(mktemp -d)"
    time GOBIN="$tmpbin" go install "github.com/goreleaser/goreleaser/v2@$version"
    mkdir -p "$(dirname "$bin")"
    mv "$tmpbin/goreleaser" "$bin"
    rm -rf "$tmpbin"
  fi
  GORELEASER="$bin"
fi

# --install-only: just install it (.ci/run starts that first, in the background, so that the
# download and the build overlap the other steps).
if [ "${1:-}" = --install-only ]; then exit 0; fi

"$GORELEASER" check

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
repo="$PWD"
# A release is built from a commit: build from a clone of HEAD (GoReleaser also reads the
# commit only where a remote is configured, which a clone has).
git clone -q "$repo" "$work/src"
cd "$work/src"
config=.goreleaser.yaml
if [ "${SNAPSHOT_ALL:-}" != 1 ]; then
  config="$work/goreleaser-ci.yaml"
  sed -e 's/^    goos: \[linux, darwin, windows\]$/    goos: [linux]/' \
      -e 's/^    goarch: \[amd64, arm64\]$/    goarch: [amd64]/' .goreleaser.yaml > "$config"
  if [ "$(grep -c -e '^    goos: \[linux\]$' -e '^    goarch: \[amd64\]$' "$config")" != 2 ]; then
    echo ".ci/goreleaser.sh: the goos/goarch lines of .goreleaser.yaml changed; update the sed above" >&2
    exit 1
  fi
fi
time "$GORELEASER" release --snapshot --clean --config "$config" > "$work/release.log" 2>&1 || {
  cat "$work/release.log"; exit 1
}

# What a release publishes, with the names the action downloads.
ver="$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' dist/metadata.json)"
sums="dist/incidentctl_${ver}_checksums.txt"
archive="incidentctl_${ver}_linux_amd64.tar.gz"
test -s "$sums" && test -s "dist/$archive"
(cd dist && sha256sum -c --ignore-missing "../$sums")
commit="$(git rev-parse HEAD)"
mkdir "$work/x"
tar -xzf "dist/$archive" -C "$work/x"
got="$("$work/x/incidentctl" --version)"
echo "$got"
case "$got" in
  "incidentctl $ver (commit ${commit:0:12}, "*) ;;
  *) echo ".ci/goreleaser.sh: --version does not name version $ver and commit $commit" >&2; exit 1 ;;
esac

# The action installs this snapshot as it would a release: download, checksum, extract.
mkdir -p "$work/releases/v$ver" "$work/runner"
cp "dist/$archive" "$sums" "$work/releases/v$ver/"
RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$work/runner" GITHUB_PATH="$work/path" \
  INPUT_VERSION="$ver" INCIDENTCTL_RELEASE_URL="file://$work/releases" "$repo/action/install.sh"
echo "goreleaser: ok"
