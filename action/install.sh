#!/usr/bin/env bash
# Installs incidentctl for the composite action (action.yml): a release archive verified
# against the release's checksums file, or a build of the action's own checkout with Go.
#
# INPUT_VERSION: "auto" (the release the action is pinned to, uses: incidentctl/incidentctl@vX.Y.Z;
# any other ref builds from source), "source", or a release (1.2.3 or v1.2.3).
# INCIDENTCTL_RELEASE_URL overrides where releases are downloaded from (tests, mirrors).
set -euo pipefail

version="${INPUT_VERSION:-auto}"
action_dir="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
bin_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/incidentctl-bin"
release_url="${INCIDENTCTL_RELEASE_URL:-https://github.com/incidentctl/incidentctl/releases/download}"
mkdir -p "$bin_dir"

# A release tag, or a pre-release such as 1.3.0-rc.1 (snapshots are named like one too).
is_release() { [[ "$1" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; }

if [ "$version" = auto ]; then
  if is_release "${GITHUB_ACTION_REF:-}"; then version="$GITHUB_ACTION_REF"; else version=source; fi
fi

exe=incidentctl
case "${RUNNER_OS:-$(uname -s)}" in
  Linux) os=linux ;;
  macOS | Darwin) os=darwin ;;
  Windows | MINGW* | MSYS*) os=windows; exe=incidentctl.exe ;;
  *) echo "::error::incidentctl: no release for runner OS ${RUNNER_OS:-$(uname -s)}; use version: source"; exit 1 ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
  X64 | x86_64 | amd64) arch=amd64 ;;
  ARM64 | arm64 | aarch64) arch=arm64 ;;
  *) echo "::error::incidentctl: no release for runner architecture ${RUNNER_ARCH:-$(uname -m)}; use version: source"; exit 1 ;;
esac

if [ "$version" = source ]; then
  # The action's checkout is incidentctl's source at the ref the workflow names.
  command -v go >/dev/null || { echo "::error::incidentctl: version: source needs Go (actions/setup-go)"; exit 1; }
  echo "Building incidentctl from $action_dir (${GITHUB_ACTION_REF:-local})"
  (cd "$action_dir" && GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" go build -trimpath \
    -ldflags "-X github.com/incidentctl/incidentctl/pkg/cli.version=${GITHUB_ACTION_REF:-source}" \
    -o "$bin_dir/$exe" ./cmd/incidentctl)
elif is_release "$version"; then
  v="${version#v}"
  archive="incidentctl_${v}_${os}_${arch}.tar.gz"
  [ "$os" = windows ] && archive="incidentctl_${v}_${os}_${arch}.zip"
  sums="incidentctl_${v}_checksums.txt"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "Downloading $archive (release v$v)"
  curl -fsSL --retry 3 -o "$work/$archive" "$release_url/v$v/$archive"
  curl -fsSL --retry 3 -o "$work/$sums" "$release_url/v$v/$sums"
  # The archive must be listed, and match.
  if ! grep -E "^[0-9a-f]{64}  $archive\$" "$work/$sums" > "$work/expected"; then
    echo "::error::incidentctl: $sums does not list $archive"; exit 1
  fi
  if command -v sha256sum >/dev/null; then check=(sha256sum -c -); else check=(shasum -a 256 -c -); fi
  if ! (cd "$work" && "${check[@]}" < expected); then
    echo "::error::incidentctl: $archive does not match its checksum in $sums: not installed"; exit 1
  fi
  case "$archive" in
    *.zip)
      if command -v unzip >/dev/null; then unzip -q -o "$work/$archive" "$exe" -d "$bin_dir"
      else powershell -NoProfile -Command "Expand-Archive -Force -Path '$work/$archive' -DestinationPath '$bin_dir'"; fi ;;
    *) tar -xzf "$work/$archive" -C "$bin_dir" "$exe" ;;
  esac
else
  echo "::error::incidentctl: version: $version is not auto, source or a release like 1.2.3"; exit 1
fi

chmod +x "$bin_dir/$exe"
[ -n "${GITHUB_PATH:-}" ] && echo "$bin_dir" >> "$GITHUB_PATH"
"$bin_dir/$exe" --version
