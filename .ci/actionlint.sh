#!/usr/bin/env bash
# Checks the project's workflows and the workflows that `incidentctl init` scaffolds
# (pkg/scaffold/files/incident-lint.yml, and incident-site.yml for init --pages), each checked as
# it lands in a user's .github/workflows/.
# actionlint comes through the Go module proxy, pinned; set ACTIONLINT to use another binary.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v1.7.12
if [ -z "${ACTIONLINT:-}" ]; then
  bin="$(go env GOPATH)/bin/actionlint-$version"
  if [ ! -x "$bin" ]; then
    tmpbin="$(mktemp -d)"
    GOBIN="$tmpbin" go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
    mkdir -p "$(dirname "$bin")"
    mv "$tmpbin/actionlint" "$bin"
    rm -rf "$tmpbin"
  fi
  ACTIONLINT="$bin"
fi

"$ACTIONLINT" .github/workflows/*.yml

scaffolded="$(mktemp -d)"
trap 'rm -rf "$scaffolded"' EXIT
mkdir -p "$scaffolded/.github/workflows"
cp pkg/scaffold/files/incident-lint.yml pkg/scaffold/files/incident-site.yml "$scaffolded/.github/workflows/"
(cd "$scaffolded" && "$ACTIONLINT" .github/workflows/incident-lint.yml .github/workflows/incident-site.yml)
echo "actionlint: ok"
