#!/usr/bin/env bash
# Runs incidentctl lint for the composite action (action.yml). On a pull request: the
# documents it changes, compared with the merge base (lint --base), and every document when
# the flow or the settings change; otherwise every document. Findings are annotations plus the
# job summary; with INPUT_SARIF=true the same run is also written as SARIF for code scanning.
# It never fails itself: the exit code goes to the step output exit-code, which the action's
# last step returns after the SARIF upload.
# No set -u: macOS runners' bash 3.2 calls an empty array unbound.
set -o pipefail

incidentctl="${INCIDENTCTL:-incidentctl}"
read -r -a paths <<< "${INPUT_PATHS:-}"
args=()
[ "${INPUT_STRICT:-false}" = true ] && args+=(--strict)
base="${INPUT_BASE:-}"
case "${GITHUB_EVENT_NAME:-}" in
  pull_request | pull_request_target)
    if [ -z "$base" ]; then base="origin/${GITHUB_BASE_REF:?GITHUB_BASE_REF is not set}"; fi ;;
esac

output() { [ -n "${GITHUB_OUTPUT:-}" ] && echo "$1=$2" >> "$GITHUB_OUTPUT"; return 0; }

code=0
run() { # one lint run; remembers the worst exit code (2, a wrong command line, wins)
  "$incidentctl" lint "$@"
  local c=$?
  if [ "$c" -gt "$code" ]; then code=$c; fi
  return 0
}

full=true
if [ -n "$base" ]; then
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    echo "::error::incidentctl: lint --base needs the history back to the merge base: use actions/checkout with fetch-depth: 0"
    output exit-code 1
    exit 0
  fi
  # The flow or the settings changed: every document is checked against them too.
  if git diff --quiet "$base...HEAD" -- templates .incidentctl.yaml 2>/dev/null; then full=false; fi
  # GitHub shows 10 annotations of a kind per step: two runs in this step share them.
  per=10
  [ "$full" = true ] && per=5
  run --base "$base" --format github --annotations "$per" "${args[@]}" "${paths[@]}"
  [ "$full" = true ] && run --format github --annotations "$per" "${args[@]}" "${paths[@]}"
else
  run --format github "${args[@]}" "${paths[@]}"
fi

if [ "${INPUT_SARIF:-false}" = true ]; then
  file="${INPUT_SARIF_FILE:-incidentctl.sarif}"
  sarif_args=(--format sarif "${args[@]}" "${paths[@]}")
  [ "$full" = false ] && sarif_args=(--base "$base" "${sarif_args[@]}")
  # Written whole or not at all: a failed run leaves no empty file to upload.
  "$incidentctl" lint "${sarif_args[@]}" > "$file.tmp" 2>/dev/null
  c=$?
  if [ "$c" -le 1 ]; then mv "$file.tmp" "$file"; output sarif-file "$file"; else rm -f "$file.tmp"; code=2; fi
fi
output exit-code "$code"
echo "incidentctl lint: exit code $code"
exit 0
